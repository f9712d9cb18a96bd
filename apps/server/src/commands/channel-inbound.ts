// A channel's signed inbound events: user messages into the user's conversation on that channel, and
// the statuses a typed channel's service reports for what Baton sent.
import { MAX_TEXT_LENGTH, type ChannelInbound } from '@baton/proto';
import type { InboundEvent, InboundFile, InboundMedia } from '../channels/channel.js';
import { mediaPlaceholder, queueMediaDownload } from '../channels/media.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ChannelRow } from '../store/schema.js';
import { createChannelConversation } from './create-conversation.js';
import { channelRatingAnswer } from './satisfaction.js';
import { presentMessage } from '../presenters/conversation.js';
import { findByIdempotencyKey } from '../store/conversations.js';
import { saveAttachment } from './attachments.js';
import { sendUserMessage, type SendUserMessageOptions } from './send-user-message.js';

/**
 * An inbound user message: the user's latest conversation on this channel, or a new one. The user is
 * the signed channel identity `channel:<channel>:<user>` (never a web claim: the prefixes differ), and
 * channel conversations come only from here (POST /conversations refuses `channelId`).
 */
export async function channelInbound(deps: Deps, channel: ChannelRow, e: ChannelInbound, inboundAt?: number, thread?: { conversationId?: string }, files?: InboundFile[], media?: InboundMedia[]) {
  if (!channel.enabled) throw new AppError('FORBIDDEN', 'This channel is disabled');
  // a thread (e-mail) names its conversation, which must be this user's on this channel; a new thread starts one
  let conversationId = thread ? thread.conversationId && (await userConversation(deps, channel.id, e.user.id, thread.conversationId)) : (await latestChannelConversation(deps, channel.id, e.user.id))?.id;
  let created = false;
  // the window opens before the bot's answer to this message is delivered
  if (conversationId && inboundAt !== undefined) await markInbound(deps, conversationId, inboundAt);
  if (!conversationId) {
    const c = await createChannelConversation(deps, { id: channel.id, botId: channel.bot_id }, e.user, e.locale, inboundAt);
    conversationId = c.conversation.id;
    created = true;
  }
  const key = `channel:${e.id}`;
  if (files?.length) {
    // a redelivered message with files is answered from the stored one: its files are not stored again
    const seen = await deps.store.write.run((tx) => findByIdempotencyKey(tx, conversationId, key));
    if (seen) return { conversationId, created, message: presentMessage(seen), duplicate: true };
  }
  const saved = files?.length ? await saveFiles(deps, channel.id, conversationId, files) : { ids: [], refused: [] };
  const text = [e.text, ...saved.refused].filter(Boolean).join('\n').slice(0, MAX_TEXT_LENGTH) || undefined;
  const body = e.postback ? { postback: e.postback, ...(text ? { text } : {}) } : saved.ids.length ? { attachments: saved.ids, ...(text ? { text } : {}) } : { text: text! };
  // the answer to the satisfaction question after a close is recorded there, not sent to the bot
  const rated = created || saved.ids.length || media?.length ? undefined : await channelRatingAnswer(deps, conversationId, body, key);
  // files the service only names are fetched by a job queued with the message; the bot answers once they are attached
  const opts: SendUserMessageOptions = media?.length ? { holdBot: true, onStored: (tx, m) => queueMediaDownload(tx, deps.clock.now(), { channelId: channel.id, conversationId: conversationId, messageId: m.id, media }) } : {};
  const { message, duplicate } = rated ?? (await sendUserMessage(deps, conversationId, body, key, opts));
  return { conversationId, created, message, duplicate };
}

/** Stores a message's files; a file the attachment rules refuse (type, size, quota) is named with the reason instead, so the agent knows. */
async function saveFiles(deps: Deps, channelId: string, conversationId: string, files: InboundFile[]): Promise<{ ids: string[]; refused: string[] }> {
  const ids: string[] = [];
  const refused: string[] = [];
  for (const f of files) {
    try {
      ids.push((await saveAttachment(deps, { conversationId, name: f.name, bytes: f.bytes, ...(f.contentType ? { claimedType: f.contentType } : {}), by: { channelId } })).id);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      refused.push(`[${f.name.slice(0, 200)}: not kept, ${err.message}]`);
    }
  }
  return { ids, refused };
}

/** The order statuses move in: a late `delivered` never overwrites `read` (webhooks may arrive out of order). */
const STATUS_RANK: Record<string, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * What a typed channel's webhook reported, normalised (channels/channel.ts InboundEvent): user
 * messages into the user's conversation (a message id seen before is stored once), statuses onto the
 * messages Baton sent. The user's last message time is kept for WhatsApp's 24-hour window.
 */
export async function receiveChannelEvents(deps: Deps, channel: ChannelRow, events: InboundEvent[]) {
  let stored = 0;
  let duplicates = 0;
  const conversationIds: string[] = [];
  const impl = deps.channelRegistry.get(channel.type);
  for (const e of events) {
    if (e.kind === 'status') {
      await recordStatus(deps, channel.id, e.externalId, e.status, e.error ?? null);
      continue;
    }
    // files the service only names: a placeholder until the download job attaches them (channels/media.ts);
    // a type that cannot download shows the placeholder alone
    const mediaNote = e.media?.length ? mediaPlaceholder(e.media) : undefined;
    const media = e.media?.length && impl?.capabilities.media && impl.downloadMedia ? e.media : undefined;
    const text = e.text?.trim() || (e.postback ? undefined : mediaNote);
    if (!text && !e.postback && !e.files?.length) continue;
    // WhatsApp's window counts from when the user sent it (never later than now)
    const at = Math.min(e.at ?? deps.clock.now(), deps.clock.now());
    const r = await channelInbound(deps, channel, {
      id: e.id,
      type: 'message',
      user: { id: e.user.id, ...(e.user.name ? { name: e.user.name.slice(0, 200) } : {}) },
      ...(e.locale ? { locale: e.locale } : {}),
      ...(text ? { text: text.slice(0, MAX_TEXT_LENGTH) } : {}),
      ...(e.postback ? { postback: e.postback } : {}),
    }, at, e.thread, e.files, media);
    if (r.duplicate) duplicates++;
    else stored++;
    conversationIds.push(r.conversationId);
  }
  return { stored, duplicates, conversationIds };
}

/** A status the service reported for a message Baton sent, found by the service's id for it. */
async function recordStatus(deps: Deps, channelId: string, externalId: string, status: string, error: string | null): Promise<void> {
  await deps.store.write.run(async (tx) => {
    const row = await tx.selectFrom('channel_message_status').select(['message_id', 'status']).where('channel_id', '=', channelId).where('external_id', '=', externalId).executeTakeFirst();
    // a status of a message Baton does not know (sent before this channel existed, or by another tool) is ignored
    if (!row || (STATUS_RANK[status] ?? 0) <= (STATUS_RANK[row.status] ?? 0)) return;
    await tx.updateTable('channel_message_status').set({ status, error: error?.slice(0, 1000) ?? null, updated_at: deps.clock.now() }).where('message_id', '=', row.message_id).execute();
  });
}

/** The user's latest conversation on this channel, if any (where their next message goes). */
export async function latestChannelConversation(deps: Deps, channelId: string, userId: string): Promise<{ id: string; bot_state: string | null } | undefined> {
  return deps.store.db
    .selectFrom('end_users')
    .innerJoin('conversations', 'conversations.end_user_id', 'end_users.id')
    .select(['conversations.id', 'conversations.bot_state'])
    .where('end_users.verified_id', '=', `channel:${channelId}:${userId}`)
    .where('conversations.channel_id', '=', channelId)
    .orderBy('conversations.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** `conversationId` when it is this user's conversation on this channel. */
async function userConversation(deps: Deps, channelId: string, userId: string, conversationId: string): Promise<string | undefined> {
  const r = await deps.store.db
    .selectFrom('conversations')
    .innerJoin('end_users', 'end_users.id', 'conversations.end_user_id')
    .select('conversations.id')
    .where('conversations.id', '=', conversationId)
    .where('conversations.channel_id', '=', channelId)
    .where('end_users.verified_id', '=', `channel:${channelId}:${userId}`)
    .executeTakeFirst();
  return r?.id;
}

/** The user's latest message time on the channel, moved forward only (webhooks may arrive out of order). */
async function markInbound(deps: Deps, conversationId: string, at: number): Promise<void> {
  await deps.store.write.run((tx) =>
    tx
      .updateTable('conversations')
      .set({ channel_inbound_at: at })
      .where('id', '=', conversationId)
      .where((eb) => eb.or([eb('channel_inbound_at', 'is', null), eb('channel_inbound_at', '<', at)]))
      .execute(),
  );
}

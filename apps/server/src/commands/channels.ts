// Channel webhooks (the "Webhook widget & channel configuration" of the product text): any external
// messaging front end posts its users' messages to a signed endpoint and receives the bot's and
// agents' messages at its URL, signed the same way, from the durable outbox.
import { z } from 'zod';
import { MAX_TEXT_LENGTH, SECRET_MASK, type ChannelBody, type ChannelPatch, type ChannelView, type Message } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { policyFor } from '../outbound/address-policy.js';
import { assertUrlsAllowed } from '../outbound/save-check.js';
import { decrypt, encrypt } from '../secrets.js';
import type { ChannelRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { newSortableId } from '../tokens.js';
import { createChannelConversation } from './create-conversation.js';
import { sendUserMessage } from './send-user-message.js';

export const CHANNEL_TARGET_PREFIX = 'channel:';

export const ChannelInbound = z
  .object({
    id: z.string().min(1).max(200),
    type: z.literal('message'),
    user: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional(), email: z.email().optional() }).strict(),
    locale: z.string().min(2).max(35).optional(),
    text: z.string().trim().min(1).max(MAX_TEXT_LENGTH).optional(),
    postback: z.string().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => b.text || b.postback, { message: 'a message needs text or a postback' });

export function presentChannel(r: ChannelRow): ChannelView {
  return { id: r.id, name: r.name, url: r.url, secret: SECRET_MASK, previousSecret: r.previous_secret ? SECRET_MASK : null, botId: r.bot_id, enabled: r.enabled === 1, inboundUrl: `/api/v1/channels/${r.id}/events`, createdAt: new Date(r.created_at).toISOString() };
}

export async function getChannel(deps: Deps, id: string): Promise<ChannelRow> {
  const r = await deps.store.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('NOT_FOUND', `No channel "${id}"`);
  return r;
}

/** The secret Baton signs its deliveries to the channel with. */
export function channelSecret(deps: Deps, r: ChannelRow): string {
  return decrypt(r.secret, deps.secretKey());
}

/** The secrets an inbound event may be signed with: the current one, and the previous one during a rotation. */
export function channelSecrets(deps: Deps, r: ChannelRow): string[] {
  return [channelSecret(deps, r), ...(r.previous_secret ? [decrypt(r.previous_secret, deps.secretKey())] : [])];
}

export async function saveChannel(deps: Deps, body: z.infer<typeof ChannelBody>) {
  const now = deps.clock.now();
  const existing = await deps.store.db.selectFrom('channels').select('id').where('id', '=', body.id).executeTakeFirst();
  if (existing) throw new AppError('VALIDATION_FAILED', `A channel "${body.id}" already exists`);
  assertUrlsAllowed([{ path: 'url', url: body.url }], policyFor(deps.config));
  const row: ChannelRow = { id: body.id, name: body.name, url: body.url, secret: encrypt(body.secret, deps.secretKey()), previous_secret: null, bot_id: body.botId ?? null, enabled: body.enabled ? 1 : 0, created_at: now, updated_at: now };
  await deps.store.write.run((tx) => tx.insertInto('channels').values(row).execute());
  return presentChannel(row);
}

export async function patchChannel(deps: Deps, id: string, body: z.infer<typeof ChannelPatch>) {
  const row = await getChannel(deps, id);
  if (body.url) assertUrlsAllowed([{ path: 'url', url: body.url }], policyFor(deps.config));
  const next: ChannelRow = {
    ...row,
    ...(body.name ? { name: body.name } : {}),
    ...(body.url ? { url: body.url } : {}),
    ...(body.secret && body.secret !== SECRET_MASK ? { secret: encrypt(body.secret, deps.secretKey()) } : {}),
    ...(body.previousSecret !== undefined && body.previousSecret !== SECRET_MASK ? { previous_secret: body.previousSecret === null ? null : encrypt(body.previousSecret, deps.secretKey()) } : {}),
    ...(body.keepPreviousSecret && body.secret && body.secret !== SECRET_MASK ? { previous_secret: row.secret } : {}),
    ...(body.botId !== undefined ? { bot_id: body.botId } : {}),
    ...(body.enabled !== undefined ? { enabled: body.enabled ? 1 : 0 } : {}),
    updated_at: deps.clock.now(),
  };
  await deps.store.write.run((tx) => tx.updateTable('channels').set(next).where('id', '=', id).execute());
  return presentChannel(next);
}

/**
 * An inbound user message: the user's latest conversation on this channel, or a new one. The user is
 * the signed channel identity `channel:<channel>:<user>` (never a web claim: the prefixes differ), and
 * channel conversations come only from here (POST /conversations refuses `channelId`).
 */
export async function channelInbound(deps: Deps, channel: ChannelRow, e: z.infer<typeof ChannelInbound>) {
  if (!channel.enabled) throw new AppError('FORBIDDEN', 'This channel is disabled');
  const latest = await deps.store.db
    .selectFrom('end_users')
    .innerJoin('conversations', 'conversations.end_user_id', 'end_users.id')
    .select('conversations.id')
    .where('end_users.verified_id', '=', `channel:${channel.id}:${e.user.id}`)
    .where('conversations.channel_id', '=', channel.id)
    .orderBy('conversations.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  let conversationId = latest?.id;
  let created = false;
  if (!conversationId) {
    const c = await createChannelConversation(deps, { id: channel.id, botId: channel.bot_id }, e.user, e.locale);
    conversationId = c.conversation.id;
    created = true;
  }
  const body = e.postback ? { postback: e.postback, ...(e.text ? { text: e.text } : {}) } : { text: e.text! };
  const { message, duplicate } = await sendUserMessage(deps, conversationId, body, `channel:${e.id}`);
  return { conversationId, created, message, duplicate };
}

/** Plain text for channels that cannot show buttons or cards. */
export function fallbackText(m: Message): string {
  const lines: string[] = [];
  if (m.text) lines.push(m.text);
  m.buttons?.forEach((b, i) => lines.push(`${i + 1}. ${b.title}`));
  for (const c of m.cards ?? []) {
    lines.push(`• ${c.title}${c.subtitle ? ` — ${c.subtitle}` : ''}`);
    c.buttons?.forEach((b) => lines.push(`  - ${b.title}`));
  }
  return lines.join('\n');
}

// A conversation's channel is set when it is created and never changes: remembered (ids are unique
// across instances), so the bot's and agents' messages do not read it again on every commit.
const CHANNEL_CACHE_MAX = 20_000;
const channels = new Map<string, string | null>();

async function channelOf(tx: Tx, conversationId: string): Promise<string | null> {
  const known = channels.get(conversationId);
  if (known !== undefined) return known;
  const r = await tx.selectFrom('conversations').select('channel_id').where('id', '=', conversationId).executeTakeFirst();
  if (!r) return null; // not there (yet, in this transaction's view): not remembered
  if (channels.size >= CHANNEL_CACHE_MAX) channels.delete(channels.keys().next().value!);
  channels.set(conversationId, r.channel_id);
  return r.channel_id;
}

/**
 * Inside the transaction that created them: bot, agent and user-visible system messages of a
 * channel conversation become outbox deliveries to the channel.
 */
export async function queueChannelMessages(deps: Deps, tx: Tx, messages: Message[]): Promise<boolean> {
  let queued = false;
  for (const m of messages) {
    if (m.author.type === 'user' || m.internal) continue;
    const channelId = await channelOf(tx, m.conversationId);
    if (!channelId) continue;
    const conv = await tx
      .selectFrom('conversations')
      .innerJoin('end_users', 'end_users.id', 'conversations.end_user_id')
      .select(['end_users.external_id'])
      .where('conversations.id', '=', m.conversationId)
      .executeTakeFirst();
    const userId = (conv?.external_id ?? '').slice(channelId.length + 1);
    const id = newSortableId();
    const now = deps.clock.now();
    const payload = { id, type: 'message.created', createdAt: new Date(now).toISOString(), channelId, conversationId: m.conversationId, user: { id: userId }, message: m, fallbackText: fallbackText(m) };
    await tx
      .insertInto('outbox')
      .values({ id, delivery_id: id, provider_id: `${CHANNEL_TARGET_PREFIX}${channelId}`, event: 'message.created', conversation_id: m.conversationId, payload: JSON.stringify(payload), status: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, last_error: null, created_at: now, delivered_at: null })
      .execute();
    queued = true;
  }
  return queued;
}


// Inside the transaction that created them: bot, agent and user-visible system messages of a channel
// conversation become outbox deliveries to the channel; those of a conversation on a provider's own
// messenger (channel `provider:<id>`) go to that provider. buildApp hands this to Deps as
// onMessagesCreated, so commit() itself knows no channel.
import type { ChannelDeliveryStatus, Message } from '@baton/proto';
import type { ChannelDelivery, ChannelDeliveryResult, ChannelHandover } from '../channels/channel.js';
import { channelContext } from '../channels/stored-config.js';
import { MEDIA_DOWNLOAD_EVENT, runMediaDownload } from '../channels/media.js';
import type { Clock, Deps } from '../deps.js';
import { fromJson } from '../store/json.js';
import type { AgentRow, OutboxRow } from '../store/schema.js';
import { findConversation } from '../store/conversations.js';
import { AppError } from '../errors.js';
import { assertCanView } from './agent-access.js';
import { withAttachmentLinks } from './attachments.js';
import { fallbackText } from '../presenters/channel.js';
import { insertOutbox } from '../store/outbox.js';
import type { Tx } from '../store/write-queue.js';
import { newSortableId } from '../tokens.js';

/** An outbox row's target for a channel webhook: `channel:<channel id>` (provider ids never take this form). */
export const CHANNEL_TARGET_PREFIX = 'channel:';

/**
 * The channel of a conversation whose user talks on a provider's own messenger (Sunshine
 * Conversations): `provider:<provider id>`. Channel webhook ids hold no colon, so the two never meet.
 */
export const PROVIDER_CHANNEL_PREFIX = 'provider:';

export interface ChannelOwners {
  /** queues a message of a conversation on a provider's own messenger for that provider */
  owned(tx: Tx, providerId: string, message: Message): Promise<boolean>;
  /** the Offloading Webhook provider that is this channel's own platform (its `channelId`), if any */
  platformOf(channelId: string): Promise<string | undefined>;
}

const CHANNEL_CACHE_MAX = 20_000;

export class ChannelDeliveries {
  // A conversation's channel is set when it is created and never changes: remembered (ids are unique
  // across instances), so the bot's and agents' messages do not read it again on every commit.
  private readonly channels = new Map<string, string | null>();

  private readonly joining = new Map<string, boolean>();

  constructor(
    private readonly clock: Clock,
    private readonly owners?: ChannelOwners,
    /** whether a channel type sends a bot turn as one delivery (capabilities.joinsTurn) */
    private readonly joinsTurn?: (type: string) => boolean,
  ) {}

  /** Queues the deliveries for these messages; true when it queued any. */
  async queue(tx: Tx, messages: Message[]): Promise<boolean> {
    let queued = false;
    // the delivery a bot turn's next message joins (e-mail), while the turn's messages follow each other
    let open: { conversationId: string; id: string; payload: { message: Message; messages: Message[]; fallbackText: string } } | undefined;
    for (const m of messages) {
      if (m.author.type !== 'bot') open = undefined;
      if (m.author.type === 'user' || m.internal) continue;
      const channelId = await this.channelOf(tx, m.conversationId);
      if (!channelId) continue;
      if (channelId.startsWith(PROVIDER_CHANNEL_PREFIX)) {
        if (await this.owners?.owned(tx, channelId.slice(PROVIDER_CHANNEL_PREFIX.length), m)) queued = true;
        continue;
      }
      // platform mode: what the channel's own platform reported its agent wrote is on the channel already
      if (m.author.type === 'agent' && m.author.id?.startsWith('ext:')) {
        const platform = await this.owners?.platformOf(channelId);
        if (platform && m.author.id.startsWith(`ext:${platform}:`)) continue;
      }
      const conv = await tx
        .selectFrom('conversations')
        .innerJoin('end_users', 'end_users.id', 'conversations.end_user_id')
        .select(['end_users.external_id'])
        .where('conversations.id', '=', m.conversationId)
        .executeTakeFirst();
      const userId = (conv?.external_id ?? '').slice(channelId.length + 1);
      if (open && open.conversationId === m.conversationId) {
        // the same turn: one delivery carries it (its row is rewritten with the message added)
        open.payload.messages.push(m);
        open.payload.fallbackText = `${open.payload.fallbackText}\n\n${fallbackText(m)}`;
        await tx.updateTable('outbox').set({ payload: JSON.stringify(open.payload) }).where('id', '=', open.id).execute();
        continue;
      }
      const id = newSortableId();
      const now = this.clock.now();
      const payload = { id, type: 'message.created', createdAt: new Date(now).toISOString(), channelId, conversationId: m.conversationId, user: { id: userId }, message: m, fallbackText: fallbackText(m) };
      await insertOutbox(tx, { id, target: `${CHANNEL_TARGET_PREFIX}${channelId}`, event: 'message.created', conversationId: m.conversationId, payload: JSON.stringify(payload), now });
      open = m.author.type === 'bot' && (await this.joins(tx, channelId)) ? { conversationId: m.conversationId, id, payload: { ...payload, messages: [m] } } : undefined;
      queued = true;
    }
    return queued;
  }

  private async joins(tx: Tx, channelId: string): Promise<boolean> {
    if (!this.joinsTurn) return false;
    const known = this.joining.get(channelId);
    if (known !== undefined) return known;
    const r = await tx.selectFrom('channels').select('type').where('id', '=', channelId).executeTakeFirst();
    const joins = r ? this.joinsTurn(r.type) : false;
    // a channel's type never changes; the map holds one entry per channel
    if (r) this.joining.set(channelId, joins);
    return joins;
  }

  private async channelOf(tx: Tx, conversationId: string): Promise<string | null> {
    const known = this.channels.get(conversationId);
    if (known !== undefined) return known;
    const r = await tx.selectFrom('conversations').select('channel_id').where('id', '=', conversationId).executeTakeFirst();
    if (!r) return null; // not there (yet, in this transaction's view): not remembered
    if (this.channels.size >= CHANNEL_CACHE_MAX) this.channels.delete(this.channels.keys().next().value!);
    this.channels.set(conversationId, r.channel_id);
    return r.channel_id;
  }
}

/**
 * Sends one outbox row of a channel through its type (workers/outbox.ts calls this): the stored
 * delivery with the user's last message time (WhatsApp's window), and what came of it recorded per
 * message for the desk where the service reports statuses.
 */
export async function deliverToChannel(deps: Deps, row: OutboxRow): Promise<ChannelDeliveryResult> {
  const channel = await deps.store.db.selectFrom('channels').selectAll().where('id', '=', row.provider_id.slice(CHANNEL_TARGET_PREFIX.length)).executeTakeFirst();
  if (!channel) return { ok: false, retry: false, error: 'the channel no longer exists' };
  const { impl, ctx } = channelContext(deps, channel);
  // a handover to the channel's own platform (commands/channel-handover.ts)
  if (row.event === 'handover.requested') {
    if (!impl.handover) return { ok: false, retry: false, error: `a ${channel.type} channel takes no handover` };
    try {
      return await impl.handover(ctx, fromJson<ChannelHandover>(row.payload, {} as never));
    } catch (err) {
      return { ok: false, retry: true, error: `channel error: ${(err as Error).message}` };
    }
  }
  // a user's file to fetch from the service (channels/media.ts)
  if (row.event === MEDIA_DOWNLOAD_EVENT) return runMediaDownload(deps, impl, ctx, row);
  // files go out as signed links made now (commands/attachments.ts): the channel holds no user token
  const stored = withAttachmentLinks(deps, fromJson<{ id: string; conversationId: string; user: { id: string }; message: Message; messages?: Message[]; partsSent?: number }>(row.payload, {} as never));
  const raw = row.payload.includes('"attachments"') ? JSON.stringify(stored) : row.payload;
  const conv = await deps.store.db.selectFrom('conversations').select('channel_inbound_at').where('id', '=', stored.conversationId).executeTakeFirst();
  const delivery: ChannelDelivery = { id: row.delivery_id, conversationId: stored.conversationId, user: stored.user, message: stored.message, ...(stored.messages ? { messages: stored.messages } : {}), lastInboundAt: conv?.channel_inbound_at ?? null, partsSent: stored.partsSent ?? 0, raw };
  let result: ChannelDeliveryResult;
  try {
    result = await impl.deliver(ctx, delivery);
  } catch (err) {
    result = { ok: false, retry: true, error: `channel error: ${(err as Error).message}` };
  }
  if (!result.ok && result.partsSent) {
    // the parts already shown to the user are not sent again by the retry
    const payload = JSON.stringify({ ...JSON.parse(row.payload), partsSent: delivery.partsSent + result.partsSent });
    await deps.store.write.run((tx) => tx.updateTable('outbox').set({ payload }).where('id', '=', row.id).execute());
  }
  if (impl.reportsStatuses && stored.message?.id) {
    const status = result.ok ? (result.status ?? 'sent') : result.retry ? 'pending' : 'failed';
    const values = { message_id: stored.message.id, channel_id: channel.id, conversation_id: stored.conversationId, external_id: result.ok ? (result.externalId ?? null) : null, status, error: result.ok ? null : result.error.slice(0, 1000), updated_at: deps.clock.now() };
    await deps.store.write.run((tx) =>
      tx
        .insertInto('channel_message_status')
        .values(values)
        // a status webhook may already have moved it on: only the first answer sets sent/pending
        .onConflict((oc) => oc.column('message_id').doUpdateSet({ external_id: values.external_id, status: values.status, error: values.error, updated_at: values.updated_at }))
        .execute(),
    );
  }
  return result;
}

/**
 * The delivery status of a conversation's latest messages on its channel (newest first, at most
 * `limit`), for an agent who may read the conversation.
 */
export async function channelStatuses(deps: Deps, agent: AgentRow, conversationId: string, limit = 500) {
  const conv = await findConversation(deps.store.db, conversationId);
  if (!conv) throw new AppError('NOT_FOUND', 'No such conversation');
  assertCanView(agent, conv);
  const rows = await deps.store.reads
    .selectFrom('channel_message_status')
    .select(['message_id', 'status', 'error', 'updated_at'])
    .where('conversation_id', '=', conversationId)
    .orderBy('message_id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ messageId: r.message_id, status: r.status as ChannelDeliveryStatus, error: r.error, updatedAt: new Date(r.updated_at).toISOString() }));
}

/** A channel delivery the outbox gave up on (its retry window passed): the agent sees it failed, and why. */
export async function markChannelDeliveryDead(deps: Deps, row: OutboxRow, error: string): Promise<void> {
  const stored = fromJson<{ message?: { id?: string } }>(row.payload, {});
  if (!stored.message?.id) return;
  await deps.store.write.run((tx) =>
    tx
      .updateTable('channel_message_status')
      .set({ status: 'failed', error: `Given up after ${row.attempts + 1} attempts: ${error}`.slice(0, 1000), updated_at: deps.clock.now() })
      .where('message_id', '=', stored.message!.id!)
      .where('status', '=', 'pending')
      .execute(),
  );
}

// Inside the transaction that created them: bot, agent and user-visible system messages of a channel
// conversation become outbox deliveries to the channel; those of a conversation on a provider's own
// messenger (channel `provider:<id>`) go to that provider. buildApp hands this to Deps as
// onMessagesCreated, so commit() itself knows no channel.
import type { Message } from '@baton/proto';
import type { Clock } from '../deps.js';
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

  constructor(
    private readonly clock: Clock,
    private readonly owners?: ChannelOwners,
  ) {}

  /** Queues the deliveries for these messages; true when it queued any. */
  async queue(tx: Tx, messages: Message[]): Promise<boolean> {
    let queued = false;
    for (const m of messages) {
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
      const id = newSortableId();
      const now = this.clock.now();
      const payload = { id, type: 'message.created', createdAt: new Date(now).toISOString(), channelId, conversationId: m.conversationId, user: { id: userId }, message: m, fallbackText: fallbackText(m) };
      await insertOutbox(tx, { id, target: `${CHANNEL_TARGET_PREFIX}${channelId}`, event: 'message.created', conversationId: m.conversationId, payload: JSON.stringify(payload), now });
      queued = true;
    }
    return queued;
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

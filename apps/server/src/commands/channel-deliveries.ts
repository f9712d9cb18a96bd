// Inside the transaction that created them: bot, agent and user-visible system messages of a channel
// conversation become outbox deliveries to the channel. buildApp hands this to Deps as
// onMessagesCreated, so commit() itself knows no channel.
import type { Message } from '@baton/proto';
import type { Clock } from '../deps.js';
import { fallbackText } from '../presenters/channel.js';
import { insertOutbox } from '../store/outbox.js';
import type { Tx } from '../store/write-queue.js';
import { newSortableId } from '../tokens.js';

/** An outbox row's target for a channel webhook: `channel:<channel id>` (provider ids never take this form). */
export const CHANNEL_TARGET_PREFIX = 'channel:';

const CHANNEL_CACHE_MAX = 20_000;

export class ChannelDeliveries {
  // A conversation's channel is set when it is created and never changes: remembered (ids are unique
  // across instances), so the bot's and agents' messages do not read it again on every commit.
  private readonly channels = new Map<string, string | null>();

  constructor(private readonly clock: Clock) {}

  /** Queues the deliveries for these messages; true when it queued any. */
  async queue(tx: Tx, messages: Message[]): Promise<boolean> {
    let queued = false;
    for (const m of messages) {
      if (m.author.type === 'user' || m.internal) continue;
      const channelId = await this.channelOf(tx, m.conversationId);
      if (!channelId) continue;
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

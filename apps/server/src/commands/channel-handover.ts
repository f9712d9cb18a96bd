// Handovers of a channel whose own platform's agents answer its users (Messenger with the Page Inbox
// as its handover target; DESIGN §10.5 "providers that own the channel"). The handover goes to that
// platform whatever the offload step picked: an outbox row for the channel (`handover.requested`),
// which the type delivers by giving the thread away (pass_thread_control) and which the outbox then
// records as accepted, so the bot is silent. When the platform gives control back, the conversation
// is handed back to the bot. The conversation's provider id is the channel's outbox target
// (`channel:<id>`): no offloading provider has it, so no desk routing or provider event reaches it.
import type { ChannelHandover } from '../channels/channel.js';
import { channelContext } from '../channels/stored-config.js';
import type { Deps } from '../deps.js';
import { findByExternalId, providerState } from '../providers/state.js';
import { findConversation } from '../store/conversations.js';
import { insertOutbox } from '../store/outbox.js';
import type { ChannelRow, ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { newSortableId } from '../tokens.js';
import { CHANNEL_TARGET_PREFIX, PROVIDER_CHANNEL_PREFIX } from './channel-deliveries.js';
import { latestChannelConversation } from './channel-inbound.js';
import { createInboundActions } from './provider-inbound.js';

/** Who holds a user's thread on a platform-owned channel, kept per conversation for the channel's deliveries. */
export type ThreadHolder = 'baton' | 'platform';

/** The platform inbox a conversation's handover must go to, as `{ id: channel:<id>, name }`, if its channel has one. */
export async function channelHandoverTarget(deps: Deps, tx: Tx, conv: ConversationRow): Promise<{ id: string; name: string } | undefined> {
  if (!conv.channel_id || conv.channel_id.startsWith(PROVIDER_CHANNEL_PREFIX)) return undefined;
  const row = await tx.selectFrom('channels').selectAll().where('id', '=', conv.channel_id).executeTakeFirst();
  const impl = row ? deps.channelRegistry.get(row.type) : undefined;
  if (!row || !impl?.ownsHandover) return undefined;
  const name = impl.ownsHandover(channelContext(deps, row).ctx.config);
  return name ? { id: `${CHANNEL_TARGET_PREFIX}${row.id}`, name } : undefined;
}

/** Queues the handover for the channel's platform in the handover's transaction (delivered by workers/outbox.ts). */
export async function queueChannelHandover(deps: Deps, tx: Tx, conv: ConversationRow, target: { id: string }, handover: ChannelHandover['handover']): Promise<void> {
  const u = await tx.selectFrom('end_users').select('external_id').where('id', '=', conv.end_user_id).executeTakeFirst();
  const channelId = target.id.slice(CHANNEL_TARGET_PREFIX.length);
  const payload: ChannelHandover = { conversationId: conv.id, user: { id: (u?.external_id ?? '').slice(channelId.length + 1) }, handover };
  const now = deps.clock.now();
  await insertOutbox(tx, { id: newSortableId(), target: target.id, event: 'handover.requested', conversationId: conv.id, payload: JSON.stringify(payload), now });
}

/**
 * Who holds a user's thread, kept on the conversation that gave it away (keyed by the user's id on the
 * channel, so the user's next conversation finds it too: Meta's thread is the user's, not Baton's
 * conversation's).
 */
export function threadState(deps: Deps, channelId: string) {
  const providerId = `${CHANNEL_TARGET_PREFIX}${channelId}`;
  const state = providerState(deps, providerId);
  return {
    set: (conversationId: string, userId: string, holder: ThreadHolder) => state.set(conversationId, { thread: holder }, userId),
    /** the conversations whose handover gave this user's thread to the platform and have not had it back */
    async heldByPlatform(userId: string): Promise<string[]> {
      return (await findByExternalId(deps, providerId, userId)).filter((r) => r.data.thread === 'platform').map((r) => r.conversationId);
    },
  };
}

/**
 * The platform reported who holds a user's thread now (a Handover Protocol webhook, applied once per
 * `key`). Back with Baton: a conversation handed to the platform returns to the bot.
 */
export async function threadControlChanged(deps: Deps, channel: ChannelRow, change: { key: string; userId: string; holder: ThreadHolder; agentName: string }): Promise<void> {
  const latest = await latestChannelConversation(deps, channel.id, change.userId);
  if (!latest) return;
  const providerId = `${CHANNEL_TARGET_PREFIX}${channel.id}`;
  const inbound = createInboundActions(deps);
  await inbound.once(providerId, change.key, async () => {
    const state = threadState(deps, channel.id);
    // control back with Baton: every conversation of this user that gave it away has it back
    for (const id of change.holder === 'baton' ? await state.heldByPlatform(change.userId) : []) await state.set(id, change.userId, 'baton');
    await state.set(latest.id, change.userId, change.holder);
    const conv = await findConversation(deps.store.db, latest.id);
    if (change.holder !== 'baton' || conv?.provider_id !== providerId || (conv.status !== 'agent' && conv.status !== 'offloaded')) return;
    await inbound.handback(providerId, conv.id, {}, { id: 'platform', name: change.agentName });
  });
}

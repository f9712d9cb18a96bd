// The end user ends the conversation (widget "End chat"): closed from any open status.
import type { Deps } from '../deps.js';
import { commit } from './after-commit.js';
import { announceConversation, lockOrThrow } from './conversation-events.js';
import { cancelHandover } from './request-handover.js';
import { applyTransition } from './transition.js';

export async function endConversationByUser(deps: Deps, conversationId: string): Promise<void> {
  await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    const now = deps.clock.now();
    const { effects } = await applyTransition(deps, tx, out, conv, 'user.end', {
      patch: { closed_at: now, queued_at: null },
      line: { text: 'The user ended the conversation', visibleToUser: false },
      now,
    });
    // the provider hears it from the row as it was (the outbox event carries the earlier status)
    if (effects.includes('cancel_handover')) await cancelHandover(deps, tx, out, conv, 'user ended the conversation');
    // the agent who had it has a free slot: routing may give them the next waiting conversation
    if (conv.status === 'agent' && conv.assignee_id) out.agentsFreed.add(conv.assignee_id);
    await announceConversation(tx, out, conversationId);
  }, conversationId);
}

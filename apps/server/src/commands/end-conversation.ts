// The end user ends the conversation (widget "End chat"): closed from any open status.
import type { Deps } from '../deps.js';
import { updateConversation } from '../store/conversations.js';
import { commit } from './after-commit.js';
import { announceConversation, lockOrThrow, mustTransition, systemLine } from './conversation-events.js';
import { cancelHandover } from './request-handover.js';

export async function endConversationByUser(deps: Deps, conversationId: string): Promise<void> {
  await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    const t = mustTransition(conv, 'user.end');
    const now = deps.clock.now();
    if (t.effects.includes('cancel_handover')) await cancelHandover(deps, tx, out, conv, 'user ended the conversation');
    await updateConversation(tx, conversationId, { status: 'closed', closed_at: now, queued_at: null }, now);
    await systemLine(deps, tx, out, conversationId, { event: 'conversation.ended', text: 'The user ended the conversation', visibleToUser: false });
    await announceConversation(tx, out, conversationId);
  }, conversationId);
}

// Episodes: each time an agent handled a conversation, opened by the accept and ended by the close,
// hand-back, the user's end or the idle close. applyTransition (transition.ts) calls this in the same
// transaction as the status write, so History and ratings never disagree with the machine.
import type { TranscriptEvent } from '@baton/proto';
import type { Allowed } from '../domain/conversation-machine.js';
import { endEpisode, insertEpisode, openEpisode, updateEpisode } from '../store/episodes.js';
import { fromJson } from '../store/json.js';
import type { ConversationRow, ConversationUpdate } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';

/** The transitions that end an agent's episode, how, and by whom; each also puts the conversation in History. */
const ENDS: Partial<Record<TranscriptEvent, { how: 'closed' | 'handed_back'; by: 'agent' | 'user' | 'idle' }>> = {
  'conversation.closed': { how: 'closed', by: 'agent' },
  'conversation.ended': { how: 'closed', by: 'user' },
  'conversation.idle_closed': { how: 'closed', by: 'idle' },
  'conversation.handed_back': { how: 'handed_back', by: 'agent' },
};

/** A close or hand-back: the conversation (re-)enters History at this time (conversations.history_at). */
export const entersHistory = (name: TranscriptEvent): boolean => ENDS[name] !== undefined;

export type EpisodeConversation = Pick<ConversationRow, 'id' | 'status' | 'skill' | 'handover' | 'queued_at' | 'channel_id' | 'language'>;

/**
 * Opens, continues or ends the conversation's episode as the transition `t` (already written) says;
 * returns how an episode it ended ended.
 */
export async function recordEpisode(tx: Tx, conv: EpisodeConversation, t: Allowed, patch: ConversationUpdate, now: number): Promise<'closed' | 'handed_back' | undefined> {
  if (t.to === 'agent' && (t.name === 'conversation.assigned' || t.name === 'conversation.transferred')) {
    const agent = { agent_id: patch.assignee_id ?? null, agent_name: patch.assignee_name ?? null };
    // a transfer (to an agent, or back through a skill's queue) goes on with the same episode
    const open = await openEpisode(tx, conv.id);
    if (open) {
      await updateEpisode(tx, conv.id, open.number, { ...agent, skill: conv.skill });
      return undefined;
    }
    const handover = fromJson<{ trigger?: string; requestedAt?: number } | null>(conv.handover, null);
    await insertEpisode(
      tx,
      { conversationId: conv.id, agentId: agent.agent_id, agentName: agent.agent_name, trigger: handover?.trigger ?? null, skill: conv.skill, requestedAt: handover?.requestedAt ?? conv.queued_at },
      now,
    );
    return undefined;
  }
  const end = ENDS[t.name];
  if (end && (conv.status === 'agent' || conv.status === 'offloaded')) {
    const open = await openEpisode(tx, conv.id);
    if (open) {
      await endEpisode(tx, conv.id, open.number, end.how, end.by, now);
      return end.how;
    }
  }
  return undefined;
}

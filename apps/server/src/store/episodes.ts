// Episodes (migration 017): each time an agent handled a conversation, written in the transaction of
// the transition that opens or ends it (commands/episodes.ts). Every statement reads one conversation's
// rows through the primary key (conversation_id, number).
import type { Updateable } from 'kysely';
import type { ConversationEpisodesTable, EpisodeRow } from './schema.js';
import type { Tx } from './types.js';

/** The conversation's episode still open (an agent has it, or it waits for another after a transfer). */
export async function openEpisode(tx: Tx, conversationId: string): Promise<EpisodeRow | undefined> {
  return tx
    .selectFrom('conversation_episodes')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('ended_at', 'is', null)
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The newest episode, open or ended. */
export async function latestEpisode(tx: Tx, conversationId: string): Promise<EpisodeRow | undefined> {
  return tx.selectFrom('conversation_episodes').selectAll().where('conversation_id', '=', conversationId).orderBy('number', 'desc').limit(1).executeTakeFirst();
}

export async function insertEpisode(
  tx: Tx,
  e: { conversationId: string; agentId: string | null; agentName: string | null; trigger: string | null; skill: string | null; requestedAt: number | null },
  now: number,
): Promise<void> {
  const last = await latestEpisode(tx, e.conversationId);
  await tx
    .insertInto('conversation_episodes')
    .values({
      conversation_id: e.conversationId,
      number: (last?.number ?? 0) + 1,
      agent_id: e.agentId,
      agent_name: e.agentName,
      trigger: e.trigger,
      skill: e.skill,
      requested_at: e.requestedAt,
      accepted_at: now,
      ended_at: null,
      ended_how: null,
      ended_by: null,
      rating_score: null,
      rating_comment: null,
      rated_at: null,
    })
    .execute();
}

/** One episode of a conversation, by its number: what the functions below change. */
async function patchEpisode(tx: Tx, conversationId: string, number: number, patch: Updateable<ConversationEpisodesTable>): Promise<void> {
  await tx.updateTable('conversation_episodes').set(patch).where('conversation_id', '=', conversationId).where('number', '=', number).execute();
}

/** A transfer: the episode goes on with another agent (or skill). */
export function updateEpisode(tx: Tx, conversationId: string, number: number, patch: { agent_id?: string | null; agent_name?: string | null; skill?: string | null }): Promise<void> {
  return patchEpisode(tx, conversationId, number, patch);
}

export function endEpisode(tx: Tx, conversationId: string, number: number, how: 'closed' | 'handed_back', by: 'agent' | 'user' | 'idle', now: number): Promise<void> {
  return patchEpisode(tx, conversationId, number, { ended_at: now, ended_how: how, ended_by: by });
}

export function rateEpisode(tx: Tx, conversationId: string, number: number, score: number, comment: string | null, now: number): Promise<void> {
  return patchEpisode(tx, conversationId, number, { rating_score: score, rating_comment: comment, rated_at: now });
}

/** Every episode of a conversation, the first first (a conversation has a handful). */
export async function listEpisodes(tx: Tx, conversationId: string): Promise<EpisodeRow[]> {
  return tx.selectFrom('conversation_episodes').selectAll().where('conversation_id', '=', conversationId).orderBy('number').execute();
}

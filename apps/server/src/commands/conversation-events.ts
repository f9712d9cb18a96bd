// Shared pieces of every command that changes a conversation: the row lock, system lines in the
// transcript and the conversation.updated / queue.updated announcements.
import type { TranscriptEvent } from '@baton/proto';
import type { EventFacts } from '../domain/analytics.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentConversation, presentMessage } from '../presenters/conversation.js';
import { appendMessage, findConversation, lockConversation, recordEvent } from '../store/conversations.js';
import { queueInfo } from '../store/queue.js';
import type { ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import type { AfterCommit } from './after-commit.js';

export async function lockOrThrow(deps: Deps, tx: Tx, id: string): Promise<ConversationRow> {
  const conv = await lockConversation(tx, id);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  return conv;
}

/** A system line in the transcript; `visibleToUser` lines are also shown in the widget. */
export async function systemLine(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  conversationId: string,
  e: { event: TranscriptEvent; text: string; visibleToUser: boolean; agentId?: string | null; data?: unknown; facts?: EventFacts },
): Promise<void> {
  const now = deps.clock.now();
  const row = await appendMessage(
    tx,
    {
      conversationId,
      authorType: 'system',
      text: e.text,
      event: e.event,
      internal: !e.visibleToUser,
      data: e.data as Record<string, unknown> | undefined,
    },
    now,
  );
  // the analytics facts (domain/analytics.ts) go with the event row only: the transcript line has no use for them
  const data = e.facts ? { ...(e.data as Record<string, unknown> | undefined), ...e.facts } : e.data;
  await recordEvent(tx, { conversationId, type: e.event, agentId: e.agentId ?? null, data }, now);
  out.publish({ type: 'message.created', conversationId, message: presentMessage(row) });
}


/** Re-reads the row and announces its new public view (and the queue change for agents). */
export async function announceConversation(tx: Tx, out: AfterCommit, id: string, queueChanged = true): Promise<ConversationRow> {
  const row = await findConversation(tx, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  return announceRow(tx, out, row, queueChanged);
}

/** Announces a row the caller has just read back as this transaction leaves it (UPDATE ... RETURNING). */
export async function announceRow(tx: Tx, out: AfterCommit, row: ConversationRow, queueChanged = true): Promise<ConversationRow> {
  const id = row.id;
  const view = presentConversation(row, { queue: await queueInfo(tx, row) });
  out.publish({ type: 'conversation.updated', conversationId: id, conversation: view });
  if (queueChanged) {
    out.publish({ type: 'queue.updated', conversationId: id, status: view.status, skill: row.skill, language: row.language });
  }
  return row;
}

/**
 * Queue positions shift when one conversation leaves or joins: everyone waiting for that skill is told
 * after the commit, by the QueueAnnouncer (queue-announcer.ts).
 */
export function announceQueue(out: AfterCommit, skill: string | null): void {
  out.queues.add(skill);
}

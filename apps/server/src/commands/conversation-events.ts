// Shared pieces of every command that changes a conversation: the transition check, system lines in
// the transcript and the conversation.updated / queue.updated announcements.
import { transition, type ConversationEvent } from '../domain/conversation-machine.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentConversation, presentMessage } from '../presenters/conversation.js';
import { appendMessage, findConversation, lockConversation, recordEvent } from '../store/conversations.js';
import { queueInfo } from '../store/queue.js';
import type { ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import type { AfterCommit } from './after-commit.js';

export function mustTransition(conv: ConversationRow, event: ConversationEvent) {
  const t = transition(conv.status as ConversationRow['status'] & Parameters<typeof transition>[0], event);
  if (!t.ok) throw new AppError(t.code);
  return t;
}

export async function lockOrThrow(deps: Deps, tx: Tx, id: string): Promise<ConversationRow> {
  const conv = await lockConversation(tx, deps.store.dialect, id);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  return conv;
}

/** A system line in the transcript; `visibleToUser` lines are also shown in the widget. */
export async function systemLine(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  conversationId: string,
  e: { event: string; text: string; visibleToUser: boolean; agentId?: string | null; data?: unknown },
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
  await recordEvent(tx, { conversationId, type: e.event, agentId: e.agentId ?? null, data: e.data }, now);
  out.publish({ type: 'message.created', conversationId, message: presentMessage(row) });
}


/** Re-reads the row and announces its new public view (and the queue change for agents). */
export async function announceConversation(tx: Tx, out: AfterCommit, id: string, queueChanged = true): Promise<ConversationRow> {
  const row = await findConversation(tx, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  const view = presentConversation(row, { queue: await queueInfo(tx, row) });
  out.publish({ type: 'conversation.updated', conversationId: id, conversation: view });
  if (queueChanged) {
    out.publish({ type: 'queue.updated', conversationId: id, status: view.status, skill: row.skill, language: row.language });
  }
  return row;
}

/** Queue positions shift when one conversation leaves or joins: tell everyone waiting for that skill. */
export async function announceQueue(tx: Tx, out: AfterCommit, skill: string | null, except?: string): Promise<void> {
  const waiting = await tx
    .selectFrom('conversations')
    .select('id')
    .where('status', '=', 'offloaded')
    .where('skill', skill === null ? 'is' : '=', skill)
    .orderBy('queued_at')
    .limit(200)
    .execute();
  for (const w of waiting) if (w.id !== except) await announceConversation(tx, out, w.id, false);
}

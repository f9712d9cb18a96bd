// The only place a conversation's status is written: the machine's table decides the target, the
// write carries the command's other columns in the same UPDATE, and the transition is recorded under
// the table's name. Commands carry out the effects it returns.
import type { ConversationStatus } from '@baton/proto';
import { transitionFacts } from '../domain/analytics.js';
import { transition, type Allowed, type ConversationEvent } from '../domain/conversation-machine.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { updateConversation } from '../store/conversations.js';
import type { ConversationRow, ConversationUpdate } from '../store/schema.js';
import { updateConversationIf } from '../store/transitions.js';
import type { Tx } from '../store/write-queue.js';
import type { AfterCommit } from './after-commit.js';
import { systemLine } from './conversation-events.js';
import { entersHistory, recordEpisode, type EpisodeConversation } from './episodes.js';
import { askForRating } from './satisfaction.js';

/** The table's answer for this conversation, or its refusal code thrown as an AppError. */
export function mustTransition(conv: Pick<ConversationRow, 'status'>, event: ConversationEvent): Allowed {
  const t = transition(conv.status as ConversationStatus, event);
  if (!t.ok) throw new AppError(t.code);
  return { to: t.to, effects: t.effects, name: t.name };
}

/** A transcript line (and analytics event) recording the transition under the table's name. */
export interface TransitionLine {
  text: string;
  visibleToUser: boolean;
  agentId?: string | null;
  data?: unknown;
}

export interface TransitionWrite {
  /** the other columns the command changes with the status (one UPDATE) */
  patch?: Omit<ConversationUpdate, 'status'>;
  /** omitted where the command records no line */
  line?: TransitionLine | ((t: Allowed) => TransitionLine);
  /**
   * A conditional write for commands that race (accepts on several instances): it applies only while
   * the row still has the status the command saw and this owner; otherwise the result says `lost`.
   */
  expectOwner?: string | null;
  now?: number;
}

export type Applied = Allowed & {
  /** a conditional write found the row changed by another writer: nothing was written */
  lost: boolean;
  /** the row as a conditional write left it */
  row?: ConversationRow;
};

export async function applyTransition(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  conv: Pick<ConversationRow, 'id' | 'status' | 'assignee_id' | 'assigned_at'> & EpisodeConversation,
  event: ConversationEvent,
  w: TransitionWrite = {},
): Promise<Applied> {
  const t = mustTransition(conv, event);
  const now = w.now ?? deps.clock.now();
  // the line first, so a row read back below already counts it; a lost race rolls it back with the
  // transaction
  if (w.line) {
    const line = typeof w.line === 'function' ? w.line(t) : w.line;
    // the analytics row carries the status left and the handling it ends, so it counts on its own
    // (and, closing from the bot, whether it ever asked for a person: containment)
    const facts = transitionFacts({ status: conv.status, assigneeId: conv.assignee_id, assignedAt: conv.assigned_at, handedOver: conv.handover !== null }, t.name, now);
    await systemLine(deps, tx, out, conv.id, { event: t.name, ...line, facts });
  }
  const patch: ConversationUpdate = { status: t.to, ...w.patch, ...(entersHistory(t.name) ? { history_at: now } : {}) };
  if (w.expectOwner === undefined) {
    await updateConversation(tx, conv.id, patch, now);
    await episodeOf(deps, tx, out, conv, t, patch, now);
    return { ...t, lost: false };
  }
  const row = await updateConversationIf(tx, conv.id, { status: conv.status, assignee_id: w.expectOwner }, patch, now);
  if (row) await episodeOf(deps, tx, out, conv, t, patch, now);
  return row ? { ...t, lost: false, row } : { ...t, lost: true };
}

/** The episode the transition opens, continues or ends; a close of an agent's episode asks a channel's user for a rating. */
async function episodeOf(deps: Deps, tx: Tx, out: AfterCommit, conv: EpisodeConversation, t: Allowed, patch: ConversationUpdate, now: number): Promise<void> {
  const ended = await recordEpisode(tx, conv, t, patch, now);
  if (ended === 'closed') await askForRating(deps, tx, out, conv);
}

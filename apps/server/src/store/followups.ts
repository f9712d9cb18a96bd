// Follow-up rows (migration 019): written in the bot turn that collected them, listed by keyset over
// the indexes of 019, and changed by the agents' commands (commands/followups.ts).
import type { FollowupReason, FollowupStatus } from '@baton/proto';
import { after, type Keyset, type Position } from '../commands/page-cursor.js';
import { newId } from '../tokens.js';
import type { FollowupRow } from './schema.js';
import type { Tx } from './write-queue.js';

export interface NewFollowup {
  conversationId: string;
  reason: FollowupReason;
  email: string | null;
  question: string;
  language: string;
  skill: string;
}

export async function insertFollowup(tx: Tx, f: NewFollowup, now: number): Promise<FollowupRow> {
  const row: FollowupRow = {
    id: newId(),
    conversation_id: f.conversationId,
    status: 'open',
    reason: f.reason,
    email: f.email,
    question: f.question,
    language: f.language,
    skill: f.skill,
    assignee_id: null,
    assignee_name: null,
    created_at: now,
    updated_at: now,
    done_at: null,
    done_by: null,
  };
  await tx.insertInto('followups').values(row).execute();
  return row;
}

export async function findFollowup(tx: Tx, id: string): Promise<FollowupRow | undefined> {
  return tx.selectFrom('followups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateFollowup(tx: Tx, id: string, patch: Partial<Omit<FollowupRow, 'id'>>, now: number): Promise<FollowupRow | undefined> {
  await tx.updateTable('followups').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
  return findFollowup(tx, id);
}

/** Open follow-ups first in line first (the one waiting longest on top); done ones newest first. */
export const followupKeyset = (status: FollowupStatus): Keyset => ({ list: `followups:${status}`, direction: status === 'open' ? 'asc' : 'desc' });

export interface FollowupFilter {
  status: FollowupStatus;
  reason?: FollowupReason;
  skill?: string;
  assigneeId?: string;
  /** a plain agent: only these skills and languages (null: any), or what is assigned to them */
  visibleTo?: { agentId: string; skills: string[] | null; languages: string[] | null };
}

/**
 * One page (`limit + 1` rows, for pageOf): every filter is an equality on a leading column of one of
 * 019's indexes, and the rows come in its (created_at, id) order from the cursor on.
 */
export async function listFollowups(db: Tx, f: FollowupFilter, at: Position | undefined, limit: number): Promise<FollowupRow[]> {
  const keyset = followupKeyset(f.status);
  let q = db.selectFrom('followups').selectAll().where('status', '=', f.status);
  if (f.reason) q = q.where('reason', '=', f.reason);
  if (f.skill) q = q.where('skill', '=', f.skill);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  const v = f.visibleTo;
  if (v && (v.skills || v.languages)) {
    q = q.where((eb) => {
      const mine = [];
      if (v.skills) mine.push(eb('skill', 'in', v.skills.length ? v.skills : ['']));
      if (v.languages) mine.push(eb('language', 'in', v.languages.length ? v.languages : ['']));
      return eb.or([eb.and(mine), eb('assignee_id', '=', v.agentId)]);
    });
  }
  if (at) q = q.where(after(keyset, 'created_at', 'id', at));
  const dir = keyset.direction;
  return q.orderBy('created_at', dir).orderBy('id', dir).limit(limit + 1).execute();
}

/** Open follow-ups counted up to `cap` (the badge): a bounded walk of the status index, never a full count. */
export async function countOpenFollowups(db: Tx, visibleTo: FollowupFilter['visibleTo'], cap: number): Promise<number> {
  const page = await listFollowups(db, { status: 'open', visibleTo }, undefined, cap - 1);
  return page.length;
}

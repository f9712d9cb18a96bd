// Follow-up rows (migration 019): written in the bot turn that collected them and changed by the
// agents' commands (commands/followups.ts, which also lists them by keyset over 019's indexes).
import type { FollowupReason } from '@baton/proto';
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

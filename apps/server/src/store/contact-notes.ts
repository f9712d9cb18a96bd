// Agents' notes on a contact (migration 018), newest first by their time-ordered id: `(user_id, id)`
// is the filter and the keyset cursor at once.
import { newSortableId } from '../tokens.js';
import type { ContactNoteRow } from './schema.js';
import type { Tx } from './types.js';

export async function insertContactNote(tx: Tx, n: { userId: string; authorId: string; authorName: string; text: string }, now: number): Promise<ContactNoteRow> {
  const row: ContactNoteRow = { id: newSortableId(), user_id: n.userId, author_id: n.authorId, author_name: n.authorName, text: n.text, created_at: now };
  await tx.insertInto('contact_notes').values(row).execute();
  return row;
}

/** One page of a contact's notes, newest first: those older than `before` (an id), and whether more follow. */
export async function listContactNotes(tx: Tx, userId: string, before: string | undefined, limit: number): Promise<{ rows: ContactNoteRow[]; more: boolean }> {
  let q = tx.selectFrom('contact_notes').selectAll().where('user_id', '=', userId);
  if (before) q = q.where('id', '<', before);
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  return { rows: rows.slice(0, limit).map((r) => ({ ...r, created_at: Number(r.created_at) })), more: rows.length > limit };
}

export async function findContactNote(tx: Tx, userId: string, id: string): Promise<ContactNoteRow | undefined> {
  return tx.selectFrom('contact_notes').selectAll().where('user_id', '=', userId).where('id', '=', id).executeTakeFirst();
}

export async function deleteContactNote(tx: Tx, id: string): Promise<void> {
  await tx.deleteFrom('contact_notes').where('id', '=', id).execute();
}

/** Deletes up to `limit` of a contact's notes (erasure, in batches); returns how many. */
export async function deleteContactNotes(tx: Tx, userId: string, limit: number): Promise<number> {
  const ids = (await tx.selectFrom('contact_notes').select('id').where('user_id', '=', userId).orderBy('id').limit(limit).execute()).map((r) => r.id);
  if (ids.length) await tx.deleteFrom('contact_notes').where('id', 'in', ids).execute();
  return ids.length;
}

// A contact's rows as erasure and export find them. The user id an admin gives is what the desk shows
// as `conversation.user.id`: the site's or channel's user id (`end_users.external_id`; an unverified
// claim has a row per conversation, all with that id), or Baton's own id of a row without one.
import { sql } from 'kysely';
import type { ConversationRow, EndUserRow } from './schema.js';
import type { Tx } from './types.js';
import { rowLock } from './hot.js';

export type ContactRow = EndUserRow;

/** The contact rows of `userId` after `afterId` (in id order), at most `limit`: the row with that own id first, then the external id's. */
export async function contactRows(tx: Tx, userId: string, afterId: string | undefined, limit: number): Promise<ContactRow[]> {
  // the own-id row sorts before the rest by the empty cursor; it cannot also be one of the external id's
  const own = afterId === undefined ? await tx.selectFrom('end_users').selectAll().where('id', '=', userId).execute() : [];
  let q = tx.selectFrom('end_users').selectAll().where('external_id', '=', userId).where('id', '<>', userId);
  if (afterId !== undefined && afterId !== userId) q = q.where('id', '>', afterId);
  const rows = await q.orderBy('id').limit(limit).execute();
  return [...own, ...rows].slice(0, Math.max(limit, own.length));
}

/** Whether any conversation of the contact waits for or is with an agent: its contact rows a page at a time, their conversations by index. */
export async function hasLiveConversation(tx: Tx, userId: string): Promise<boolean> {
  for (let after: string | undefined; ; ) {
    const contacts = await contactRows(tx, userId, after, 500);
    if (contacts.length === 0) return false;
    const live = await tx
      .selectFrom('conversations')
      .select('id')
      .where('end_user_id', 'in', contacts.map((c) => c.id))
      .where('status', 'in', ['offloaded', 'agent'])
      .limit(1)
      .executeTakeFirst();
    if (live) return true;
    if (contacts.length < 500) return false;
    after = contacts.at(-1)!.id;
  }
}

/** Up to `limit` conversations of these contacts, locked for the transaction where writers run concurrently. */
export async function conversationsOfContacts(tx: Tx, contactIds: readonly string[], limit: number): Promise<Array<Pick<ConversationRow, 'id' | 'status'>>> {
  if (contactIds.length === 0) return [];
  const r = await sql<Pick<ConversationRow, 'id' | 'status'>>`
    select id, status from conversations where end_user_id in (${sql.join(contactIds)}) limit ${limit}${sql.raw(rowLock(tx))}
  `.execute(tx);
  return r.rows;
}

/** One contact's conversations after `afterId`, in id order (the export's walk). */
export async function contactConversations(tx: Tx, contactId: string, afterId: string, limit: number): Promise<ConversationRow[]> {
  return tx.selectFrom('conversations').selectAll().where('end_user_id', '=', contactId).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}

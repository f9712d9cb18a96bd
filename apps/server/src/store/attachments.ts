// Attachments' rows (migration 020). Metadata and bytes share a row, but only `bytesOf` and
// `chunkOf` read the bytes: every other query names its columns, so a list never drags files along.
import { sql } from 'kysely';
import type { AttachmentMetaRow, AttachmentRow } from './schema.js';
import type { Tx } from './types.js';

const META = ['id', 'conversation_id', 'message_id', 'name', 'content_type', 'size', 'sha256', 'uploaded_by', 'created_at'] as const;

export async function insertAttachment(tx: Tx, row: AttachmentRow): Promise<void> {
  await tx.insertInto('attachments').values(row).execute();
}

export async function attachmentMeta(tx: Tx, id: string): Promise<AttachmentMetaRow | undefined> {
  return tx.selectFrom('attachments').select(META).where('id', '=', id).executeTakeFirst();
}

/** How many files the conversation holds (the quota), counted on its index. */
export async function countAttachments(tx: Tx, conversationId: string): Promise<number> {
  const r = await tx.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).where('conversation_id', '=', conversationId).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Marks the files as carried by `messageId`, only those of this conversation not carried by a message
 * yet; answers their rows in the order given, or undefined unless every id qualified: the caller then
 * throws, so its transaction rolls back whatever was marked.
 */
export async function claimAttachments(tx: Tx, conversationId: string, ids: readonly string[], messageId: string): Promise<AttachmentMetaRow[] | undefined> {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) return undefined;
  const rows = await tx
    .selectFrom('attachments')
    .select(META)
    .where('id', 'in', unique)
    .where('conversation_id', '=', conversationId)
    .where('message_id', 'is', null)
    .execute();
  if (rows.length !== unique.length) return undefined;
  const r = await tx.updateTable('attachments').set({ message_id: messageId }).where('id', 'in', unique).where('message_id', 'is', null).executeTakeFirst();
  // another send claimed one between the select and the update (PostgreSQL lanes): refuse this one
  if (Number(r.numUpdatedRows) !== unique.length) return undefined;
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => ({ ...byId.get(id)!, message_id: messageId }));
}

/** The whole file (for small consumers: provider uploads, channel media); downloads read chunks. */
export async function bytesOf(tx: Tx, id: string): Promise<Uint8Array | undefined> {
  const r = await tx.selectFrom('attachments').select('bytes').where('id', '=', id).executeTakeFirst();
  return r?.bytes;
}

/**
 * `length` bytes of the file from `offset` (0-based): a download streams a file in such pieces, each a
 * short read (through the reader threads on SQLite), so no request holds a whole large file in memory.
 */
export async function chunkOf(tx: Tx, id: string, offset: number, length: number): Promise<Uint8Array | undefined> {
  // substr counts from 1 on both dialects, for BLOB and bytea alike
  const r = await sql<{ chunk: Uint8Array }>`select substr(bytes, ${offset + 1}, ${length}) as chunk from attachments where id = ${id}`.execute(tx);
  return r.rows[0]?.chunk;
}

/** A conversation's files after `afterId`, in upload order (the GDPR export's walk), without their bytes. */
export async function conversationAttachments(tx: Tx, conversationId: string, after: { createdAt: number; id: string } | undefined, limit: number): Promise<AttachmentMetaRow[]> {
  let q = tx.selectFrom('attachments').select(META).where('conversation_id', '=', conversationId);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

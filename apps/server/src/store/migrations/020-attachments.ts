import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Attachments (issue 28, DESIGN §10.6): files users and agents send, stored in the database itself so
// every instance of a deployment serves every file without a shared disk or object store. The bytes
// live in the same row as their metadata (BLOB on SQLite, bytea on PostgreSQL, which TOASTs them out of
// line: listing metadata never reads them).
// - `message_id` is null from the upload until a message carries the file (a send claims it once);
// - `attachments_conversation_idx (conversation_id, created_at, id)`: a conversation's files in order
//   (the quota count, the GDPR export's keyset walk, retention's deletes);
// - `attachments_message_idx (message_id)`: the files of a message.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const bytes = postgres ? sql`bytea` : sql`blob`;
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', bytes, (c) => c.notNull())
    // `user`, `agent:<id>`, `bot` or `channel:<id>`: who put it there (access and the audit of a file)
    .addColumn('uploaded_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // out of line and uncompressed: a download reads its pieces with substr, which PostgreSQL then fetches
  // without decompressing the whole value (images and PDFs hardly compress anyway)
  if (postgres) await sql`alter table attachments alter column bytes set storage external`.execute(db);
  await db.schema.createIndex('attachments_conversation_idx').on('attachments').columns(['conversation_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('attachments_message_idx').on('attachments').column('message_id').execute();
}

import { sql, type Kysely } from 'kysely';

// Only user messages carry an idempotency key: the unique index over (conversation_id,
// idempotency_key) held an entry for every bot, agent and system message too, each one more index page
// written per commit. A partial index keeps the same guarantee for the keys that exist; the duplicate
// lookups (`idempotency_key = ?`) imply NOT NULL, so both SQLite and PostgreSQL still use it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('messages_conv_idem_uq').execute();
  await db.schema
    .createIndex('messages_conv_idem_uq')
    .on('messages')
    .columns(['conversation_id', 'idempotency_key'])
    .unique()
    .where(sql.ref('idempotency_key'), 'is not', null)
    .execute();
}

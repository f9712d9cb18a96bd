import { sql, type Kysely } from 'kysely';

// Retention, erasure and the audit log (docs/security.md "Personal data", docs/deployment.md).
//
// The retention jobs pick their next batch through an index, so each batch costs the same at 300k
// conversations as at 1k:
// - `conversations_status_updated_idx (status, updated_at, id)` of migration 012: idle open
//   conversations to close, and closed ones old enough to delete (updated_at is the last activity:
//   every message and status change sets it);
// - `conversations_anonymize_idx (updated_at) where status = 'closed' and anonymized_at is null`: only
//   conversations still to anonymize, so the ones already done never slow the walk down.
// Erasure and export walk a contact's rows: `end_users (external_id, id)` replaces the single-column
// index of 001, and a contact's conversations are found by 012's `(end_user_id, created_at, id)`. Deleting a conversation
// removes its outbox rows, found by `outbox_conversation_idx`.
//
// `job_leases` lets one instance at a time run a background job shared by all (the retention passes);
// `audit_log` records admins' erasures, exports and retention changes, without personal data.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('anonymized_at', 'bigint').execute();
  await db.schema
    .createIndex('conversations_anonymize_idx')
    .on('conversations')
    .column('updated_at')
    .where(sql<boolean>`status = 'closed' and anonymized_at is null`)
    .execute();
  await db.schema.dropIndex('end_users_external_idx').execute();
  await db.schema.createIndex('end_users_external_idx').on('end_users').columns(['external_id', 'id']).execute();
  await db.schema.createIndex('outbox_conversation_idx').on('outbox').column('conversation_id').execute();

  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    // time-ordered ids: the primary key is the newest-first cursor
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('agent_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

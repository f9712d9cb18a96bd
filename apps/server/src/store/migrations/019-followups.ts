import type { Kysely } from 'kysely';

// Follow-ups (DESIGN §10.3): a user nobody could take left an e-mail and a question for later.
//
// Every list filter of GET /agent/followups is an index range walked in (created_at, id) order, so a
// page costs the same at 300k follow-ups as at 10: `(status, created_at, id)` for the plain list,
// `(status, reason, …)` and `(status, skill, …)` for the filters, `(assignee_id, status, …)` for
// "assigned to me". `conversation_id` finds a conversation's follow-ups (erasure, the agent view).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('followups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('skill', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text')
    .addColumn('assignee_name', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('done_at', 'bigint')
    .addColumn('done_by', 'text')
    .execute();
  await db.schema.createIndex('followups_status_idx').on('followups').columns(['status', 'created_at', 'id']).execute();
  await db.schema.createIndex('followups_reason_idx').on('followups').columns(['status', 'reason', 'created_at', 'id']).execute();
  await db.schema.createIndex('followups_skill_idx').on('followups').columns(['status', 'skill', 'created_at', 'id']).execute();
  await db.schema.createIndex('followups_assignee_idx').on('followups').columns(['assignee_id', 'status', 'created_at', 'id']).execute();
  await db.schema.createIndex('followups_conversation_idx').on('followups').column('conversation_id').execute();
}

import type { Kysely } from 'kysely';

// Routing counts every agent's live chats on each assignment: a covering index answers that from the
// index alone instead of reading each (wide) conversation row.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('conversations_load_idx').on('conversations').columns(['status', 'assignee_id', 'assigned_at']).execute();
}

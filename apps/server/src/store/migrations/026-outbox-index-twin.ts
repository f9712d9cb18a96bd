import type { Kysely } from 'kysely';

// Migration 015 indexed outbox.conversation_id for retention and erasure, beside 002's
// (conversation_id, status), which already serves every look-up by conversation: one index fewer to
// keep up on each delivery written and delivered.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_conversation_idx').execute();
}

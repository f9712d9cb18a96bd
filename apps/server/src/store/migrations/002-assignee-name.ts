import type { Kysely } from 'kysely';

// The owner's display name, denormalized: external providers' agents have no row in `agents`.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('assignee_name', 'text').execute();
  // per conversation and provider: external ids and the like (e.g. the Help Scout conversation id)
  await db.schema
    .createTable('provider_state')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('provider_state_pk', ['conversation_id', 'provider_id'])
    .execute();
  await db.schema.createIndex('outbox_conv_idx').on('outbox').columns(['conversation_id', 'status']).execute();
}

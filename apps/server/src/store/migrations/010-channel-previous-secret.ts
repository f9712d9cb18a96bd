import type { Kysely } from 'kysely';

// A channel's previous signing secret, accepted next to the current one while a connector rotates
// (encrypted like the secret; null outside a rotation).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('channels').addColumn('previous_secret', 'text').execute();
}

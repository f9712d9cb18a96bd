import type { Kysely } from 'kysely';

// How Baton signs a channel's deliveries: 'baton' (X-Baton-Signature) or 'standard-webhooks'.
// Existing channels keep the signature their receivers verify today.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('channels').addColumn('signature_scheme', 'text', (c) => c.notNull().defaultTo('baton')).execute();
}

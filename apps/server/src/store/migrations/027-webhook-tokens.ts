import type { Kysely } from 'kysely';

// One-time tokens of signed webhooks whose signature does not cover the body (Mailgun's
// timestamp + token): a token is claimed by inserting it, so a replay is refused by every instance
// sharing the database, not only by the one that saw it first. Rows expire after the signature's age.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_tokens')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_tokens_expiry_idx').on('webhook_tokens').column('expires_at').execute();
}

import type { Kysely } from 'kysely';

// Contacts and identity from the bot (docs/api.md "Contacts", "Identity from the bot").
// - `contact_notes`: agents' notes on one contact (the user id the desk shows), newest first by their
//   time-ordered id: `(user_id, id)` is both the filter and the keyset cursor of a contact's notes, so a
//   page costs the same however many notes and contacts there are. Erasure deletes them with the contact.
// - `end_users.given_by_user`: 1 when the name or e-mail came from what the user told the bot (the
//   `name`/`email` variables or the bot's `user:` mapping), not from the site or a signed channel; the
//   desk marks them "given by the user". The search triggers of 013 already follow name and e-mail.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('contact_notes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.notNull())
    .addColumn('author_name', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_notes_user_idx').on('contact_notes').columns(['user_id', 'id']).execute();
  await db.schema.alterTable('end_users').addColumn('given_by_user', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

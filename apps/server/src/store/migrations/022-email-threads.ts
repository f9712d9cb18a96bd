import type { Kysely } from 'kysely';

// E-mail threads (docs/channels/email.md): every Message-ID of a mail in a thread — the user's mails
// and the ones Baton sent — with the conversation it belongs to. A mail's In-Reply-To / References
// find its conversation (one conversation per thread; a reply to an old thread reopens it), and
// Baton's answers take the thread's subject and references from here. Found by (channel, mail id),
// listed by conversation.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('email_threads')
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('mail_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('email_threads_pk', ['channel_id', 'mail_id'])
    .execute();
  await db.schema.createIndex('email_threads_conversation_idx').on('email_threads').columns(['conversation_id', 'created_at']).execute();
}

import type { Kysely } from 'kysely';

// Channel types (docs/channels.md): a channel is a `webhook` (as before: url + secret columns) or a
// messaging service Baton speaks itself (`whatsapp`, `telegram`…) whose settings are the JSON `config`,
// secret fields encrypted. `conversations.channel_inbound_at` is the user's last message on the
// channel: WhatsApp's 24-hour customer-service window is counted from it without reading messages.
// `channel_message_status` is what the service reported for each message Baton sent (sent, delivered,
// read, failed with its reason): found by the service's message id when a status webhook arrives,
// and by conversation when the desk shows them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('channels').addColumn('type', 'text', (c) => c.notNull().defaultTo('webhook')).execute();
  await db.schema.alterTable('channels').addColumn('config', 'text').execute();
  await db.schema.alterTable('conversations').addColumn('channel_inbound_at', 'bigint').execute();
  await db.schema
    .createTable('channel_message_status')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('channel_message_status_external_idx').on('channel_message_status').columns(['channel_id', 'external_id']).execute();
  await db.schema.createIndex('channel_message_status_conversation_idx').on('channel_message_status').columns(['conversation_id', 'message_id']).execute();
}

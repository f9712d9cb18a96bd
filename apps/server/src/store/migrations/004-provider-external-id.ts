import type { Kysely } from 'kysely';

// A provider's own id for a conversation (e.g. the Help Scout conversation id), indexed: inbound
// webhooks find the Baton conversation without scanning the provider's JSON state.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('provider_state').addColumn('external_id', 'text').execute();
  await db.schema.createIndex('provider_state_external_idx').on('provider_state').columns(['provider_id', 'external_id']).execute();
  // backfill what earlier versions kept only in the JSON (Help Scout's conversation id)
  const rows = (await db.selectFrom('provider_state').select(['conversation_id', 'provider_id', 'data']).where('data', 'like', '%"helpScoutId":%').execute()) as Array<{
    conversation_id: string;
    provider_id: string;
    data: string;
  }>;
  for (const r of rows) {
    let id: unknown;
    try {
      id = (JSON.parse(r.data) as { helpScoutId?: unknown }).helpScoutId;
    } catch {
      continue;
    }
    if (typeof id !== 'number') continue;
    await db.updateTable('provider_state').set({ external_id: String(id) }).where('conversation_id', '=', r.conversation_id).where('provider_id', '=', r.provider_id).execute();
  }
}

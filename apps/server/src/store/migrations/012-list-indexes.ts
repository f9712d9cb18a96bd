import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Lists that stay flat as history grows (docs/architecture.md, "Lists and search"):
// - every list walks an index in its own order and stops at the page: the queue by (status, queued_at,
//   id), history, bot and all-live lists by (status, updated_at, id), the overview's live chats by
//   (status, assigned_at, id), a plain agent's (and `agentId=`)
//   history by conversation_agents (agent_id, handled_at, conversation_id), a user's history by
//   (end_user_id, created_at, id), the delivery log by (created_at, id); the id in each makes the
//   keyset cursor's tie-break an index range too;
// - `tag=` reads conversation_tags (one row per tag of a conversation) instead of a LIKE over the JSON,
//   kept in step by triggers whichever statement writes `conversations.tags` (handover, bot turns,
//   the SQLite writer thread's batches) and emptied when a conversation is deleted.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.dropIndex('conversations_status_idx').execute();
  await db.schema.createIndex('conversations_status_idx').on('conversations').columns(['status', 'queued_at', 'id']).execute();
  await db.schema.createIndex('conversations_live_idx').on('conversations').columns(['status', 'assigned_at', 'id']).execute();
  await db.schema.createIndex('conversations_status_updated_idx').on('conversations').columns(['status', 'updated_at', 'id']).execute();
  await db.schema.dropIndex('conversations_end_user_idx').execute();
  await db.schema.createIndex('conversations_end_user_idx').on('conversations').columns(['end_user_id', 'created_at', 'id']).execute();
  await db.schema.dropIndex('conversation_agents_recent_idx').execute();
  await db.schema.createIndex('conversation_agents_recent_idx').on('conversation_agents').columns(['agent_id', 'handled_at', 'conversation_id']).execute();
  await db.schema.createIndex('outbox_created_idx').on('outbox').columns(['created_at', 'id']).execute();

  await db.schema
    .createTable('conversation_tags')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_tags_pk', ['conversation_id', 'tag'])
    .execute();
  await db.schema.createIndex('conversation_tags_tag_idx').on('conversation_tags').columns(['tag', 'conversation_id']).execute();

  if (postgres) {
    // a conversation's tags again from its JSON; text that is not a JSON array counts as no tags (a
    // trigger must never fail the write it follows)
    await sql`
      create or replace function baton_conversation_tags() returns trigger language plpgsql as $$
      declare list jsonb;
      begin
        if tg_op <> 'INSERT' then delete from conversation_tags where conversation_id = old.id; end if;
        if tg_op = 'DELETE' then return null; end if;
        begin list := new.tags::jsonb; exception when others then list := '[]'; end;
        if jsonb_typeof(list) = 'array' then
          insert into conversation_tags (conversation_id, tag)
          select distinct new.id, e.value #>> '{}' from jsonb_array_elements(list) e where jsonb_typeof(e.value) = 'string'
          on conflict do nothing;
        end if;
        return null;
      end $$
    `.execute(db);
    await sql`create trigger conversations_tags_insert after insert on conversations for each row when (new.tags <> '[]') execute function baton_conversation_tags()`.execute(db);
    await sql`create trigger conversations_tags_update after update of tags on conversations for each row when (old.tags is distinct from new.tags) execute function baton_conversation_tags()`.execute(db);
    await sql`create trigger conversations_tags_delete after delete on conversations for each row execute function baton_conversation_tags()`.execute(db);
    await sql`
      insert into conversation_tags (conversation_id, tag)
      select distinct c.id, e.t from conversations c, lateral jsonb_array_elements_text(c.tags::jsonb) e(t)
      where c.tags like '[%' and c.tags <> '[]'
      on conflict do nothing
    `.execute(db);
    return;
  }
  const tagsOf = (row: 'new' | 'old') => sql.raw(`(select distinct ${row}.id, value from json_each(case when json_valid(${row}.tags) and json_type(${row}.tags) = 'array' then ${row}.tags else '[]' end) where type = 'text')`);
  await sql`create trigger conversations_tags_insert after insert on conversations when new.tags <> '[]' begin insert or ignore into conversation_tags (conversation_id, tag) select * from ${tagsOf('new')}; end`.execute(db);
  await sql`
    create trigger conversations_tags_update after update of tags on conversations when old.tags is not new.tags begin
      delete from conversation_tags where conversation_id = old.id;
      insert or ignore into conversation_tags (conversation_id, tag) select * from ${tagsOf('new')};
    end
  `.execute(db);
  await sql`create trigger conversations_tags_delete after delete on conversations begin delete from conversation_tags where conversation_id = old.id; end`.execute(db);
  await sql`
    insert or ignore into conversation_tags (conversation_id, tag)
    select c.id, e.value from conversations c, json_each(case when json_valid(c.tags) and json_type(c.tags) = 'array' then c.tags else '[]' end) e
    where e.type = 'text' and c.tags <> '[]'
  `.execute(db);
}

import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Every agent's live chats, kept on the agent row by the database itself: routing read them with a
// GROUP BY over all live conversations on each assignment (its cost grew with the number of live
// chats and ran inside the single writer). Triggers on conversations keep the counter exact whichever
// command changes a status or an assignee (assign, transfer, take over, hand back, close, delete),
// on every instance. `last_assigned_at` is the round-robin tie-break: the agent's latest assignment.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('agents').addColumn('active_chats', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('agents').addColumn('last_assigned_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await sql`
    update agents set
      active_chats = (select count(*) from conversations c where c.status = 'agent' and c.assignee_id = agents.id),
      last_assigned_at = coalesce((select max(c.assigned_at) from conversations c where c.assignee_id = agents.id), 0)
  `.execute(db);

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    // one UPDATE for both agents of a transfer: rows are locked in one order, so concurrent transfers
    // on two instances cannot deadlock on the agent rows
    await sql`
      create or replace function baton_agent_load() returns trigger language plpgsql as $$
      declare
        leaving text := case when tg_op <> 'INSERT' and old.status = 'agent' then old.assignee_id end;
        joining text := case when tg_op <> 'DELETE' and new.status = 'agent' then new.assignee_id end;
        joined_at bigint := case when tg_op <> 'DELETE' then coalesce(new.assigned_at, 0) else 0 end;
      begin
        if leaving is not distinct from joining then return null; end if;
        update agents set
          active_chats = active_chats + (case when id = joining then 1 else 0 end) - (case when id = leaving then 1 else 0 end),
          last_assigned_at = case when id = joining then greatest(last_assigned_at, joined_at) else last_assigned_at end
        where id in (leaving, joining);
        return null;
      end $$
    `.execute(db);
    await sql`
      create trigger conversations_agent_load after insert or delete or update of status, assignee_id on conversations
      for each row execute function baton_agent_load()
    `.execute(db);
    return;
  }
  // SQLite: a trigger per direction (an update that moves a chat fires both)
  const SLOT_CHANGES = 'update of status, assignee_id on conversations';
  for (const [name, event] of [
    ['conversations_load_leave', `after ${SLOT_CHANGES}`],
    ['conversations_load_delete', 'after delete on conversations'],
  ]) {
    await sql`
      create trigger ${sql.raw(name!)} ${sql.raw(event!)}
      when old.status = 'agent' and old.assignee_id is not null
      begin update agents set active_chats = active_chats - 1 where id = old.assignee_id; end
    `.execute(db);
  }
  for (const [name, event] of [
    ['conversations_load_join', `after ${SLOT_CHANGES}`],
    ['conversations_load_insert', 'after insert on conversations'],
  ]) {
    await sql`
      create trigger ${sql.raw(name!)} ${sql.raw(event!)}
      when new.status = 'agent' and new.assignee_id is not null
      begin
        update agents set active_chats = active_chats + 1, last_assigned_at = max(last_assigned_at, coalesce(new.assigned_at, 0))
        where id = new.assignee_id;
      end
    `.execute(db);
  }
}

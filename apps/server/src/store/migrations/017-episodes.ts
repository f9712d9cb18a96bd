import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Episodes and History that keeps what happened (docs/api.md "History", DESIGN §10.3).
//
// - `conversation_episodes`: one row per time an agent handled a conversation (opened by the accept,
//   ended by the close, hand-back, the user's end or the idle close, in the same transaction as that
//   transition: commands/episodes.ts), with the satisfaction rating the user gave it. Its primary key
//   (conversation_id, number) is the only index it needs: every read is one conversation's rows.
// - `conversations.history_at`: when the conversation last entered History (it closed, or an agent's
//   episode ended). A reopen does not clear it, so a conversation an agent handled stays in History
//   with the bot or a new agent; the History list walks `conversations_history_idx (history_at, id)`.
//
// The backfill records, for each conversation an agent has handled, its latest episode as the row
// says it (earlier episodes of a conversation reopened before this version are not reconstructed).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('conversation_episodes')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('agent_name', 'text')
    .addColumn('trigger', 'text')
    .addColumn('skill', 'text')
    .addColumn('requested_at', 'bigint')
    .addColumn('accepted_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('ended_how', 'text')
    .addColumn('ended_by', 'text')
    .addColumn('rating_score', 'integer')
    .addColumn('rating_comment', 'text')
    .addColumn('rated_at', 'bigint')
    .addPrimaryKeyConstraint('conversation_episodes_pk', ['conversation_id', 'number'])
    .execute();
  await db.schema.alterTable('conversations').addColumn('history_at', 'bigint').execute();
  await db.schema.createIndex('conversations_history_idx').on('conversations').columns(['history_at', 'id']).execute();

  const handover = (key: string) => (postgres ? sql.raw(`(c.handover::jsonb ->> '${key}')`) : sql.raw(`json_extract(c.handover, '$.${key}')`));
  const requestedAt = postgres ? sql`cast(${handover('requestedAt')} as bigint)` : handover('requestedAt');
  const ends = sql`('conversation.closed', 'conversation.handed_back', 'conversation.ended', 'conversation.idle_closed')`;
  const lastEnd = sql`(select e2.id from conversation_events e2 where e2.conversation_id = c.id and e2.type in ${ends} order by e2.created_at desc, e2.id desc limit 1)`;

  // with an agent now: an open episode
  await sql`
    insert into conversation_episodes (conversation_id, number, agent_id, agent_name, trigger, skill, requested_at, accepted_at)
    select c.id, 1, c.assignee_id, c.assignee_name, ${handover('trigger')}, c.skill, ${requestedAt}, c.assigned_at
    from conversations c where c.status = 'agent' and c.assigned_at is not null
  `.execute(db);
  // closed while an agent had it (a close keeps the assignee): ended as its last end event says
  await sql`
    insert into conversation_episodes (conversation_id, number, agent_id, agent_name, trigger, skill, requested_at, accepted_at, ended_at, ended_how, ended_by)
    select c.id, 1, c.assignee_id, c.assignee_name, ${handover('trigger')}, c.skill, ${requestedAt},
      coalesce(c.assigned_at, c.closed_at, c.updated_at), coalesce(c.closed_at, c.updated_at), 'closed',
      case e.type when 'conversation.ended' then 'user' when 'conversation.idle_closed' then 'idle' else 'agent' end
    from conversations c left join conversation_events e on e.id = ${lastEnd}
    where c.status = 'closed' and c.assignee_id is not null
  `.execute(db);
  // handed back, or reopened after an agent closed it: the episode its last end event ended
  await sql`
    insert into conversation_episodes (conversation_id, number, agent_id, agent_name, trigger, skill, requested_at, accepted_at, ended_at, ended_how, ended_by)
    select c.id, 1, a.id, a.name, ${handover('trigger')}, ${handover('skill')}, ${requestedAt}, e.created_at, e.created_at,
      case e.type when 'conversation.handed_back' then 'handed_back' else 'closed' end,
      case e.type when 'conversation.ended' then 'user' when 'conversation.idle_closed' then 'idle' else 'agent' end
    from conversations c join conversation_events e on e.id = ${lastEnd} left join agents a on a.id = e.agent_id
    where c.status in ('bot', 'offloaded') and c.handled_by is not null
  `.execute(db);

  await sql`update conversations set history_at = coalesce(closed_at, updated_at) where status = 'closed'`.execute(db);
  await sql`
    update conversations set history_at = (select max(e.created_at) from conversation_events e where e.conversation_id = conversations.id and e.type in ${ends})
    where status <> 'closed' and handled_by is not null
  `.execute(db);
}

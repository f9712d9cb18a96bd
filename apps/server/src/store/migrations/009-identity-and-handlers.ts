import { PostgresAdapter, sql, type Kysely } from 'kysely';

// End-user identity and who sees what (docs/security.md).
//
// `end_users.verified_id` is the identity a row stands for once it is proven: `web:<user.id>` (the
// site's userHash checked) or `channel:<channel>:<user>` (a channel's signed inbound). Only these rows
// are ever looked up again (unique, so one row per identity); a claim has none and links nothing. The
// prefixes keep a web claim from ever meeting a channel user.
//
// `conversation_agents` records every agent a conversation was ever assigned to (accept, auto,
// transfer, takeover) and when they last took it: a plain agent's history is the walk of their own
// rows, newest first, stopping at the page size however many conversations there are; the primary key
// answers "did this agent handle it". `conversations.handled_by` repeats that small set on the row (a
// JSON array) so the per-conversation check of a read or a subscribe needs no query of its own.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('end_users').addColumn('verified_id', 'text').execute();
  await db.schema.createIndex('end_users_verified_uq').on('end_users').column('verified_id').unique().execute();
  // channel users of earlier versions were created by signed inbound events (one row per external id:
  // the oldest, as that lookup found it)
  await sql`
    update end_users set verified_id = 'channel:' || external_id
    where id in (
      select min(e.id) from end_users e join conversations c on c.end_user_id = e.id
      where c.channel_id is not null and substr(e.external_id, 1, length(c.channel_id) + 1) = c.channel_id || ':'
      group by e.external_id
    )
  `.execute(db);

  // channel conversations are the channel's alone: their user tokens served nobody but whoever created
  // one through the anonymous POST /conversations (the hijack this version closes), so those go
  await sql`update conversations set token_hash = 'revoked:' || id where channel_id is not null`.execute(db);

  await db.schema
    .createTable('conversation_agents')
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('handled_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('conversation_agents_pk', ['agent_id', 'conversation_id'])
    .execute();
  await db.schema.createIndex('conversation_agents_recent_idx').on('conversation_agents').columns(['agent_id', 'handled_at']).execute();
  // erasing a conversation (retention, GDPR) finds its rows without a scan
  await db.schema.createIndex('conversation_agents_conv_idx').on('conversation_agents').column('conversation_id').execute();
  // earlier assignments: the current assignee and every assignment or transfer in the event log
  await sql`
    insert into conversation_agents (agent_id, conversation_id, handled_at)
    select agent_id, conversation_id, max(at) from (
      select assignee_id as agent_id, id as conversation_id, coalesce(assigned_at, updated_at) as at from conversations where assignee_id is not null
      union all
      select agent_id, conversation_id, created_at as at from conversation_events
      where agent_id is not null and type in ('conversation.assigned', 'conversation.transferred')
    ) handled
    group by agent_id, conversation_id
  `.execute(db);

  await db.schema.alterTable('conversations').addColumn('handled_by', 'text').execute();
  const list = db.getExecutor().adapter instanceof PostgresAdapter ? sql`json_agg(ca.agent_id)::text` : sql`json_group_array(ca.agent_id)`;
  await sql`
    update conversations set handled_by = (select ${list} from conversation_agents ca where ca.conversation_id = conversations.id)
    where id in (select conversation_id from conversation_agents)
  `.execute(db);
}

// Reads for the desk: the queue routed to me, my chats, searchable history, one conversation with
// its full transcript, the user's earlier conversations, and the supervisor overview.
import type { AgentConversation, AgentConversationDetail, AgentLoad, Colleague, ConversationListQuery, SupervisorOverview } from '@baton/proto';
import { sql } from 'kysely';
import { speaksAndKnows } from '../domain/routing.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentAgentConversation, presentMessage } from '../presenters/conversation.js';
import { findConversation, listMessages } from '../store/conversations.js';
import { fromJson } from '../store/json.js';
import { queueInfo } from '../store/queue.js';
import type { AgentRow, ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { presentAgent } from './auth.js';
import { assertCanView, isSupervisor } from './agent-access.js';

/** What a list asks for (proto's ConversationListQuery, parsed). */
export type ListFilter = ConversationListQuery;

async function present(deps: Deps, tx: Tx, rows: ConversationRow[]): Promise<AgentConversation[]> {
  if (rows.length === 0) return [];
  const now = deps.clock.now();
  const userIds = [...new Set(rows.map((r) => r.end_user_id).filter((x): x is string => Boolean(x)))];
  const users = userIds.length ? await tx.selectFrom('end_users').selectAll().where('id', 'in', userIds).execute() : [];
  const out: AgentConversation[] = [];
  for (const r of rows) {
    const u = users.find((x) => x.id === r.end_user_id);
    const last = await tx
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', r.id)
      .where('event', 'is', null)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    out.push(
      presentAgentConversation(r, {
        now,
        queue: await queueInfo(tx, r),
        user: { id: u?.external_id ?? u?.id ?? null, name: u?.name ?? null, email: u?.email ?? null, verified: Boolean(u?.verified_id) },
        lastMessage: last ?? null,
      }),
    );
  }
  return out;
}

export async function listAgentConversations(deps: Deps, agent: AgentRow, f: ListFilter): Promise<AgentConversation[]> {
  const db = deps.store.db;
  const all = f.scope === 'all' && isSupervisor(agent);
  let q = db.selectFrom('conversations').selectAll('conversations').where('conversations.status', '=', f.status);
  if (f.status === 'agent' && !all) q = q.where('assignee_id', '=', agent.id);
  // a plain agent's bot and closed lists hold only what they handled (agent-access.ts), the latest
  // first: a walk of their own rows of conversation_agents that stops at the page, at any table size
  const handledOnly = (f.status === 'bot' || f.status === 'closed') && !isSupervisor(agent);
  if (handledOnly) q = q.innerJoin('conversation_agents as ca', 'ca.conversation_id', 'conversations.id').where('ca.agent_id', '=', agent.id);
  if (f.agentId) {
    // history by agent: conversations the agent took part in
    q = q.where((eb) =>
      eb.or([
        eb('assignee_id', '=', f.agentId!),
        eb.exists(eb.selectFrom('conversation_events as e').select('e.id').whereRef('e.conversation_id', '=', 'conversations.id').where('e.agent_id', '=', f.agentId!)),
      ]),
    );
  }
  if (f.skill) q = q.where('skill', '=', f.skill);
  if (f.tag) q = q.where('tags', 'like', `%${JSON.stringify(f.tag)}%`);
  if (f.from) q = q.where('conversations.updated_at', '>=', Date.parse(f.from));
  if (f.to) q = q.where('conversations.created_at', '<=', Date.parse(f.to) + (f.to.length <= 10 ? 86_399_999 : 0));
  if (f.q) {
    const like = `%${f.q.toLowerCase().replace(/[%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('messages as m')
            .select('m.id')
            .whereRef('m.conversation_id', '=', 'conversations.id')
            .where((e2) => e2(e2.fn('lower', ['m.text']), 'like', like)),
        ),
        eb(eb.fn('lower', ['conversations.variables']), 'like', like),
      ]),
    );
  }
  if (f.status === 'offloaded') q = q.orderBy('queued_at', 'asc');
  else if (handledOnly) q = q.orderBy(sql.ref('ca.handled_at'), 'desc');
  else q = q.orderBy('conversations.updated_at', 'desc');
  let rows = await q.limit(f.status === 'offloaded' && !all ? 1000 : f.limit).execute();
  if (f.status === 'offloaded' && !all && !isSupervisor(agent)) {
    const me = { skills: fromJson<string[]>(agent.skills, []), languages: fromJson<string[]>(agent.languages, []) };
    rows = rows.filter((r) => speaksAndKnows(me, r)).slice(0, f.limit);
  }
  return present(deps, db, rows);
}

export async function agentConversationDetail(deps: Deps, agent: AgentRow, id: string): Promise<AgentConversationDetail> {
  const row = await findConversation(deps.store.db, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  assertCanView(agent, row);
  const [conversation] = await present(deps, deps.store.db, [row]);
  const messages = (await listMessages(deps.store.db, id, { limit: 5000, includeInternal: true })).map(presentMessage);
  return { conversation: conversation!, messages };
}

/**
 * The user's earlier conversations: only for a verified identity (a claimed id or e-mail links
 * nothing), and for a plain agent only those they handled themselves.
 */
export async function userHistory(deps: Deps, agent: AgentRow, id: string) {
  const db = deps.store.db;
  const row = await findConversation(db, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  assertCanView(agent, row);
  if (!row.end_user_id) return [];
  const user = await db.selectFrom('end_users').select('verified_id').where('id', '=', row.end_user_id).executeTakeFirst();
  if (!user?.verified_id) return [];
  let q = db.selectFrom('conversations').selectAll().where('end_user_id', '=', row.end_user_id).where('id', '!=', id);
  if (!isSupervisor(agent)) {
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('conversation_agents as ca').select('ca.agent_id').where('ca.agent_id', '=', agent.id).whereRef('ca.conversation_id', '=', 'conversations.id')),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').limit(50).execute();
  return present(deps, db, rows);
}

export async function supervisorOverview(deps: Deps): Promise<SupervisorOverview> {
  const db = deps.store.db;
  const [queue, live, agents] = await Promise.all([
    db.selectFrom('conversations').selectAll().where('status', '=', 'offloaded').orderBy('queued_at').limit(500).execute(),
    db.selectFrom('conversations').selectAll().where('status', '=', 'agent').orderBy('assigned_at').limit(500).execute(),
    agentsWithLoad(deps),
  ]);
  return { queue: await present(deps, db, queue), live: await present(deps, db, live), agents };
}

/** Every agent (by name) with the number of live chats they own. */
async function agentsWithLoad(deps: Deps): Promise<AgentLoad[]> {
  const db = deps.store.db;
  const agents = await db.selectFrom('agents').selectAll().where('deleted_at', 'is', null).orderBy('name').execute();
  return agents.map((a) => ({ agent: presentAgent(a), activeChats: Number(a.active_chats) }));
}

/** Colleagues for a transfer, any role: status, skills and load, by name; never e-mail addresses. */
export async function listColleagues(deps: Deps): Promise<{ agents: Colleague[] }> {
  const agents = await agentsWithLoad(deps);
  return { agents: agents.map(({ agent: { email: _email, createdAt: _created, ...agent }, activeChats }) => ({ agent, activeChats })) };
}

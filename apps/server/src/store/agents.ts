// Agents with their current load, for routing and the supervisor view. The load (live chats and the
// latest assignment) lives on the agent row, kept exact by triggers on conversations (migration 006).
import { pickAgent, speaksAndKnows, type RoutableAgent, type RoutableConversation } from '../domain/routing.js';
import { hot } from './hot.js';
import { fromJson } from './json.js';
import type { AgentRow } from './schema.js';
import type { Tx } from './write-queue.js';

type LoadColumns = Pick<AgentRow, 'id' | 'role' | 'skills' | 'languages' | 'status' | 'max_concurrent' | 'active_chats' | 'last_assigned_at'>;

export function toRoutable(row: LoadColumns): RoutableAgent {
  return {
    id: row.id,
    role: row.role,
    skills: fromJson(row.skills, []),
    languages: fromJson(row.languages, []),
    status: row.status,
    maxConcurrent: row.max_concurrent,
    activeChats: Number(row.active_chats),
    lastAssignedAt: Number(row.last_assigned_at),
  };
}

const ROUTING_COLUMNS = ['id', 'name', 'role', 'skills', 'languages', 'status', 'max_concurrent', 'active_chats', 'last_assigned_at'] as const;

/** Agents who may get chats, with their load; only the columns routing needs. */
export async function routableAgents(tx: Tx, onlyOnline = true): Promise<Array<RoutableAgent & { name: string }>> {
  let q = tx.selectFrom('agents').select(ROUTING_COLUMNS).where('deleted_at', 'is', null);
  if (onlyOnline) q = q.where('status', '=', 'online');
  return (await q.execute()).map((r) => ({ ...toRoutable(r), name: r.name }));
}

/** LIKE pattern for a JSON array of strings holding `value` (LIKE may also ignore case: a superset). */
function jsonArrayHolds(value: string): string {
  return `%${JSON.stringify(value).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// online, a free slot, a plausible skill and language (LIKE on the JSON arrays; it may also ignore
// case, so the row is checked exactly below), least busy first, in pickAgent's order: the order of the
// partial index agents_routing_idx (migration 008; keep the expressions identical), walked to the first
// match. The patterns are `(? || '')`, not a bare `?`: SQLite re-prepares a statement whenever a
// parameter that is a LIKE's whole pattern is bound anew (it may plan with its value).
export const BEST_AGENT =
  "select id, name, skills, languages from agents where deleted_at is null and status = 'online' and active_chats < max_concurrent " +
  `and (skills = '[]' or skills like (? || '') escape '\\' or skills like '%"*"%') and (languages = '[]' or languages like (? || '') escape '\\') ` +
  'order by cast(active_chats as double precision) / max_concurrent, active_chats, last_assigned_at, id limit 1';

/**
 * The agent auto-assignment gives a conversation to: what domain/routing.ts pickAgent would choose
 * over every agent. Runs on every handover, so the database filters and orders and one row comes
 * back (each row read costs microseconds); a LIKE false positive falls back to pickAgent.
 */
export async function bestAgentFor(tx: Tx, conv: RoutableConversation): Promise<{ id: string; name: string } | undefined> {
  const [row] = (await hot<Pick<AgentRow, 'id' | 'name' | 'skills' | 'languages'>>(tx, BEST_AGENT, [jsonArrayHolds(conv.skill ?? 'general'), jsonArrayHolds(conv.language)])).rows;
  if (!row) return undefined;
  if (speaksAndKnows({ skills: fromJson(row.skills, []), languages: fromJson(row.languages, []) }, conv)) return { id: row.id, name: row.name };
  return pickAgent(await routableAgents(tx), conv);
}

// online, able to take chats at all, a plausible skill and language; busy or not (a full agent frees a
// slot soon, an offline one never): the partial index agents_routing_idx (migration 008) holds exactly
// the online agents, so this walks the team that is online now, never the whole table
const ELIGIBLE_AGENTS =
  "select id, skills, languages from agents where deleted_at is null and status = 'online' and max_concurrent > 0 " +
  `and (skills = '[]' or skills like (? || '') escape '\\' or skills like '%"*"%') and (languages = '[]' or languages like (? || '') escape '\\') limit 20`;

/**
 * Is anyone who could take this conversation online (skill, language, online, capacity)? One indexed
 * query; the LIKE may match loosely, so the rows are checked exactly, and only twenty LIKE false
 * positives in a row fall back to reading every online agent.
 */
export async function eligibleAgentOnline(tx: Tx, conv: RoutableConversation): Promise<boolean> {
  const rows = (await hot<Pick<AgentRow, 'id' | 'skills' | 'languages'>>(tx, ELIGIBLE_AGENTS, [jsonArrayHolds(conv.skill ?? 'general'), jsonArrayHolds(conv.language)])).rows;
  if (rows.some((r) => speaksAndKnows({ skills: fromJson(r.skills, []), languages: fromJson(r.languages, []) }, conv))) return true;
  if (rows.length < 20) return false;
  return (await routableAgents(tx)).some((a) => a.maxConcurrent > 0 && speaksAndKnows(a, conv));
}

export async function activeChatsOf(tx: Tx, agentId: string): Promise<number> {
  const r = await tx.selectFrom('agents').select('active_chats').where('id', '=', agentId).executeTakeFirst();
  return Number(r?.active_chats ?? 0);
}

/** Records that an agent handled a conversation (who may read it later: commands/agent-access.ts). */
export async function recordHandler(tx: Tx, agentId: string, conversationId: string, now: number): Promise<void> {
  const sql = 'insert into conversation_agents (agent_id, conversation_id, handled_at) values (?, ?, ?) on conflict (agent_id, conversation_id) do update set handled_at = excluded.handled_at';
  await hot(tx, sql, [agentId, conversationId, now]);
}

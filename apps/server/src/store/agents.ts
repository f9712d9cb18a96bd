// Agents with their current load, for routing and the supervisor view. The load (live chats and the
// latest assignment) lives on the agent row, kept exact by triggers on conversations (migration 006).
import { sql } from 'kysely';
import { pickAgent, type RoutableAgent, type RoutableConversation } from '../domain/routing.js';
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

const CANDIDATES = 8;

/**
 * The agent auto-assignment gives a conversation to (domain/routing.ts pickAgent decides). Runs on
 * every handover: the database narrows and orders the candidates (online, a free slot, a plausible
 * skill and language, least busy first) so a few rows come back instead of every agent (each row read
 * costs microseconds), and pickAgent applies the exact rule to them.
 */
export async function bestAgentFor(tx: Tx, conv: RoutableConversation): Promise<(RoutableAgent & { name: string }) | undefined> {
  const rows = await tx
    .selectFrom('agents')
    .select(ROUTING_COLUMNS)
    .where('deleted_at', 'is', null)
    .where('status', '=', 'online')
    .whereRef('active_chats', '<', 'max_concurrent')
    .where((eb) => eb.or([eb('skills', '=', '[]'), sql<boolean>`skills like ${jsonArrayHolds(conv.skill ?? 'general')} escape '\\'`, eb('skills', 'like', '%"*"%')]))
    .where((eb) => eb.or([eb('languages', '=', '[]'), sql<boolean>`languages like ${jsonArrayHolds(conv.language)} escape '\\'`]))
    .orderBy(sql`cast(active_chats as double precision) / max_concurrent`)
    .orderBy('active_chats')
    .orderBy('last_assigned_at')
    .orderBy('id')
    .limit(CANDIDATES)
    .execute();
  const best = pickAgent(
    rows.map((r) => ({ ...toRoutable(r), name: r.name })),
    conv,
  );
  if (best || rows.length < CANDIDATES) return best;
  // LIKE matched more than the exact rule (a skill differing in case) for all of them: decide over everyone
  return pickAgent(await routableAgents(tx), conv);
}

export async function activeChatsOf(tx: Tx, agentId: string): Promise<number> {
  const r = await tx.selectFrom('agents').select('active_chats').where('id', '=', agentId).executeTakeFirst();
  return Number(r?.active_chats ?? 0);
}

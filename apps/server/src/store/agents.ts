// Agents with their current load, for routing and the supervisor view.
import type { RoutableAgent } from '../domain/routing.js';
import { fromJson } from './json.js';
import type { AgentRow } from './schema.js';
import type { Tx } from './write-queue.js';

export async function activeChatCounts(tx: Tx): Promise<Map<string, { active: number; lastAssignedAt: number }>> {
  const rows = await tx
    .selectFrom('conversations')
    .select((eb) => ['assignee_id', eb.fn.countAll<number>().as('n'), eb.fn.max('assigned_at').as('last')])
    .where('status', '=', 'agent')
    .where('assignee_id', 'is not', null)
    .groupBy('assignee_id')
    .execute();
  return new Map(rows.map((r) => [r.assignee_id!, { active: Number(r.n), lastAssignedAt: Number(r.last ?? 0) }]));
}

export function toRoutable(row: AgentRow, load?: { active: number; lastAssignedAt: number }): RoutableAgent {
  return {
    id: row.id,
    role: row.role,
    skills: fromJson(row.skills, []),
    languages: fromJson(row.languages, []),
    status: row.status,
    maxConcurrent: row.max_concurrent,
    activeChats: load?.active ?? 0,
    lastAssignedAt: load?.lastAssignedAt ?? 0,
  };
}

export async function routableAgents(tx: Tx, onlyOnline = true): Promise<RoutableAgent[]> {
  let q = tx.selectFrom('agents').selectAll().where('deleted_at', 'is', null);
  if (onlyOnline) q = q.where('status', '=', 'online');
  const [rows, loads] = await Promise.all([q.execute(), activeChatCounts(tx)]);
  return rows.map((r) => toRoutable(r, loads.get(r.id)));
}

export async function activeChatsOf(tx: Tx, agentId: string): Promise<number> {
  const r = await tx
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'agent')
    .where('assignee_id', '=', agentId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

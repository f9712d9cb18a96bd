// The audit log: written in the transaction of what it records, read newest first by id cursor.
import { newSortableId } from '../tokens.js';
import type { AuditRow } from './schema.js';
import type { Tx } from './types.js';

export async function writeAudit(
  tx: Tx,
  e: { agentId: string; agentName: string; action: string; target: string | null; detail: Record<string, unknown> },
  now: number,
): Promise<void> {
  await tx
    .insertInto('audit_log')
    .values({ id: newSortableId(), agent_id: e.agentId, agent_name: e.agentName, action: e.action, target: e.target, detail: JSON.stringify(e.detail), created_at: now })
    .execute();
}

/** One page, newest first: the entries older than `before` (an id), and whether more follow. */
export async function listAudit(tx: Tx, before: string | undefined, limit: number): Promise<{ rows: AuditRow[]; more: boolean }> {
  let q = tx.selectFrom('audit_log').selectAll();
  if (before) q = q.where('id', '<', before);
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

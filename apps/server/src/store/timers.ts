// Durable timers (waiting timeout, overflow, …): one row per conversation and kind, claimed with a
// lease so exactly one instance fires each, and kept across restarts.
import { newId } from '../tokens.js';
import { hot } from './hot.js';
import type { TimerRow } from './schema.js';
import type { Tx } from './write-queue.js';

export type TimerKind = 'waiting_timeout' | 'overflow' | 'presence' | 'offer_expiry';

export async function setTimer(
  tx: Tx,
  t: { conversationId: string; kind: TimerKind; dueAt: number; payload?: unknown },
  now: number,
): Promise<void> {
  await tx.deleteFrom('timers').where('conversation_id', '=', t.conversationId).where('kind', '=', t.kind).execute();
  await tx
    .insertInto('timers')
    .values({
      id: newId(),
      conversation_id: t.conversationId,
      kind: t.kind,
      due_at: t.dueAt,
      payload: t.payload === undefined ? null : JSON.stringify(t.payload),
      lease_until: null,
      created_at: now,
    })
    .execute();
}

/** On every assignment, close and hand-back: a hot statement (the query builder's was most of its cost). */
export async function clearTimer(tx: Tx, conversationId: string, kind?: TimerKind): Promise<void> {
  if (kind) await hot(tx, 'delete from timers where conversation_id = ? and kind = ?', [conversationId, kind]);
  else await hot(tx, 'delete from timers where conversation_id = ?', [conversationId]);
}

/** Claims up to `limit` due timers for this instance (lease), oldest first. */
export async function claimDueTimers(tx: Tx, now: number, leaseMs: number, limit: number): Promise<TimerRow[]> {
  const due = await tx
    .selectFrom('timers')
    .selectAll()
    .where('due_at', '<=', now)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('due_at')
    .limit(limit)
    .execute();
  const claimed: TimerRow[] = [];
  for (const t of due) {
    const r = await tx
      .updateTable('timers')
      .set({ lease_until: now + leaseMs })
      .where('id', '=', t.id)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) claimed.push({ ...t, lease_until: now + leaseMs });
  }
  return claimed;
}

export async function nextTimerDue(tx: Tx): Promise<number | undefined> {
  const r = await tx.selectFrom('timers').select('due_at').orderBy('due_at').limit(1).executeTakeFirst();
  return r?.due_at;
}

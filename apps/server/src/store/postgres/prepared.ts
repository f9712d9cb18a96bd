// PostgreSQL prepared statements for every query Kysely sends. Kysely sends each query unnamed, so
// PostgreSQL would parse and plan it on every execution, and the writer connections' statement time is
// what bounds throughput (bench/NOTES.md). Each distinct SQL text gets a name once; node-pg prepares it
// on a connection the first time that connection runs it. Connections rebuild their plans as the
// tables grow (REPLAN below).
import type pg from 'pg';

const DML = /^\s*(select|insert|update|delete|with)\b/i;
/** distinct statements named per process; beyond it (generated SQL gone wild) queries stay unnamed */
const MAX_NAMED = 1000;
// "cached plan must not change result type": a migration by another instance changed a table under a
// prepared `select *`. The statement is not named again; outside a transaction the query is retried.
const PLAN_CHANGED = '0A000';

/**
 * When a connection's cached plans are rebuilt (DISCARD PLANS; the statements stay prepared). A generic
 * plan is made once, from the tables' sizes at that moment, and PostgreSQL rebuilds it only when
 * ANALYZE (autovacuum) invalidates it: a plan made while `messages` was nearly empty joined it by a
 * sequential scan and kept doing so as it grew, many times slower than a rebuilt plan. So plans are rebuilt each time a connection's executions double (64, 128, …:
 * the tables this instance writes grow with them), then every `maxStep` executions, and at least every
 * `maxAgeMs` (growth from other instances).
 */
export const REPLAN = { first: 64, maxStep: 16_384, maxAgeMs: 60_000 };

export interface ReplanState {
  runs: number;
  next: number;
  at: number;
}

/** counts an execution; true when the connection's plans are due to be rebuilt (and schedules the next) */
export function replanDue(s: ReplanState, now: number, r = REPLAN): boolean {
  s.runs++;
  if (s.runs < s.next && now - s.at < r.maxAgeMs) return false;
  s.next = s.runs + Math.min(Math.max(s.runs, r.first), r.maxStep);
  s.at = now;
  return true;
}

export function withPreparedStatements(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string | null>();
  const nameOf = (text: string): string | null => {
    let name = names.get(text);
    if (name === undefined) {
      name = DML.test(text) && names.size < MAX_NAMED ? `baton_${names.size + 1}` : null;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
    const plans: ReplanState = { runs: 0, next: REPLAN.first, at: Date.now() };
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof text === 'string' && Array.isArray(values) && callback === undefined ? nameOf(text) : null;
      if (!name) return query(text, values, callback);
      // queued ahead of the statement on this connection (allowed inside a transaction too)
      if (replanDue(plans, Date.now())) query('discard plans').catch(() => undefined);
      return query({ name, text, values }).catch((err: { code?: string }) => {
        if (err?.code !== PLAN_CHANGED) throw err;
        names.set(text as string, null);
        if (client.getTransactionStatus?.() !== 'I') throw err; // the transaction is aborted: the caller retries it
        return query(text, values);
      });
    };
  });
  return pool;
}

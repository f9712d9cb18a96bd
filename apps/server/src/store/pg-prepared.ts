// PostgreSQL prepared statements for every query Kysely sends. Kysely sends each query unnamed, so
// PostgreSQL parses and plans it on every execution: measured here, the per-message statement took
// 0.53 ms unnamed and 0.24 ms as a named (prepared) statement, and the single writer connection's
// statement time is what bounds throughput on PostgreSQL. Each distinct SQL text gets a name once;
// node-pg prepares it on a connection the first time that connection runs it.
import type pg from 'pg';

const DML = /^\s*(select|insert|update|delete|with)\b/i;
/**
 * A statement that starts with this stays unnamed, so PostgreSQL plans it on every execution with its
 * actual parameters and the tables' current sizes: for statements whose best plan depends on them (a
 * generic plan made while a table was small can keep a sequential scan as the table grows).
 */
export const UNPREPARED = '/* planned per execution */';
/** distinct statements named per process; beyond it (generated SQL gone wild) queries stay unnamed */
const MAX_NAMED = 1000;
// "cached plan must not change result type": a migration by another instance changed a table under a
// prepared `select *`. The statement is not named again; outside a transaction the query is retried.
const PLAN_CHANGED = '0A000';

export function withPreparedStatements(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string | null>();
  const nameOf = (text: string): string | null => {
    let name = names.get(text);
    if (name === undefined) {
      // (an UNPREPARED statement starts with its comment, so DML does not match it)
      name = DML.test(text) && names.size < MAX_NAMED ? `baton_${names.size + 1}` : null;
      names.set(text, name);
    }
    return name;
  };
  pool.on('connect', (client: pg.PoolClient) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      const name = typeof text === 'string' && Array.isArray(values) && callback === undefined ? nameOf(text) : null;
      if (!name) return query(text, values, callback);
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

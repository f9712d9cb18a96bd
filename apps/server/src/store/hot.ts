// Statements on the hot paths (every message, every bot turn, every handover) written out once and run
// as compiled queries: building and compiling them with Kysely's query builder on every call was
// ~10 % of the CPU at saturation. `?` placeholders; PostgreSQL gets them numbered.
//
// On SQLite a hot statement goes straight to the connection's statement cache when that is safe: inside
// a transaction (which already holds Kysely's only connection, so nothing else interleaves), or outside
// one while no transaction is open on the connection (better-sqlite3 runs a statement synchronously, so
// it sees committed rows only, as it would after waiting for Kysely's connection mutex). A read made
// while a batch's transaction is open still waits for the connection through Kysely, so it never sees
// uncommitted rows. Kysely's per-query path (connection provider, mutex, result transform, several
// promise hops) cost more than the statement itself on these paths.
import { CompiledQuery, PostgresAdapter, type DialectAdapter, type QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Tx } from './write-queue.js';

const numbered = new Map<string, string>();
/** the SQLite connection behind a store's Kysely instance, by its adapter (shared with its transactions) */
const connections = new WeakMap<DialectAdapter, SQLite.Database>();

/** what reads may use only (see write-queue.ts: jobs after a prelude that ran alone) */
const readOnly = new WeakSet<object>();
/** a statement that only reads */
const READ = /^\s*(\/\*.*?\*\/\s*)?select\b/i;

export function markReadOnly(db: object): void {
  readOnly.add(db);
}

/** why a read-only connection refuses `sql` (undefined: it reads) */
export function refusedWrite(sql: string): Error | undefined {
  return READ.test(sql) ? undefined : new Error(`only reads may follow a prelude run alone, not: ${sql.slice(0, 80)}`);
}

export function registerSqliteConnection(adapter: DialectAdapter, connection: SQLite.Database): void {
  connections.set(adapter, connection);
}

export function hot<R>(tx: Tx, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  const adapter = tx.getExecutor().adapter;
  let query = text;
  if (adapter instanceof PostgresAdapter) {
    query = numbered.get(text) ?? '';
    if (!query) {
      let n = 0;
      query = text.replace(/\?/g, () => `$${++n}`);
      numbered.set(text, query);
    }
  } else {
    const connection = connections.get(adapter);
    if (connection && (tx.isTransaction || !connection.inTransaction)) {
      // the check readOnly's connection makes for the statements that reach it
      const refused = readOnly.has(tx) ? refusedWrite(text) : undefined;
      if (refused) return Promise.reject(refused);
      try {
        const stmt = connection.prepare(text);
        return Promise.resolve({ rows: stmt.reader ? (stmt.all(parameters) as R[]) : (stmt.run(parameters), []) });
      } catch (error) {
        return Promise.reject(error);
      }
    }
  }
  return tx.executeQuery<R>(CompiledQuery.raw(query, parameters as unknown[]));
}

// Statements on the hot paths (every message, every bot turn, every handover) written out once and run
// as compiled queries: building and compiling them with Kysely's query builder on every call was
// ~10 % of the CPU at saturation. `?` placeholders; PostgreSQL gets them numbered.
//
// On SQLite, inside a transaction, a hot statement goes straight to the connection's statement cache:
// the transaction already holds Kysely's only connection (so nothing else can interleave), and
// better-sqlite3 runs statements synchronously; Kysely's per-query path (connection provider, mutex,
// result transform, several promise hops) cost more than the statement itself on this path.
import { CompiledQuery, PostgresAdapter, type DialectAdapter, type QueryResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Tx } from './write-queue.js';

const numbered = new Map<string, string>();
/** the SQLite connection behind a store's Kysely instance, by its adapter (shared with its transactions) */
const connections = new WeakMap<DialectAdapter, SQLite.Database>();

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
  } else if (tx.isTransaction) {
    const connection = connections.get(adapter);
    if (connection) {
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

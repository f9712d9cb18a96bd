// SQLite's side of hot statements (store/hot.ts): straight to the connection's statement cache when
// that is safe — inside a transaction (which already holds Kysely's only connection), or outside one
// while no transaction is open on the connection (better-sqlite3 runs a statement synchronously, so it
// sees committed rows only, as it would after waiting for Kysely's connection mutex). A read made while
// a batch's transaction is open still waits for the connection through Kysely, so it never sees
// uncommitted rows. Kysely's per-query path costs more than the statement itself on these paths.
import type SQLite from 'better-sqlite3';
import { CompiledQuery, SqliteAdapter, SqliteDialect, type DialectAdapter, type QueryResult } from 'kysely';
import type { HotPath } from '../hot.js';
import { isReadOnly, refusedWrite } from '../read-only.js';
import type { Tx } from '../types.js';

class HotSqliteAdapter extends SqliteAdapter implements HotPath {
  readonly rowLock = '';
  // SQLite has no statistics unless ANALYZE ran: it would prefer an index with more constraints over a
  // smaller partial one that holds exactly the rows asked for
  indexedBy(index: string): string {
    return ` indexed by "${index}"`;
  }

  constructor(private readonly connection: SQLite.Database) {
    super();
  }

  hot<R>(tx: Tx, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    if (!tx.isTransaction && this.connection.inTransaction) return tx.executeQuery<R>(CompiledQuery.raw(text, parameters as unknown[]));
    const refused = isReadOnly(tx) ? refusedWrite(text) : undefined;
    if (refused) return Promise.reject(refused);
    try {
      const stmt = this.connection.prepare(text);
      return Promise.resolve({ rows: stmt.reader ? (stmt.all(parameters) as R[]) : (stmt.run(parameters), []) });
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

/** Kysely's SQLite dialect over `connection`, with the hot path on the same connection. */
export class HotSqliteDialect extends SqliteDialect {
  private readonly adapter: HotSqliteAdapter;
  constructor(connection: SQLite.Database) {
    super({ database: connection });
    this.adapter = new HotSqliteAdapter(connection);
  }
  override createAdapter(): DialectAdapter {
    return this.adapter;
  }
}

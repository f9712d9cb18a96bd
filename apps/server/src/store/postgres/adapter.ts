// PostgreSQL's side of hot statements (store/hot.ts): `?` placeholders become numbered ones, once per
// statement text.
import { CompiledQuery, PostgresAdapter, PostgresDialect, type DialectAdapter, type QueryResult } from 'kysely';
import type { HotPath } from '../hot.js';
import type { Tx } from '../types.js';

class HotPostgresAdapter extends PostgresAdapter implements HotPath {
  readonly rowLock = ' for update';
  // the planner's statistics choose: a partial index of the rows asked for is the smallest
  indexedBy(): string {
    return '';
  }
  private readonly numbered = new Map<string, string>();

  hot<R>(tx: Tx, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    let query = this.numbered.get(text);
    if (query === undefined) {
      let n = 0;
      query = text.replace(/\?/g, () => `$${++n}`);
      this.numbered.set(text, query);
    }
    return tx.executeQuery<R>(CompiledQuery.raw(query, parameters as unknown[]));
  }
}

/** Kysely's PostgreSQL dialect with the hot path; one adapter per store. */
export class HotPostgresDialect extends PostgresDialect {
  private readonly adapter = new HotPostgresAdapter();
  override createAdapter(): DialectAdapter {
    return this.adapter;
  }
}

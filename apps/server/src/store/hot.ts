// Statements on the hot paths (every message, every bot turn, every handover) written out once with
// `?` placeholders and run as compiled queries: building them with Kysely's query builder on every call
// cost more than running them. Each dialect's adapter decides how such a statement runs (sqlite/ and
// postgres/ adapter.ts); an adapter without a fast path runs it through Kysely.
import { CompiledQuery, type DialectAdapter, type QueryResult } from 'kysely';
import type { Tx } from './types.js';

/** What a store's Kysely adapter adds for hot statements. */
export interface HotPath {
  hot<R>(tx: Tx, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>>;
  /** appended to a SELECT that must lock its row to the end of the transaction ('' where writes are serial) */
  readonly rowLock: string;
  /**
   * after a table name: makes the query use this index where the planner, without statistics, would
   * pick a worse one ('' where the planner's statistics decide)
   */
  indexedBy(index: string): string;
}

function hotPathOf(tx: Tx): (DialectAdapter & Partial<HotPath>) {
  return tx.getExecutor().adapter;
}

export function hot<R>(tx: Tx, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  const path = hotPathOf(tx);
  return path.hot ? path.hot<R>(tx, text, parameters) : tx.executeQuery<R>(CompiledQuery.raw(text, parameters as unknown[]));
}

/** the clause that locks a selected row for the transaction on this store */
export function rowLock(tx: Tx): string {
  return hotPathOf(tx).rowLock ?? '';
}

/** `indexed by <index>` on SQLite, nothing on PostgreSQL (see HotPath.indexedBy) */
export function indexedBy(tx: Tx, index: string): string {
  return hotPathOf(tx).indexedBy?.(index) ?? '';
}

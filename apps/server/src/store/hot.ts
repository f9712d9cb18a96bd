// Statements on the hot paths (every message, every bot turn, every handover) written out once and run
// as compiled queries: building and compiling them with Kysely's query builder on every call was
// ~10 % of the CPU at saturation. `?` placeholders; PostgreSQL gets them numbered.
import { CompiledQuery, PostgresAdapter, type QueryResult } from 'kysely';
import type { Tx } from './write-queue.js';

const numbered = new Map<string, string>();

export function hot<R>(tx: Tx, text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
  let query = text;
  if (tx.getExecutor().adapter instanceof PostgresAdapter) {
    query = numbered.get(text) ?? '';
    if (!query) {
      let n = 0;
      query = text.replace(/\?/g, () => `$${++n}`);
      numbered.set(text, query);
    }
  }
  return tx.executeQuery<R>(CompiledQuery.raw(query, parameters as unknown[]));
}

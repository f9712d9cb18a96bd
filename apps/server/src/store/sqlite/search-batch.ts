// The writer thread's batch indexes its messages for search with one statement (migration 016): FTS5
// flushes its pending terms at every statement savepoint, so a trigger per message wrote one index
// segment per message. While a batch is marked, the message triggers only record what to index.
import type SQLite from 'better-sqlite3';

export interface SearchBatch {
  /** first in the batch's transaction */
  begin(): void;
  /** last in the batch's transaction, before COMMIT: indexes what the batch recorded, and unmarks it */
  end(): void;
}

/** indexes the messages a marked batch recorded */
export const INDEX_PENDING =
  'insert into search_index (rowid, text) select r.id, m.text from search_pending p cross join search_rows r on r.id = p.id cross join messages m on m.id = substr(r.owner, 3) where p.id > 0';

export function searchBatch(db: SQLite.Database): SearchBatch {
  const mark = db.prepare('insert into search_pending (id) values (0)');
  // CROSS JOIN keeps the batch's few rows outermost: with a plain join SQLite carries `p.id > 0` over
  // to search_rows and walks all of it (store/list-plans.test.ts checks the plan)
  const index = db.prepare(INDEX_PENDING);
  const clear = db.prepare('delete from search_pending');
  return {
    begin: () => void mark.run(),
    end: () => {
      index.run();
      clear.run();
    },
  };
}

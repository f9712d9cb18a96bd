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

export function searchBatch(db: SQLite.Database): SearchBatch {
  const mark = db.prepare('insert into search_pending (id) values (0)');
  const index = db.prepare(
    'insert into search_index (rowid, text) select r.id, m.text from search_pending p join search_rows r on r.id = p.id join messages m on m.id = substr(r.owner, 3) where p.id > 0',
  );
  const clear = db.prepare('delete from search_pending');
  return {
    begin: () => void mark.run(),
    end: () => {
      index.run();
      clear.run();
    },
  };
}

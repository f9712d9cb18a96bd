// The search index's segments are merged by the writer thread between batches, not in the commit of
// whichever transaction wrote the index (migration 028 turned FTS5's automerge off). Each step writes
// at most a few pages (~1 ms at 300k conversations) and runs while the write queue's lane is idle, so a
// user's message waits at most for one step instead of a merge of up to 60 ms.
import type SQLite from 'better-sqlite3';

/** pages one step writes at most: ~40 µs each on a 300k index (bench/NOTES.md, "Write path, memory and analytics at scale", 1) */
export const MERGE_PAGES = 16;

/** One merge step: whether FTS5 found segments to merge (a level with `usermerge`, 8, or a merge under way). */
export function searchMergeStep(db: SQLite.Database): (pages: number) => boolean {
  const merge = db.prepare("insert into search_index (search_index, rank) values ('merge', ?)");
  const changes = db.prepare<[], number>('select total_changes()').pluck();
  return (pages) => {
    const before = changes.get()!;
    merge.run(pages);
    // FTS5's documented signal: the command changed 2 rows or more when it merged anything
    return changes.get()! - before >= 2;
  };
}

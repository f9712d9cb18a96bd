import { PostgresAdapter, sql, type Kysely } from 'kysely';

// SQLite's search index no longer merges its segments inside the commit that writes them. FTS5's
// automerge (4) did merge work in the COMMIT of whichever transaction wrote the index: at 300k
// conversations one user message's commit in 64 took 20–60 ms (bench/NOTES.md, "Write path, memory
// and analytics at scale").
// The writer thread now merges in small steps while it has no batch to store (sqlite/search-merge.ts),
// a level once it holds 8 segments (usermerge; 4 before): each entry is rewritten about half as often
// (log8 instead of log4 of the index's size; 20,000 messages on the 300k set: 0.6 s of merging
// instead of 3.2 s), and a phrase reads a few more segments. FTS5's crisis merge (16 segments on a
// level) still bounds the index's shape should the writer be kept busy. The settings are stored in
// the index's config table, so every connection follows them. What the index holds is unchanged:
// every message is still indexed in the transaction that writes it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  await sql`insert into search_index (search_index, rank) values ('automerge', 0)`.execute(db);
  await sql`insert into search_index (search_index, rank) values ('usermerge', 8)`.execute(db);
}

import { PostgresAdapter, sql, type Kysely } from 'kysely';
import { monthStart, nextMonth } from '../../domain/analytics.js';

// Two costs that grew with the data-at-scale work (bench/NOTES.md, performance round):
//
// 1. SQLite: one FTS5 segment per message. FTS5 writes its pending terms to disk whenever a statement
//    opens a savepoint, and every statement that fires a trigger opens one; so in the writer thread's
//    batch each message's insert flushed the previous message's trigrams as a segment of its own
//    (a segment per message instead of one per batch, and the merges that follow). A batch written
//    by the writer thread now marks itself in `search_pending` (row 0, inside its transaction, so no
//    other connection ever sees it): while marked, a user or agent message's trigger records the
//    message's `search_rows` id there instead of writing to the index, and the writer indexes them
//    all with one statement before it commits (sqlite/search-batch.ts). The index is still written in
//    the transaction that writes the message; every other path keeps the per-row trigger.
//
// 2. Analytics over a long range read one stored row per day × figure. The rollup gets a third span,
//    'month' (a UTC calendar month, the sum of its days), kept by the fold with the days; a range then
//    reads its whole months, its edge days and its edge hours. Filled here from the stored days.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) await sqliteSearchBatch(db);
  await fillMonths(db);
}

const INDEXED_NEW = "new.event is null and new.author_type in ('user', 'agent') and length(new.text) > 0";
const MARKED = 'exists (select 1 from search_pending where id = 0)';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function sqliteSearchBatch(db: Kysely<any>): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  await run('create table search_pending (id integer primary key)');
  await run('drop trigger messages_search_insert');
  // as in 013, unless a batch is marked
  await run(`create trigger messages_search_insert after insert on messages when ${INDEXED_NEW} and not ${MARKED} begin
    insert into search_rows (owner, conversation_id, end_user_id) values ('m:' || new.id, new.conversation_id, null);
    insert into search_index (rowid, text) values (last_insert_rowid(), new.text);
  end`);
  await run(`create trigger messages_search_later after insert on messages when ${INDEXED_NEW} and ${MARKED} begin
    insert into search_rows (owner, conversation_id, end_user_id) values ('m:' || new.id, new.conversation_id, null);
    insert into search_pending (id) values (last_insert_rowid());
  end`);
}

/** Every UTC month with stored days gets its month row: the sum of its days (exported for its test). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function fillMonths(db: Kysely<any>): Promise<void> {
  const bounds = await db
    .selectFrom('analytics_rollup')
    .select([sql<number | string | null>`min(bucket_start)`.as('first'), sql<number | string | null>`max(bucket_start)`.as('last')])
    .where('span', '=', 'day')
    .executeTakeFirst();
  if (bounds?.first == null || bounds.last == null) return;
  for (let month = monthStart(Number(bounds.first)); month <= Number(bounds.last); month = nextMonth(month)) {
    const end = nextMonth(month);
    await sql`
      insert into analytics_rollup (span, bucket_start, metric, label, bin, total)
      select 'month', cast(${month} as bigint), metric, label, bin, sum(total) from analytics_rollup
      where span = 'day' and bucket_start >= ${month} and bucket_start < ${end}
      group by metric, label, bin
    `.execute(db);
  }
}

import type { Kysely } from 'kysely';

// Analytics whose cost follows the answer, not the range (bench/NOTES.md, analytics round).
//
// - `analytics_cumulative`: for each folded UTC day with counters, every counter summed from the first
//   day through that day (`day_end` is the day's end). Any range of whole days is then the difference
//   of two such snapshots: its cost is the number of distinct figures, histogram bins included,
//   whatever the number of days. It replaces the month counters of 016, which nothing reads or writes
//   any more; they stay, so that an instance of the previous version still running beside this one
//   (a rolling upgrade on PostgreSQL) keeps answering from them. A later migration may delete them.
// - `analytics_daily`: the CSV export's rows of each folded day (figure, key, count, p50, p90, average;
//   `seq` keeps the export's order), computed once, so the export reads the rows it writes.
//
// Both are built from the stored day counters by the fold's second step (commands/analytics-fold.ts),
// a bounded batch of days per short transaction behind its own watermark (`analytics_fold` row
// 'series'); nothing is built here, so an upgrade holds no long transaction, and reads use the day
// counters for the days not built yet.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('analytics_cumulative')
    .addColumn('day_end', 'bigint', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('bin', 'integer', (c) => c.notNull())
    // integer as in the rollup: PostgreSQL sums integers into a bigint, bigints into a slower numeric
    .addColumn('total', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_cumulative_pk', ['day_end', 'metric', 'label', 'bin'])
    .execute();
  await db.schema
    .createTable('analytics_daily')
    .addColumn('day', 'bigint', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('p50', 'integer')
    .addColumn('p90', 'integer')
    .addColumn('average', 'double precision')
    .addPrimaryKeyConstraint('analytics_daily_pk', ['day', 'seq'])
    .execute();
  await db.insertInto('analytics_fold').values({ name: 'series', folded_until: 0, updated_at: 0 }).execute();
}

import type { Kysely } from 'kysely';

// Analytics from aggregates (domain/analytics.ts, commands/analytics-fold.ts). `analytics_rollup` holds
// counters per hour and per UTC day (span 'hour' | 'day'): metric × label × histogram bin → count, so a
// range costs its number of days, not its number of events, and the figures outlive the raw events
// that retention deletes. `analytics_fold` is the fold's watermark: every hour before `folded_until` is
// in the rollup (a compare-and-set on it makes one instance's fold of an hour win). The fold and the
// queries read counted events by time, so `conversation_events` gets the index that keeps that order.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('analytics_rollup')
    .addColumn('span', 'text', (c) => c.notNull())
    .addColumn('bucket_start', 'bigint', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('bin', 'integer', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('analytics_rollup_pk', ['span', 'bucket_start', 'metric', 'label', 'bin'])
    .execute();
  await db.schema
    .createTable('analytics_fold')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('folded_until', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // 0: the first fold starts at the oldest event there is (an upgraded database's history included)
  await db.insertInto('analytics_fold').values({ name: 'rollup', folded_until: 0, updated_at: 0 }).execute();
  await db.schema.createIndex('conversation_events_time_idx').on('conversation_events').columns(['created_at', 'id']).execute();
}

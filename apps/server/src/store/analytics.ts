// The analytics rollup and the counted events it is made of (migration 014): reads of events by time,
// the legacy look-up of an event's predecessor, reads of stored counters, and the fold's writes, each
// hour replaced under a compare-and-set on the watermark; then the series built from the stored days
// (migration 023): cumulative snapshots per day and the export's rows per day.
import { sql } from 'kysely';
import { COUNTED, DAY_MS, HOUR_MS, floorTo, type Counter, type DayFigure, type Span } from '../domain/analytics.js';
import type { Tx } from './types.js';

const FOLD = 'rollup';
const SERIES = 'series';
/** rows per INSERT: far below either dialect's parameter limit */
const INSERT_CHUNK = 500;

export interface StoredEvent {
  id: string;
  conversation_id: string;
  type: string;
  data: string | null;
  created_at: number;
}

async function watermarkOf(db: Tx, name: string): Promise<number> {
  const row = await db.selectFrom('analytics_fold').select('folded_until').where('name', '=', name).executeTakeFirst();
  return Number(row?.folded_until ?? 0);
}

/** Every hour before this (an hour boundary) is in the rollup. */
export const foldedUntil = (db: Tx) => watermarkOf(db, FOLD);

/** Every day before this (a day boundary, never past the rollup's) has its snapshot and export rows. */
export const seriesUntil = (db: Tx) => watermarkOf(db, SERIES);

// Reads by time take every event type and leave the others to the caller: with a type filter both
// engines would rather use the (type, created_at) index and sort the whole range; the few events that
// are not counted cost less than that.

/** The time of the first event in [from, before), if any (walks the time index from `from`). */
export async function firstEventAt(db: Tx, from: number, before: number): Promise<number | undefined> {
  const row = await db
    .selectFrom('conversation_events')
    .select('created_at')
    .where('created_at', '>=', from)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.created_at;
}

/** One page of the events of [from, to), of every type, in time order after the given one (keyset paging). */
export async function eventsPage(db: Tx, [from, to]: Span, after: { createdAt: number; id: string } | undefined, limit: number): Promise<StoredEvent[]> {
  let q = db.selectFrom('conversation_events').select(['id', 'conversation_id', 'type', 'data', 'created_at']).where('created_at', '>=', from).where('created_at', '<', to);
  if (after) q = q.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
  return q.orderBy('created_at').orderBy('id').limit(limit).execute();
}

/**
 * For events written before they carried their facts: each one's previous counted event in its
 * conversation (by the conversation index; a conversation holds few), keyed by the event's id.
 */
export async function previousCountedEvents(db: Tx, ids: readonly string[]): Promise<Map<string, Omit<StoredEvent, 'id' | 'conversation_id'>>> {
  const out = new Map<string, Omit<StoredEvent, 'id' | 'conversation_id'>>();
  if (ids.length === 0) return out;
  const rows = await db
    .selectFrom('conversation_events as e')
    .innerJoin('conversation_events as p', (join) =>
      join.onRef('p.id', '=', (eb) =>
        eb
          .selectFrom('conversation_events as q')
          .select('q.id')
          .whereRef('q.conversation_id', '=', 'e.conversation_id')
          .where('q.type', 'in', COUNTED)
          .where((w) => w.or([w('q.created_at', '<', w.ref('e.created_at')), w.and([w('q.created_at', '=', w.ref('e.created_at')), w('q.id', '<', w.ref('e.id'))])]))
          .orderBy('q.created_at', 'desc')
          .orderBy('q.id', 'desc')
          .limit(1),
      ),
    )
    .select(['e.id as id', 'p.type as type', 'p.data as data', 'p.created_at as created_at'])
    .where('e.id', 'in', ids)
    .execute();
  for (const r of rows) out.set(r.id, { type: r.type, data: r.data, created_at: r.created_at });
  return out;
}

/**
 * Answers read from what the fold has written behind its watermarks, kept per database handle: the
 * fold never rewrites a day, an hour or a snapshot behind them (it replaces only what comes after), so
 * such an answer is the same at every call. The few most recent are kept: a dashboard asks for the
 * same "last 30 days" all day, whose whole days change once a day and its first day's hours once an hour.
 */
function keptAnswers<V>(limit: number) {
  const byDb = new WeakMap<Tx, Map<string, V>>();
  return async (db: Tx, key: string, read: () => Promise<V>): Promise<V> => {
    let kept = byDb.get(db);
    if (!kept) byDb.set(db, (kept = new Map()));
    const hit = kept.get(key);
    if (hit !== undefined) {
      // the most recently used last: the first is the one to drop
      kept.delete(key);
      kept.set(key, hit);
      return hit;
    }
    const value = await read();
    kept.set(key, value);
    if (kept.size > limit) kept.delete(kept.keys().next().value!);
    return value;
  };
}

/** ~3,700 counters each at 300k conversations */
const keptRollups = keptAnswers<readonly Counter[]>(8);
const keptSnapshots = keptAnswers<readonly Counter[]>(8);

/** The stored counters of these whole days and hours (behind the fold's watermark), added up. */
export function rollupCounters(db: Tx, plan: { days: readonly Span[]; hours: readonly Span[] }): Promise<readonly Counter[]> {
  return keptRollups(db, JSON.stringify([plan.days, plan.hours]), () => readRollup(db, plan));
}

async function readRollup(db: Tx, plan: { days: readonly Span[]; hours: readonly Span[] }): Promise<Counter[]> {
  const spans = [...plan.days.map((s) => ['day', s] as const), ...plan.hours.map((s) => ['hour', s] as const)];
  if (spans.length === 0) return [];
  const rows = await db
    .selectFrom('analytics_rollup')
    .select(['metric', 'label', 'bin', sql<number>`cast(sum(total) as bigint)`.as('count')])
    .where((eb) => eb.or(spans.map(([span, [a, b]]) => eb.and([eb('span', '=', span), eb('bucket_start', '>=', a), eb('bucket_start', '<', b)]))))
    .groupBy(['metric', 'label', 'bin'])
    .execute();
  return rows.map((r) => ({ metric: r.metric, label: r.label, bin: r.bin, count: Number(r.count) }));
}

/** The stored day counters of [fromDay, toDay), day by day in order, at most `limit` (the CSV export pages). */
export async function rollupDays(db: Tx, fromDay: number, toDay: number, limit?: number): Promise<Array<Counter & { day: number }>> {
  let q = db
    .selectFrom('analytics_rollup')
    .select(['bucket_start', 'metric', 'label', 'bin', 'total'])
    .where('span', '=', 'day')
    .where('bucket_start', '>=', fromDay)
    .where('bucket_start', '<', toDay)
    .orderBy('bucket_start');
  if (limit !== undefined) q = q.limit(limit);
  const rows = await q.execute();
  return rows.map((r) => ({ day: r.bucket_start, metric: r.metric, label: r.label, bin: r.bin, count: r.total }));
}

/** The snapshot holding every day before `at`: the last one ending at or before it (none before the first day). */
async function snapshotAt(db: Tx, at: number): Promise<number | undefined> {
  const row = await db.selectFrom('analytics_cumulative').select(sql<number | string | null>`max(day_end)`.as('end')).where('day_end', '<=', at).executeTakeFirst();
  return row?.end == null ? undefined : Number(row.end);
}

/**
 * The counters of the whole days [fromDay, toDay) (both at most the series watermark): the snapshot
 * through toDay less the one through fromDay, subtracted by the database, figures that net to zero left
 * out (as absent ones). Reads the two snapshots, whatever the number of days between. (Subtracting in
 * JavaScript instead took longer on both stores: twice the rows cross from the database.)
 */
export function cumulativeCounters(db: Tx, span: Span): Promise<readonly Counter[]> {
  return keptSnapshots(db, `${span[0]}:${span[1]}`, () => readCumulative(db, span));
}

async function readCumulative(db: Tx, [fromDay, toDay]: Span): Promise<Counter[]> {
  const [a, b] = [await snapshotAt(db, fromDay), await snapshotAt(db, toDay)];
  if (b === undefined || a === b) return [];
  if (a === undefined) {
    // from the first day: one snapshot as stored
    const rows = await db.selectFrom('analytics_cumulative').select(['metric', 'label', 'bin', 'total']).where('day_end', '=', b).where('total', '<>', 0).execute();
    return rows.map((r) => ({ metric: r.metric, label: r.label, bin: r.bin, count: Number(r.total) }));
  }
  const signed = sql<number>`case when day_end = ${b} then total else -total end`;
  const rows = await db
    .selectFrom('analytics_cumulative')
    .select(['metric', 'label', 'bin', sql<number>`cast(sum(${signed}) as bigint)`.as('count')])
    .where('day_end', 'in', [a, b])
    .groupBy(['metric', 'label', 'bin'])
    .having(sql<number>`sum(${signed})`, '<>', 0)
    .execute();
  return rows.map((r) => ({ metric: r.metric, label: r.label, bin: r.bin, count: Number(r.count) }));
}

/** Up to `limit` days of [fromDay, toDay) that have stored day counters, in order. */
export async function daysWithCounters(db: Tx, fromDay: number, toDay: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('analytics_rollup')
    .select('bucket_start')
    .distinct()
    .where('span', '=', 'day')
    .where('bucket_start', '>=', fromDay)
    .where('bucket_start', '<', toDay)
    .orderBy('bucket_start')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.bucket_start));
}

/** One stored export row of a day. */
export type StoredFigure = DayFigure & { day: number; seq: number };

/** A page of the stored export rows of the days [fromDay, toDay), in order, after the given row (keyset paging). */
export async function dailyFiguresPage(db: Tx, fromDay: number, toDay: number, after: { day: number; seq: number } | undefined, limit: number): Promise<StoredFigure[]> {
  let q = db.selectFrom('analytics_daily').selectAll().where('day', '>=', fromDay).where('day', '<', toDay);
  if (after) q = q.where((eb) => eb.or([eb('day', '>', after.day), eb.and([eb('day', '=', after.day), eb('seq', '>', after.seq)])]));
  const rows = await q.orderBy('day').orderBy('seq').limit(limit).execute();
  return rows.map((r) => ({ ...r, day: Number(r.day), count: Number(r.count), average: r.average === null ? null : Number(r.average) }));
}

/**
 * Moves the watermark from `expected` to `to`; false when another instance moved it first (nothing is
 * written then: the caller's transaction must stop). First in the fold's transaction, so on PostgreSQL
 * its row lock also orders concurrent folds.
 */
async function moveWatermark(tx: Tx, expected: number, to: number, now: number, name = FOLD): Promise<boolean> {
  const r = await tx.updateTable('analytics_fold').set({ folded_until: to, updated_at: now }).where('name', '=', name).where('folded_until', '=', expected).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An empty stretch: nothing to store, the watermark moves on. */
export async function skipFold(tx: Tx, expected: number, to: number, now: number): Promise<boolean> {
  return moveWatermark(tx, expected, to, now);
}

/** One folded hour: its start and its counters (none for an hour without events). */
export interface FoldedHour {
  hour: number;
  counters: readonly Counter[];
}

/**
 * Stores consecutive hours' counters in place of whatever those hours held, recomputes their UTC days
 * from the days' hours, and moves the watermark to the end
 * of the last; false (and nothing written) when the watermark was no longer `expected`.
 */
export async function storeFoldedHours(tx: Tx, expected: number, hours: readonly FoldedHour[], now: number): Promise<boolean> {
  const first = hours[0]!.hour;
  const end = hours.at(-1)!.hour + HOUR_MS;
  if (!(await moveWatermark(tx, expected, end, now))) return false;
  await tx.deleteFrom('analytics_rollup').where('span', '=', 'hour').where('bucket_start', '>=', first).where('bucket_start', '<', end).execute();
  const values = hours.flatMap((h) => h.counters.map((c) => ({ span: 'hour' as const, bucket_start: h.hour, metric: c.metric, label: c.label, bin: c.bin, total: c.count })));
  for (let i = 0; i < values.length; i += INSERT_CHUNK) await tx.insertInto('analytics_rollup').values(values.slice(i, i + INSERT_CHUNK)).execute();
  for (let day = floorTo(first, DAY_MS); day < end; day += DAY_MS) {
    await tx.deleteFrom('analytics_rollup').where('span', '=', 'day').where('bucket_start', '=', day).execute();
    await sql`
      insert into analytics_rollup (span, bucket_start, metric, label, bin, total)
      select 'day', cast(${day} as bigint), metric, label, bin, sum(total) from analytics_rollup
      where span = 'hour' and bucket_start >= ${day} and bucket_start < ${day + DAY_MS}
      group by metric, label, bin
    `.execute(tx);
  }
  return true;
}

/** One day of the series: its start and its export rows. */
export interface SeriesDay {
  day: number;
  figures: readonly DayFigure[];
}

/**
 * Builds the series of the days [expected, to) in place of whatever they held: for each given day (the
 * days with counters), its snapshot (the previous snapshot plus its day counters, summed by the
 * database) and its export rows; moves the series watermark to `to`. False, and nothing written, when
 * the watermark was no longer `expected`.
 */
export async function storeSeriesDays(tx: Tx, expected: number, to: number, days: readonly SeriesDay[], now: number): Promise<boolean> {
  if (!(await moveWatermark(tx, expected, to, now, SERIES))) return false;
  // a rebuilt rollup may have left snapshots of days that no longer hold counters
  await tx.deleteFrom('analytics_cumulative').where('day_end', '>', expected).where('day_end', '<=', to).execute();
  await tx.deleteFrom('analytics_daily').where('day', '>=', expected).where('day', '<', to).execute();
  for (const { day, figures } of days) {
    const end = day + DAY_MS;
    const previous = await snapshotAt(tx, day);
    await sql`
      insert into analytics_cumulative (day_end, metric, label, bin, total)
      select cast(${end} as bigint), metric, label, bin, sum(total) from (
        select metric, label, bin, total from analytics_cumulative where day_end = ${previous ?? -1}
        union all
        select metric, label, bin, total from analytics_rollup where span = 'day' and bucket_start = ${day}
      ) both_parts
      group by metric, label, bin
      having sum(total) <> 0
    `.execute(tx);
    const rows = figures.map((f, seq) => ({ day, seq, ...f }));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) await tx.insertInto('analytics_daily').values(rows.slice(i, i + INSERT_CHUNK)).execute();
  }
  return true;
}

// The analytics fold: complete hours of counted events become stored hourly (and daily) counters, a
// bounded batch of hours per call, each batch one short transaction. The watermark in the database says where it
// stands, so a restart resumes there; each hour's counters replace what it held, and the watermark
// moves by compare-and-set in the same transaction, so of several instances folding at once one stores
// each batch and the others' attempts write nothing. A second step builds the series of the days the
// rollup completed (cumulative snapshots and the export's rows per day, migration 023) the same way,
// behind its own watermark: on an upgraded database it backfills every stored day, a batch at a time.
import { DAY_MS, dayFigures, floorTo, HOUR_MS, Tally } from '../domain/analytics.js';
import type { Deps } from '../deps.js';
import { daysWithCounters, firstEventAt, foldedUntil, rollupDays, seriesUntil, skipFold, storeFoldedHours, storeSeriesDays, type FoldedHour, type SeriesDay } from '../store/analytics.js';
import { tallyEvents } from './analytics.js';

/**
 * An hour is folded once it ended this long ago: an event's time is taken before its transaction
 * commits, and instances' clocks differ a little, so a just-ended hour may still receive events.
 */
export const FOLD_LAG_MS = 5 * 60_000;

export interface FoldLimits {
  /** hours stored per call, in one transaction */
  hours: number;
  /** events read per call (the hour being read is finished) */
  events: number;
  /** days whose series is built per call, in one transaction (each writes a snapshot: ~3,700 rows at 300k) */
  days?: number;
}

export const FOLD_LIMITS: FoldLimits = { hours: 24, events: 20_000, days: 2 };

/** Folds the next batch of hours, then builds the series of the next batch of completed days; true when more is due. */
export async function foldAnalytics(deps: Deps, limits: FoldLimits = FOLD_LIMITS): Promise<boolean> {
  const hoursBehind = await foldHours(deps, limits);
  const daysBehind = await foldSeries(deps, limits.days ?? FOLD_LIMITS.days!);
  return hoursBehind || daysBehind;
}

/**
 * Folds the next batch of what is due: from the first hour with an event after the watermark, up to
 * `limits`, stored in one short transaction. True when more is due (the caller comes back soon).
 */
async function foldHours(deps: Deps, limits: FoldLimits): Promise<boolean> {
  const horizon = floorTo(deps.clock.now() - FOLD_LAG_MS, HOUR_MS);
  const watermark = await foldedUntil(deps.store.db);
  if (watermark >= horizon) return false;
  const next = await firstEventAt(deps.store.reads, watermark, horizon);
  if (next === undefined) {
    await deps.store.write.run((tx) => skipFold(tx, watermark, horizon, deps.clock.now()));
    return false;
  }
  const hours: FoldedHour[] = [];
  let events = 0;
  for (let hour = floorTo(next, HOUR_MS); hour < horizon && hours.length < limits.hours && events < limits.events; hour += HOUR_MS) {
    const t = new Tally();
    events += await tallyEvents(deps.store.reads, [hour, hour + HOUR_MS], () => t);
    hours.push({ hour, counters: [...t.counters()] });
  }
  // from the watermark to the end of the last hour read: the empty hours before the first are skipped
  const stored = await deps.store.write.run((tx) => storeFoldedHours(tx, watermark, hours, deps.clock.now()));
  // another instance moved the watermark first: its batch stands, this one comes back to what is next
  return !stored || hours.at(-1)!.hour + HOUR_MS < horizon;
}

/**
 * Builds the series of the next days the rollup has completed (every day before the rollup's watermark
 * is final: the fold never goes back), up to `maxDays` days with counters in one short transaction; the
 * empty days between are skipped. True when more is due.
 */
async function foldSeries(deps: Deps, maxDays: number): Promise<boolean> {
  const mark = await seriesUntil(deps.store.db);
  const complete = floorTo(await foldedUntil(deps.store.db), DAY_MS);
  if (mark >= complete) return false;
  const days = await daysWithCounters(deps.store.reads, mark, complete, maxDays);
  const end = days.length < maxDays ? complete : days.at(-1)! + DAY_MS;
  const series: SeriesDay[] = [];
  for (const day of days) series.push({ day, figures: dayFigures(new Tally().addAll(await rollupDays(deps.store.reads, day, day + DAY_MS))) });
  const stored = await deps.store.write.run((tx) => storeSeriesDays(tx, mark, end, series, deps.clock.now()));
  return !stored || end < complete;
}

// The analytics fold: complete hours of counted events become stored hourly (and daily) counters, a
// bounded batch of hours per call, each batch one short transaction. The watermark in the database says where it
// stands, so a restart resumes there; each hour's counters replace what it held, and the watermark
// moves by compare-and-set in the same transaction, so of several instances folding at once one stores
// each batch and the others' attempts write nothing.
import { floorTo, HOUR_MS, Tally } from '../domain/analytics.js';
import type { Deps } from '../deps.js';
import { firstEventAt, foldedUntil, skipFold, storeFoldedHours, type FoldedHour } from '../store/analytics.js';
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
}

export const FOLD_LIMITS: FoldLimits = { hours: 24, events: 20_000 };

/**
 * Folds the next batch of what is due: from the first hour with an event after the watermark, up to
 * `limits`, stored in one short transaction. True when more is due (the caller comes back soon).
 */
export async function foldAnalytics(deps: Deps, limits: FoldLimits = FOLD_LIMITS): Promise<boolean> {
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

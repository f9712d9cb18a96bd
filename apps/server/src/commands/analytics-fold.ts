// The analytics fold: complete hours of counted events become stored hourly (and daily) counters, an
// hour per short transaction, a bounded batch per call. The watermark in the database says where it
// stands, so a restart resumes there; the hour's counters replace what it held, and the watermark moves
// by compare-and-set in the same transaction, so of several instances folding at once one stores each
// hour and the others' attempts write nothing.
import { floorTo, HOUR_MS, Tally } from '../domain/analytics.js';
import type { Deps } from '../deps.js';
import { firstCountedEventAt, foldedUntil, skipFold, storeFoldedHour } from '../store/analytics.js';
import { tallyEvents } from './analytics.js';

/**
 * An hour is folded once it ended this long ago: an event's time is taken before its transaction
 * commits, and instances' clocks differ a little, so a just-ended hour may still receive events.
 */
export const FOLD_LAG_MS = 5 * 60_000;

export interface FoldLimits {
  /** hours stored per call */
  hours: number;
  /** events read per call (an hour in progress is finished) */
  events: number;
}

export const FOLD_LIMITS: FoldLimits = { hours: 24, events: 20_000 };

/** Folds up to `limits` of what is due; true when more is due (the caller comes back soon). */
export async function foldAnalytics(deps: Deps, limits: FoldLimits = FOLD_LIMITS): Promise<boolean> {
  const horizon = floorTo(deps.clock.now() - FOLD_LAG_MS, HOUR_MS);
  let hours = 0;
  let events = 0;
  while (hours < limits.hours && events < limits.events) {
    const watermark = await foldedUntil(deps.store.db);
    if (watermark >= horizon) return false;
    const next = await firstCountedEventAt(deps.store.reads, watermark, horizon);
    if (next === undefined) {
      await deps.store.write.run((tx) => skipFold(tx, watermark, horizon, deps.clock.now()));
      return false;
    }
    const hour = floorTo(next, HOUR_MS);
    const t = new Tally();
    events += await tallyEvents(deps.store.reads, [hour, hour + HOUR_MS], () => t);
    // from the watermark to the end of this hour: the empty hours before it are skipped in the same write
    await deps.store.write.run((tx) => storeFoldedHour(tx, watermark, hour, [...t.counters()], deps.clock.now()));
    hours++;
  }
  return true;
}

// Opening hours in the business's time zone (luxon): weekly ranges, dated closures (whole or part
// of a day), alwaysOpen, and the global switch. Correct across DST and midnight because everything
// is compared in local wall-clock minutes of the local date.
import { DateTime } from 'luxon';
import { WEEKDAYS, type OffloadingSettings } from '@baton/proto';
import type { OffloadAvailability } from './bot/types.js';

export type OpenReason = 'always_open' | 'hours' | 'closure' | 'outside_hours' | 'disabled';

export function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

export function isOpen(s: OffloadingSettings, now: Date): { open: boolean; reason: OpenReason; local: string } {
  const local = DateTime.fromJSDate(now, { zone: s.timezone });
  const date = local.toISODate()!;
  const minute = local.hour * 60 + local.minute;
  const info = (open: boolean, reason: OpenReason) => ({ open, reason, local: local.toISO()! });
  // closures win over everything, alwaysOpen included: a public holiday is a holiday
  for (const c of s.closures ?? []) {
    if (c.date !== date) continue;
    if (!c.from && !c.to) return info(false, 'closure');
    if (minute >= minutes(c.from ?? '00:00') && minute < minutes(c.to ?? '24:00')) return info(false, 'closure');
  }
  if (s.alwaysOpen) return info(true, 'always_open');
  const day = WEEKDAYS[local.weekday - 1]!;
  const ranges = s.openingHours[day] ?? [];
  return ranges.some((r) => minute >= minutes(r.from) && minute < minutes(r.to)) ? info(true, 'hours') : info(false, 'outside_hours');
}

// Every range and closure starts and ends on a whole local minute (and time-zone offsets are whole
// minutes), so the answer holds for the whole UTC minute: remembered per settings object, as every
// handover asks and the time-zone arithmetic is not free.
const lastAnswer = new WeakMap<OffloadingSettings, { minute: number; open: boolean }>();

/** What the offload plugin finds: the switch first, then the hours. */
export function offloadAvailability(s: OffloadingSettings, now: Date): OffloadAvailability {
  if (!s.enabled) return 'disabled';
  const minute = Math.floor(now.getTime() / 60_000);
  let known = lastAnswer.get(s);
  if (known?.minute !== minute) {
    known = { minute, open: isOpen(s, now).open };
    lastAnswer.set(s, known);
  }
  return known.open ? 'open' : 'closed';
}

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

const LOOKAHEAD_DAYS = 14;

/**
 * The next local moment offloading opens by the weekly hours and closures (within two weeks), or
 * null: a range's start, or the end of a closure that cut into a range, whichever comes first.
 */
export function nextOpening(s: OffloadingSettings, now: Date): DateTime | null {
  if (!s.enabled) return null;
  const start = DateTime.fromJSDate(now, { zone: s.timezone }).startOf('minute');
  for (let d = 0; d < LOOKAHEAD_DAYS; d++) {
    const day = start.plus({ days: d }).startOf('day');
    const date = day.toISODate()!;
    const ranges = s.alwaysOpen ? [{ from: '00:00', to: '24:00' }] : (s.openingHours[WEEKDAYS[day.weekday - 1]!] ?? []);
    const ends = (s.closures ?? []).filter((c) => c.date === date && c.to).map((c) => minutes(c.to!));
    const candidates = ranges.flatMap((r) => [minutes(r.from), ...ends.filter((m) => m > minutes(r.from) && m < minutes(r.to))]).sort((a, b) => a - b);
    for (const m of candidates) {
      const at = day.set({ hour: Math.floor(m / 60), minute: m % 60 });
      if (at >= start && isOpen(s, at.toJSDate()).open) return at;
    }
  }
  return null;
}

const NEXT_OPEN: Record<string, { today: string; tomorrow: string; on: string; later: string; time: (h: number, mm: string) => string }> = {
  en: { today: 'today at {t}', tomorrow: 'tomorrow at {t}', on: 'on {d} at {t}', later: 'as soon as we reopen', time: (h, mm) => `${h}:${mm}` },
  nl: { today: 'vandaag om {t}', tomorrow: 'morgen om {t}', on: 'op {d} om {t}', later: 'zodra we weer open zijn', time: (h, mm) => `${h}.${mm} uur` },
  fr: { today: "aujourd'hui à {t}", tomorrow: 'demain à {t}', on: '{d} à {t}', later: 'dès notre réouverture', time: (h, mm) => `${h} h ${mm}` },
};

/**
 * When offloading opens next, said in the language ("tomorrow at 9:00", "op maandag om 9.00 uur",
 * "lundi 21 décembre à 9 h 00"): what a closed dialog tells the user as `{{offloading.nextOpen}}`
 * instead of hours written into the bot that drift from the settings.
 */
export function describeNextOpening(s: OffloadingSettings, now: Date, language: string): string {
  const words = NEXT_OPEN[language] ?? NEXT_OPEN.en!;
  const at = nextOpening(s, now);
  if (!at) return words.later;
  const today = DateTime.fromJSDate(now, { zone: s.timezone }).startOf('day');
  const days = Math.round(at.startOf('day').diff(today, 'days').days);
  const t = words.time(at.hour, String(at.minute).padStart(2, '0'));
  const locale = NEXT_OPEN[language] ? language : 'en';
  const d = at.setLocale(locale).toFormat(days < 7 ? 'cccc' : 'cccc d MMMM');
  const phrase = days === 0 ? words.today : days === 1 ? words.tomorrow : words.on;
  return phrase.replace('{t}', t).replace('{d}', d);
}

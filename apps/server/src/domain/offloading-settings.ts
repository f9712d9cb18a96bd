// What zod alone cannot check in Settings > Offloading, with the path of each problem; and the
// defaults of a fresh install.
import { DateTime, IANAZone } from 'luxon';
import { WEEKDAYS, type OffloadingSettings } from '@baton/proto';
import { minutes } from './opening-hours.js';

export interface Problem {
  path: string;
  message: string;
}

export function validateOffloadingSettings(s: OffloadingSettings): Problem[] {
  const problems: Problem[] = [];
  if (!IANAZone.isValidZone(s.timezone)) problems.push({ path: 'timezone', message: `unknown time zone "${s.timezone}" (use an IANA name such as Europe/Brussels)` });
  for (const day of WEEKDAYS) {
    const ranges = s.openingHours[day] ?? [];
    ranges.forEach((r, i) => {
      if (minutes(r.from) >= minutes(r.to)) problems.push({ path: `openingHours.${day}.${i}`, message: `"from" (${r.from}) must be before "to" (${r.to}); split a range across midnight over two days` });
    });
    const sorted = ranges.map((r, i) => ({ ...r, i })).sort((a, b) => minutes(a.from) - minutes(b.from));
    for (let k = 1; k < sorted.length; k++) {
      if (minutes(sorted[k]!.from) < minutes(sorted[k - 1]!.to)) {
        problems.push({ path: `openingHours.${day}.${sorted[k]!.i}`, message: `overlaps ${sorted[k - 1]!.from}-${sorted[k - 1]!.to}` });
      }
    }
  }
  s.closures?.forEach((c, i) => {
    if (!DateTime.fromISO(c.date).isValid) problems.push({ path: `closures.${i}.date`, message: `${c.date} is not a real date` });
    if ((c.from || c.to) && minutes(c.from ?? '00:00') >= minutes(c.to ?? '24:00')) problems.push({ path: `closures.${i}`, message: '"from" must be before "to"' });
  });
  const ids = new Set<string>();
  s.providers.forEach((p, i) => {
    if (ids.has(p.id)) problems.push({ path: `providers.${i}.id`, message: `duplicate provider id "${p.id}"` });
    ids.add(p.id);
  });
  if (!ids.has(s.defaultProviderId)) problems.push({ path: 'defaultProviderId', message: `no provider with id "${s.defaultProviderId}"` });
  if (s.routing?.overflowAfterSeconds && !s.routing.overflowSkill) problems.push({ path: 'routing.overflowSkill', message: 'needed when overflowAfterSeconds is set' });
  return problems;
}

/**
 * A fresh install: the demo bot's own hours (Monday to Friday 9:00-17:00 in the time zone) apply, so
 * what the bot says about its hours is true; outside them the user may leave a message (a follow-up).
 * To try a handover at any hour, tick "Always open" in Settings > Offloading (README, demo page).
 */
export function defaultOffloadingSettings(): OffloadingSettings {
  const weekday = [{ from: '09:00', to: '17:00' }];
  return {
    enabled: true,
    timezone: 'Europe/Brussels',
    alwaysOpen: false,
    openingHours: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday, saturday: [], sunday: [] },
    closures: [],
    waitingTimeoutSeconds: 600,
    defaultProviderId: 'desk',
    routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null, closeWhenNoAgents: false },
    providers: [{ id: 'desk', type: 'desk', name: 'Baton desk' }],
  };
}

/** settings.dialogs by the system dialog each replaces (offloading_closed → the named dialog…). */
export function systemDialogOverrides(s: Pick<OffloadingSettings, 'dialogs'>): Record<string, string> {
  const d = s.dialogs ?? {};
  const pairs: Array<[string, string | undefined]> = [
    ['offloading_disabled', d.disabled],
    ['offloading_closed', d.closed],
    ['offloading_opened', d.opened],
    ['offloading_cancelled', d.cancelled],
    ['offloading_timeout', d.timeout],
    ['offloading_refused', d.refused],
    ['offloading_no_agent', d.noAgent],
  ];
  return Object.fromEntries(pairs.filter((p): p is [string, string] => Boolean(p[1])));
}

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
 * A fresh install: office hours are filled in, but alwaysOpen is on so a first trial of the demo can
 * reach the desk at any hour; switch it off in Settings > Offloading to apply the hours.
 */
export function defaultOffloadingSettings(): OffloadingSettings {
  const weekday = [{ from: '09:00', to: '17:00' }];
  return {
    enabled: true,
    timezone: 'Europe/Brussels',
    alwaysOpen: true,
    openingHours: { monday: weekday, tuesday: weekday, wednesday: weekday, thursday: weekday, friday: weekday, saturday: [], sunday: [] },
    closures: [],
    waitingTimeoutSeconds: 600,
    defaultProviderId: 'desk',
    routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null },
    providers: [{ id: 'desk', type: 'desk', name: 'Baton desk' }],
  };
}

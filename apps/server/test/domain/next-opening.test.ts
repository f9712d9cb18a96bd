// When offloading opens next, for the closed dialog's {{offloading.nextOpen}}: the next range start in
// the business time zone, past closures (whole days and the end of a partial one), in en/nl/fr, and
// "as soon as we reopen" when nothing opens within two weeks or the switch is off.
import { describe, expect, it } from 'vitest';
import type { OffloadingSettings } from '@baton/proto';
import { describeNextOpening, nextOpening } from '../../src/domain/opening-hours.js';
import { defaultOffloadingSettings } from '../../src/domain/offloading-settings.js';

const NINE_TO_FIVE = [{ from: '09:00', to: '17:00' }];
const base = (patch: Partial<OffloadingSettings> = {}): OffloadingSettings => ({
  ...defaultOffloadingSettings(),
  enabled: true,
  alwaysOpen: false,
  timezone: 'Europe/Brussels',
  openingHours: { monday: NINE_TO_FIVE, tuesday: NINE_TO_FIVE, wednesday: NINE_TO_FIVE, thursday: [{ from: '09:00', to: '12:00' }, { from: '13:30', to: '17:00' }], friday: NINE_TO_FIVE },
  closures: [],
  ...patch,
});
const at = (iso: string) => new Date(iso);

describe('the next opening', () => {
  it('is later today, tomorrow, or after the weekend, in the business time zone', () => {
    // Tuesday 02:00 in Brussels (01:00 UTC in winter)
    expect(describeNextOpening(base(), at('2026-12-08T01:00:00Z'), 'en')).toBe('today at 9:00');
    // Thursday 12:15 local: the afternoon range
    expect(describeNextOpening(base(), at('2026-12-10T11:15:00Z'), 'en')).toBe('today at 13:30');
    // Wednesday 17:30 local
    expect(describeNextOpening(base(), at('2026-12-09T16:30:00Z'), 'nl')).toBe('morgen om 9.00 uur');
    // Friday 18:00 local
    expect(describeNextOpening(base(), at('2026-12-11T17:00:00Z'), 'fr')).toBe('lundi à 9 h 00');
    expect(describeNextOpening(base(), at('2026-12-11T17:00:00Z'), 'en')).toBe('on Monday at 9:00');
    expect(describeNextOpening(base(), at('2026-12-11T17:00:00Z'), 'nl')).toBe('op maandag om 9.00 uur');
    // a language without its own words falls back to English
    expect(describeNextOpening(base(), at('2026-12-11T17:00:00Z'), 'de')).toBe('on Monday at 9:00');
  });

  it('passes closures: a whole day, and the end of a partial one inside a range', () => {
    const holidays = base({ closures: [{ date: '2026-12-14', name: 'Holiday' }, { date: '2026-12-15', from: '00:00', to: '11:00', name: 'Late start' }] });
    // Friday evening: Monday is closed, Tuesday opens at 11:00 when the partial closure ends
    const next = nextOpening(holidays, at('2026-12-11T17:00:00Z'))!;
    expect(next.toISO()).toBe('2026-12-15T11:00:00.000+01:00');
    expect(describeNextOpening(holidays, at('2026-12-11T17:00:00Z'), 'en')).toBe('on Tuesday at 11:00');
  });

  it('gives the date when it is a week or more away', () => {
    const closures = ['2026-12-14', '2026-12-15', '2026-12-16', '2026-12-17', '2026-12-18'].map((date) => ({ date, name: 'Closed week' }));
    expect(describeNextOpening(base({ closures }), at('2026-12-11T17:00:00Z'), 'en')).toBe('on Monday 21 December at 9:00');
    expect(describeNextOpening(base({ closures }), at('2026-12-11T17:00:00Z'), 'fr')).toBe('lundi 21 décembre à 9 h 00');
  });

  it('has no time when nothing opens within two weeks or offloading is switched off', () => {
    expect(nextOpening(base({ openingHours: {} }), at('2026-12-08T01:00:00Z'))).toBeNull();
    expect(describeNextOpening(base({ openingHours: {} }), at('2026-12-08T01:00:00Z'), 'nl')).toBe('zodra we weer open zijn');
    expect(describeNextOpening(base({ enabled: false }), at('2026-12-08T10:00:00Z'), 'fr')).toBe('dès notre réouverture');
  });

  it('with "always open", only a closure makes it wait: until the closure ends', () => {
    const s = base({ alwaysOpen: true, closures: [{ date: '2026-12-08', from: '00:00', to: '14:00', name: 'Training' }] });
    expect(describeNextOpening(s, at('2026-12-08T09:00:00Z'), 'en')).toBe('today at 14:00');
  });
});

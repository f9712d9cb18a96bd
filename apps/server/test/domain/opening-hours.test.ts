// Opening hours in the business time zone with an injectable instant: open and closed by hours,
// closures (whole and part of a day), the switch, alwaysOpen, DST changes and midnight.
import { describe, expect, it } from 'vitest';
import type { OffloadingSettings } from '@baton/proto';
import { isOpen, offloadAvailability } from '../../src/domain/opening-hours.js';
import { defaultOffloadingSettings, validateOffloadingSettings } from '../../src/domain/offloading-settings.js';

const base = (patch: Partial<OffloadingSettings> = {}): OffloadingSettings => ({
  ...defaultOffloadingSettings(),
  alwaysOpen: false,
  openingHours: {
    monday: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '17:00' }],
    tuesday: [{ from: '09:00', to: '17:00' }],
    wednesday: [{ from: '09:00', to: '17:00' }],
    thursday: [{ from: '09:00', to: '17:00' }],
    friday: [{ from: '22:00', to: '24:00' }],
    saturday: [{ from: '00:00', to: '02:00' }, { from: '02:00', to: '03:30' }],
    sunday: [{ from: '01:00', to: '04:00' }],
  },
  ...patch,
});
const at = (iso: string) => new Date(iso);

describe('opening hours (Europe/Brussels)', () => {
  it('open inside a range, closed at lunch, before and after (local time, not UTC)', () => {
    const s = base();
    // Monday 2026-11-23, Brussels is UTC+1 in winter
    expect(offloadAvailability(s, at('2026-11-23T08:00:00Z'))).toBe('open'); // 09:00 local
    expect(offloadAvailability(s, at('2026-11-23T07:59:59Z'))).toBe('closed'); // 08:59 local
    expect(offloadAvailability(s, at('2026-11-23T11:45:00Z'))).toBe('closed'); // 12:45 lunch
    expect(offloadAvailability(s, at('2026-11-23T12:30:00Z'))).toBe('open'); // 13:30
    expect(offloadAvailability(s, at('2026-11-23T15:59:00Z'))).toBe('open'); // 16:59
    expect(offloadAvailability(s, at('2026-11-23T16:00:00Z'))).toBe('closed'); // 17:00: end is exclusive
    expect(isOpen(s, at('2026-11-23T16:00:00Z')).reason).toBe('outside_hours');
  });

  it('a day absent or empty is closed; summer time shifts UTC by an hour', () => {
    const s = base({ openingHours: { tuesday: [{ from: '09:00', to: '17:00' }] } });
    expect(offloadAvailability(s, at('2026-11-23T10:00:00Z'))).toBe('closed'); // a Monday
    // Tuesday 2026-07-07: Brussels is UTC+2, so 07:00Z is 09:00 local
    expect(offloadAvailability(s, at('2026-07-07T07:00:00Z'))).toBe('open');
    expect(offloadAvailability(s, at('2026-07-07T06:59:00Z'))).toBe('closed');
  });

  it('24:00 runs to midnight, and a range starting at 00:00 opens the next day', () => {
    const s = base();
    // Friday 2026-11-27 23:59 local = 22:59Z
    expect(offloadAvailability(s, at('2026-11-27T22:59:00Z'))).toBe('open');
    // Saturday 00:00 local = Friday 23:00Z: Saturday's 00:00-02:00 range
    expect(offloadAvailability(s, at('2026-11-27T23:00:00Z'))).toBe('open');
    expect(offloadAvailability(s, at('2026-11-27T21:00:00Z'))).toBe('open'); // Friday 22:00 local
    expect(offloadAvailability(s, at('2026-11-27T20:59:00Z'))).toBe('closed'); // 21:59 local
  });

  it('spring forward (29 March 2026): 02:00–03:00 local does not exist', () => {
    const s = base({ openingHours: { sunday: [{ from: '01:00', to: '04:00' }] } });
    // 00:59Z = 01:59 CET (open), 01:00Z = 03:00 CEST (open: within 01:00-04:00 local)
    expect(offloadAvailability(s, at('2026-03-29T00:59:00Z'))).toBe('open');
    expect(isOpen(s, at('2026-03-29T01:00:00Z')).local).toContain('03:00');
    expect(offloadAvailability(s, at('2026-03-29T01:59:00Z'))).toBe('open'); // 03:59 CEST
    expect(offloadAvailability(s, at('2026-03-29T02:00:00Z'))).toBe('closed'); // 04:00 CEST
  });

  it('fall back (25 October 2026): 02:00–03:00 local happens twice, both are inside the range', () => {
    const s = base({ openingHours: { sunday: [{ from: '02:00', to: '03:00' }] } });
    expect(offloadAvailability(s, at('2026-10-25T00:30:00Z'))).toBe('open'); // 02:30 CEST
    expect(offloadAvailability(s, at('2026-10-25T01:30:00Z'))).toBe('open'); // 02:30 CET, the second time
    expect(offloadAvailability(s, at('2026-10-25T02:00:00Z'))).toBe('closed'); // 03:00 CET
  });

  it('closures close the whole day, or part of it, by local date — even with alwaysOpen', () => {
    const s = base({ closures: [{ date: '2026-12-25', name: 'Christmas' }, { date: '2026-12-24', from: '12:00', to: '24:00' }] });
    expect(offloadAvailability(s, at('2026-12-25T10:00:00Z'))).toBe('closed');
    expect(isOpen(s, at('2026-12-25T10:00:00Z')).reason).toBe('closure');
    // 24 December (a Thursday): open in the morning, closed from noon
    expect(offloadAvailability(s, at('2026-12-24T09:00:00Z'))).toBe('open');
    expect(offloadAvailability(s, at('2026-12-24T11:00:00Z'))).toBe('closed');
    // 23:30 UTC on the 24th is already the 25th in Brussels
    expect(isOpen({ ...s, alwaysOpen: true }, at('2026-12-24T23:30:00Z')).reason).toBe('closure');
    expect(offloadAvailability({ ...s, alwaysOpen: true }, at('2026-12-26T03:00:00Z'))).toBe('open');
  });

  it('the switch wins: disabled whatever the hours', () => {
    expect(offloadAvailability(base({ enabled: false, alwaysOpen: true }), at('2026-11-23T10:00:00Z'))).toBe('disabled');
  });

  it('another time zone', () => {
    const s = base({ timezone: 'America/New_York', openingHours: { monday: [{ from: '09:00', to: '17:00' }] } });
    expect(offloadAvailability(s, at('2026-11-23T14:00:00Z'))).toBe('open'); // 09:00 EST
    expect(offloadAvailability(s, at('2026-11-23T13:59:00Z'))).toBe('closed');
  });
});

describe('settings validation', () => {
  it('reports each problem with its path', () => {
    const s = base({
      timezone: 'Mars/Olympus',
      openingHours: { monday: [{ from: '10:00', to: '09:00' }], tuesday: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }] },
      closures: [{ date: '2026-02-30' }],
      defaultProviderId: 'nope',
      providers: [{ id: 'desk', type: 'desk', name: 'Desk' }, { id: 'desk', type: 'desk', name: 'Again' }],
    });
    const paths = validateOffloadingSettings(s).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['timezone', 'openingHours.monday.0', 'openingHours.tuesday.1', 'closures.0.date', 'defaultProviderId', 'providers.1.id']));
    expect(validateOffloadingSettings(defaultOffloadingSettings())).toEqual([]);
  });
});

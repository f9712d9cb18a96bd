import { describe, expect, it } from 'vitest';
import { addClosure, hoursReducer, normaliseHours, openMinutes, validateHours, type WeekHours } from '../src/opening-hours';

describe('opening-hours editor state', () => {
  it('adds several ranges to a day, the next one after the last', () => {
    let s: WeekHours = {};
    s = hoursReducer(s, { type: 'addRange', day: 'monday' });
    expect(s.monday).toEqual([{ from: '09:00', to: '17:00' }]);
    s = hoursReducer(s, { type: 'setRange', day: 'monday', index: 0, field: 'to', value: '12:30' });
    s = hoursReducer(s, { type: 'addRange', day: 'monday' });
    expect(s.monday).toEqual([
      { from: '09:00', to: '12:30' },
      { from: '13:30', to: '15:30' },
    ]);
    expect(openMinutes(s.monday)).toBe(210 + 120);
  });
  it('removes a range and closes a day without touching the others', () => {
    const s: WeekHours = { monday: [{ from: '09:00', to: '12:00' }, { from: '13:00', to: '17:00' }], tuesday: [{ from: '09:00', to: '17:00' }] };
    expect(hoursReducer(s, { type: 'removeRange', day: 'monday', index: 0 }).monday).toEqual([{ from: '13:00', to: '17:00' }]);
    const closed = hoursReducer(s, { type: 'closeDay', day: 'monday' });
    expect(closed.monday).toEqual([]);
    expect(closed.tuesday).toBe(s.tuesday);
  });
  it('copies a day to the weekdays (copies, not shared arrays) or to every day', () => {
    const s: WeekHours = { monday: [{ from: '08:00', to: '16:00' }] };
    const w = hoursReducer(s, { type: 'copyToWeekdays', day: 'monday' });
    expect(w.friday).toEqual([{ from: '08:00', to: '16:00' }]);
    expect(w.saturday).toBeUndefined();
    expect(w.friday).not.toBe(w.monday);
    expect(hoursReducer(s, { type: 'copyToAll', day: 'monday' }).sunday).toEqual([{ from: '08:00', to: '16:00' }]);
  });
  it('flags bad times, inverted ranges and overlaps; accepts 24:00 as the end of the day', () => {
    const p = validateHours({
      monday: [{ from: '09:00', to: '12:00' }, { from: '11:00', to: '13:00' }],
      tuesday: [{ from: '17:00', to: '09:00' }],
      wednesday: [{ from: '9', to: '10:00' }],
      thursday: [{ from: '18:00', to: '24:00' }],
    });
    expect(p.monday).toEqual({ 1: 'Overlaps another range' });
    expect(p.tuesday).toEqual({ 0: 'Opens after it closes' });
    expect(p.wednesday).toEqual({ 0: 'Use HH:MM' });
    expect(p.thursday).toBeUndefined();
  });
  it('saves without empty days (a day absent is closed)', () => {
    expect(normaliseHours({ monday: [], tuesday: [{ from: '09:00', to: '17:00' }] })).toEqual({ tuesday: [{ from: '09:00', to: '17:00' }] });
  });
  it('keeps closures sorted and free of exact duplicates', () => {
    let l = addClosure([], { date: '2026-12-25', name: ' Christmas ' });
    l = addClosure(l, { date: '2026-01-01', name: 'New year' });
    l = addClosure(l, { date: '2026-12-25', name: 'again' });
    l = addClosure(l, { date: '2026-12-24', from: '12:00', to: '24:00' });
    expect(l.map((c) => c.date)).toEqual(['2026-01-01', '2026-12-24', '2026-12-25']);
    expect(l[2]).toEqual({ date: '2026-12-25', name: 'Christmas' });
    expect(l[1]).toEqual({ date: '2026-12-24', from: '12:00', to: '24:00' });
  });
});

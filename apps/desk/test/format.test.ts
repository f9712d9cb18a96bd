import { describe, expect, it } from 'vitest';
import { formatDuration, humanEvent, initials, percent, relativeTime, secondsSince, waitLevel } from '../src/format';

describe('waiting time formatting', () => {
  it('shows seconds, minutes, hours and days compactly', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(42.9)).toBe('42s');
    expect(formatDuration(65)).toBe('1m 05s');
    expect(formatDuration(3599)).toBe('59m 59s');
    expect(formatDuration(3720)).toBe('1h 02m');
    expect(formatDuration(2 * 86400 + 3 * 3600)).toBe('2d 3h');
  });
  it('never shows a negative wait when the browser clock is behind the server', () => {
    expect(formatDuration(-5)).toBe('0s');
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(secondsSince('2026-11-25T10:00:05Z', now)).toBe(0);
    expect(secondsSince('2026-11-25T09:58:30Z', now)).toBe(90);
    expect(secondsSince(undefined, now)).toBe(0);
    expect(secondsSince('not a date', now)).toBe(0);
  });
  it('ranks waits as ok, warn and late', () => {
    expect(waitLevel(30)).toBe('ok');
    expect(waitLevel(150)).toBe('warn');
    expect(waitLevel(600)).toBe('late');
  });
  it('reads recent times relatively', () => {
    const now = Date.parse('2026-11-25T10:00:00Z');
    expect(relativeTime('2026-11-25T09:59:50Z', now)).toBe('just now');
    expect(relativeTime('2026-11-25T09:50:00Z', now)).toBe('10 min ago');
    expect(relativeTime('2026-11-25T07:00:00Z', now)).toBe('3 h ago');
  });
  it('humanises event names, initials and rates', () => {
    expect(humanEvent('conversation.handed_back')).toBe('handed back');
    expect(humanEvent('not_understood')).toBe('not understood');
    expect(initials('Ann Smith')).toBe('AS');
    expect(initials('  bob ')).toBe('B');
    expect(initials(null)).toBe('?');
    expect(percent(0.125)).toBe('12.5%');
  });
});

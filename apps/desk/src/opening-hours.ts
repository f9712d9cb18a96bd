// The opening-hours editor's state as a pure reducer: several ranges per day, copy a day to the
// weekdays, closures; plus validation the server would otherwise refuse (bad HH:MM, from ≥ to, overlap).
import type { TimeRange, Weekday } from '@baton/proto';

export const DAYS: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
export type WeekHours = Partial<Record<Weekday, TimeRange[]>>;

export interface Closure {
  date: string;
  name?: string;
  from?: string;
  to?: string;
}

export type HoursAction =
  | { type: 'addRange'; day: Weekday }
  | { type: 'removeRange'; day: Weekday; index: number }
  | { type: 'setRange'; day: Weekday; index: number; field: 'from' | 'to'; value: string }
  | { type: 'closeDay'; day: Weekday }
  | { type: 'copyToWeekdays'; day: Weekday }
  | { type: 'copyToAll'; day: Weekday };

const WEEKDAYS_ONLY: readonly Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'];

/** The next range to offer after the last one: right after it, else office hours. */
function nextRange(ranges: TimeRange[]): TimeRange {
  const last = ranges[ranges.length - 1];
  if (!last) return { from: '09:00', to: '17:00' };
  const start = toMinutes(last.to) ?? 17 * 60;
  const from = Math.min(start + 60, 23 * 60);
  return { from: fromMinutes(from), to: fromMinutes(Math.min(from + 120, 24 * 60)) };
}

export function hoursReducer(state: WeekHours, action: HoursAction): WeekHours {
  const ranges = state[action.day] ?? [];
  switch (action.type) {
    case 'addRange':
      return { ...state, [action.day]: [...ranges, nextRange(ranges)] };
    case 'removeRange':
      return { ...state, [action.day]: ranges.filter((_, i) => i !== action.index) };
    case 'setRange':
      return { ...state, [action.day]: ranges.map((r, i) => (i === action.index ? { ...r, [action.field]: action.value } : r)) };
    case 'closeDay':
      return { ...state, [action.day]: [] };
    case 'copyToWeekdays':
    case 'copyToAll': {
      const targets = action.type === 'copyToAll' ? DAYS : WEEKDAYS_ONLY;
      const next: WeekHours = { ...state };
      for (const d of targets) next[d] = ranges.map((r) => ({ ...r }));
      return next;
    }
  }
}

export function toMinutes(hhmm: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h === 24 && min === 0) return 24 * 60;
  if (h > 23 || min > 59) return null;
  return h * 60 + min;
}

export function fromMinutes(total: number): string {
  const t = Math.max(0, Math.min(24 * 60, total));
  return `${String(Math.floor(t / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
}

/** Problems per day (index → message), empty when the week is valid. */
export function validateHours(hours: WeekHours): Partial<Record<Weekday, Record<number, string>>> {
  const out: Partial<Record<Weekday, Record<number, string>>> = {};
  for (const day of DAYS) {
    const ranges = hours[day] ?? [];
    const problems: Record<number, string> = {};
    const spans: { i: number; from: number; to: number }[] = [];
    ranges.forEach((r, i) => {
      const from = toMinutes(r.from);
      const to = toMinutes(r.to);
      if (from === null || to === null) problems[i] = 'Use HH:MM';
      else if (from >= to) problems[i] = 'Opens after it closes';
      else spans.push({ i, from, to });
    });
    spans.sort((a, b) => a.from - b.from);
    for (let k = 1; k < spans.length; k++) {
      const prev = spans[k - 1]!;
      const cur = spans[k]!;
      if (cur.from < prev.to) problems[cur.i] = 'Overlaps another range';
    }
    if (Object.keys(problems).length) out[day] = problems;
  }
  return out;
}

export function hasProblems(p: ReturnType<typeof validateHours>): boolean {
  return Object.keys(p).length > 0;
}

/** Total open minutes in a day, for the little summary beside each row. */
export function openMinutes(ranges: TimeRange[] | undefined): number {
  let sum = 0;
  for (const r of ranges ?? []) {
    const a = toMinutes(r.from);
    const b = toMinutes(r.to);
    if (a !== null && b !== null && b > a) sum += b - a;
  }
  return sum;
}

/** Closures kept sorted by date, without exact duplicates of a date and window. */
export function addClosure(list: Closure[], c: Closure): Closure[] {
  const clean: Closure = { date: c.date };
  if (c.name?.trim()) clean.name = c.name.trim();
  if (c.from && c.to) {
    clean.from = c.from;
    clean.to = c.to;
  }
  const dup = list.some((x) => x.date === clean.date && x.from === clean.from && x.to === clean.to);
  const next = dup ? list : [...list, clean];
  return [...next].sort((a, b) => (a.date + (a.from ?? '')).localeCompare(b.date + (b.from ?? '')));
}

/** Drop empty days so the saved object matches what the server returns ("a day absent is closed"). */
export function normaliseHours(hours: WeekHours): WeekHours {
  const out: WeekHours = {};
  for (const d of DAYS) {
    const r = hours[d];
    if (r && r.length) out[d] = r.map((x) => ({ from: x.from, to: x.to }));
  }
  return out;
}

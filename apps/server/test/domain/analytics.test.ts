// The analytics reducer's pure parts: histogram bins and percentiles against a sorted list, the plan
// that splits a range into stored days, stored hours and raw events, the facts an event carries (and
// those derived for old events), and the CSV cell guard.
import { describe, expect, it } from 'vitest';
import { binOf, binValue, countEvent, DAY_MS, histogramPercentile, HOUR_MS, legacyFacts, planRange, SNAPSHOT_MIN_DAYS, Tally, transitionFacts, unknownAgentName } from '../../src/domain/analytics.js';
import { percentile } from '../../src/domain/routing.js';
import { guardCell } from '../../src/presenters/csv.js';

const histogramOf = (values: number[]) => {
  const h = new Map<number, number>();
  for (const v of values) h.set(binOf(v), (h.get(binOf(v)) ?? 0) + 1);
  return h;
};

describe('histogram bins', () => {
  it('are exact below 256 s and within 0.4 % above, up to a year', () => {
    for (let v = 0; v < 256; v++) expect(binValue(binOf(v))).toBe(v);
    for (let v = 256; v < 365 * 86_400; v = Math.ceil(v * 1.0137) + 1) {
      expect(binOf(v)).toBeLessThanOrEqual(v);
      expect(Math.abs(binValue(binOf(v)) - v) / v).toBeLessThanOrEqual(1 / 256);
    }
    expect(binOf(-3)).toBe(0);
    expect(binOf(12.4)).toBe(12);
  });

  it('give the percentiles of the sorted values: exactly for small seconds, within the resolution above', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const max of [10, 255, 5000, 200_000]) {
      const values = Array.from({ length: 301 }, () => Math.floor(rnd() * max));
      for (const p of [50, 90, 1, 100]) {
        const exact = percentile(values, p)!;
        const got = histogramPercentile(histogramOf(values), p)!;
        if (max <= 256) expect(got).toBe(exact);
        else expect(Math.abs(got - exact)).toBeLessThanOrEqual(exact / 256);
      }
    }
    expect(histogramPercentile(new Map(), 50)).toBeNull();
  });
});

describe('planRange', () => {
  const t = (iso: string) => Date.parse(iso);
  it('takes whole folded days from days, whole folded hours from hours, the rest raw (no series built yet)', () => {
    const plan = planRange(t('2026-03-01T22:30:00Z'), t('2026-03-05T10:00:00Z'), t('2026-03-04T06:00:00Z'), 0);
    expect(plan.cumulative).toBeNull();
    expect(plan.days).toEqual([[t('2026-03-02T00:00:00Z'), t('2026-03-04T00:00:00Z')]]);
    expect(plan.hours).toEqual([
      [t('2026-03-01T23:00:00Z'), t('2026-03-02T00:00:00Z')],
      [t('2026-03-04T00:00:00Z'), t('2026-03-04T06:00:00Z')],
    ]);
    expect(plan.raw).toEqual([
      [t('2026-03-01T22:30:00Z'), t('2026-03-01T23:00:00Z')],
      [t('2026-03-04T06:00:00Z'), t('2026-03-05T10:00:00Z')],
    ]);
  });

  it('takes the whole days the series holds from two cumulative snapshots (migration 023), however many, then days, hours and raw events at the edges', () => {
    const plan = planRange(t('2025-11-15T10:30:00Z'), t('2026-04-03T05:00:00Z'), t('2026-04-03T05:00:00Z'), t('2026-04-03T00:00:00Z'));
    expect(plan.cumulative).toEqual([t('2025-11-16T00:00:00Z'), t('2026-04-03T00:00:00Z')]);
    expect(plan.days).toEqual([]);
    expect(plan.hours).toEqual([
      [t('2025-11-15T11:00:00Z'), t('2025-11-16T00:00:00Z')],
      [t('2026-04-03T00:00:00Z'), t('2026-04-03T05:00:00Z')],
    ]);
    expect(plan.raw).toEqual([[t('2025-11-15T10:30:00Z'), t('2025-11-15T11:00:00Z')]]);
    // days the series does not hold yet (an upgrade's backfill under way) are read by their day counters
    const partly = planRange(t('2026-01-01T00:00:00Z'), t('2026-03-01T00:00:00Z'), t('2026-02-20T00:00:00Z'), t('2026-01-10T00:00:00Z'));
    expect(partly.cumulative).toEqual([t('2026-01-01T00:00:00Z'), t('2026-01-10T00:00:00Z')]);
    expect(partly.days).toEqual([[t('2026-01-10T00:00:00Z'), t('2026-02-20T00:00:00Z')]]);
    // two whole days cost less from their day counters than from two snapshots
    const short = planRange(t('2026-03-01T22:30:00Z'), t('2026-03-04T02:00:00Z'), t('2026-03-05T00:00:00Z'), t('2026-03-05T00:00:00Z'));
    expect(short.cumulative).toBeNull();
    expect(short.days).toEqual([[t('2026-03-02T00:00:00Z'), t('2026-03-04T00:00:00Z')]]);
  });

  it('covers every millisecond of the range exactly once, wherever the watermarks are', () => {
    const cases: Array<[number, number, number]> = [
      ...[0, t('2026-03-01T22:30:00Z') - 1, t('2026-03-01T23:00:00Z'), t('2026-03-02T00:00:00Z'), t('2026-03-02T17:00:00Z'), t('2026-03-03T01:00:00Z'), t('2026-03-03T11:00:00Z')].map((f): [number, number, number] => [t('2026-03-01T22:30:00Z'), t('2026-03-03T01:15:00Z'), f]),
      ...[t('2026-02-01T00:00:00Z'), t('2026-03-31T23:00:00Z'), t('2026-04-01T00:00:00Z'), t('2026-06-01T00:00:00Z'), t('2026-07-01T00:00:00Z')].map((f): [number, number, number] => [t('2025-12-31T22:10:00Z'), t('2026-06-14T03:00:00Z'), f]),
    ];
    for (const [from, to, folded] of cases) {
      for (const series of [0, from - DAY_MS, Math.floor(from / DAY_MS) * DAY_MS + DAY_MS, Math.floor((from + folded) / 2 / DAY_MS) * DAY_MS, Math.floor(folded / DAY_MS) * DAY_MS].filter((s) => s <= folded && s >= 0)) {
        const plan = planRange(from, to, folded, series);
        const spans = [...(plan.cumulative ? [plan.cumulative] : []), ...plan.days, ...plan.hours, ...plan.raw].sort((a, b) => a[0] - b[0]);
        expect(spans[0]![0]).toBe(from);
        expect(spans.at(-1)![1]).toBe(to);
        for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBe(spans[i - 1]![1]);
        if (plan.cumulative) expect([plan.cumulative[0] % DAY_MS, plan.cumulative[1] % DAY_MS, plan.cumulative[1] <= series]).toEqual([0, 0, true]);
        // day counters only where the series does not reach, or for a stretch too short for snapshots
        for (const [a, b] of plan.days) expect([a % DAY_MS, b % DAY_MS, b <= folded, a >= series || Math.min(b, series) - a <= SNAPSHOT_MIN_DAYS * DAY_MS]).toEqual([0, 0, true, true]);
        for (const [a, b] of plan.hours) expect([a % HOUR_MS, b % HOUR_MS, b <= folded]).toEqual([0, 0, true]);
        // at most two edge days of hours, whatever the length of the range
        expect(plan.hours.length).toBeLessThanOrEqual(2);
      }
    }
  });
});

describe('event facts', () => {
  it('a transition from agent ends the handling; one from offloaded is abandonment when it leaves the queue', () => {
    const at = Date.parse('2026-03-01T10:00:00Z');
    expect(transitionFacts({ status: 'agent', assigneeId: 'a1', assignedAt: at - 90_400 }, 'conversation.closed', at)).toEqual({ fromStatus: 'agent', handlingAgentId: 'a1', handlingSeconds: 90 });
    expect(transitionFacts({ status: 'offloaded', assigneeId: null, assignedAt: null }, 'conversation.ended', at)).toEqual({ fromStatus: 'offloaded' });
    // not a counted event: nothing to end
    expect(transitionFacts({ status: 'agent', assigneeId: 'a1', assignedAt: at }, 'conversation.reopened', at)).toEqual({ fromStatus: 'agent' });
    const t = new Tally();
    countEvent(t, { type: 'conversation.ended', data: { fromStatus: 'offloaded' } });
    countEvent(t, { type: 'conversation.ended', data: { fromStatus: 'agent', handlingAgentId: 'a1', handlingSeconds: 30 } });
    countEvent(t, { type: 'conversation.offloaded', data: { trigger: 'frustration', reason: 'angry', skill: 'billing', language: 'nl', providerId: 'desk', fromStatus: 'bot' } });
    countEvent(t, { type: 'message.user', data: {} });
    expect(t.total('abandoned')).toBe(1);
    expect(t.byLabel('handling')).toEqual({ a1: 1 });
    // any trigger is counted under its own name
    expect(t.byLabel('trigger')).toEqual({ frustration: 1 });
  });

  it('old events get theirs from the previous event, as the earlier reducer kept them in memory', () => {
    const assigned = { type: 'conversation.assigned', data: { agentId: 'a1', waitSeconds: 5 }, createdAt: 1_000_000 };
    expect(legacyFacts({ type: 'conversation.closed', createdAt: 1_061_000 }, assigned)).toEqual({ fromStatus: 'agent', handlingAgentId: 'a1', handlingSeconds: 61 });
    expect(legacyFacts({ type: 'conversation.ended', createdAt: 2_000_000 }, { type: 'conversation.offloaded', data: {}, createdAt: 1_000_000 })).toEqual({ fromStatus: 'offloaded' });
    // a transfer to a skill puts it back in the queue
    expect(legacyFacts({ type: 'conversation.ended', createdAt: 2_000_000 }, { type: 'conversation.transferred', data: { skill: 'x' }, createdAt: 1_000_000 })).toEqual({ fromStatus: 'offloaded' });
    expect(legacyFacts({ type: 'conversation.timed_out', createdAt: 2_000_000 }, undefined)).toEqual({ fromStatus: 'offloaded' });
    expect(legacyFacts({ type: 'conversation.ended', createdAt: 2_000_000 }, undefined)).toEqual({ fromStatus: 'bot' });
  });
});

describe('CSV cells', () => {
  it('a cell a spreadsheet would run as a formula becomes text', () => {
    for (const c of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(guardCell(c)).toBe(`'${c}`);
    for (const c of ['Ada', '', 'a=b', '1-2']) expect(guardCell(c)).toBe(c);
  });
});

describe('agents without a row', () => {
  it('names an external provider\'s agent by its id there, any other unknown id as a deleted agent', () => {
    expect(unknownAgentName('ext:genesys:5f2a-agent')).toBe('5f2a-agent (genesys)');
    expect(unknownAgentName('ext:acme:a:b')).toBe('a:b (acme)');
    expect(unknownAgentName('ag_123')).toBe('deleted agent');
    expect(unknownAgentName('ext:')).toBe('deleted agent');
  });
});

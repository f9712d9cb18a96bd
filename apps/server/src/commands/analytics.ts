// Handover analytics over a date range, exact at any size: the stored hourly and daily counters of the
// folded part of the range (analytics-fold.ts), plus the raw events of its partial edge hours and of
// what is not folded yet, counted by the same function (domain/analytics.ts). The CSV export gives the
// same figures day by day, streamed: stored days are read a page at a time, empty days are skipped.
import type { Analytics, RangeQuery } from '@baton/proto';
import { countEvent, DAY_MS, floorTo, histogramPercentile, isCounted, legacyFacts, METRICS, needsLegacyFacts, planRange, summarize, Tally, type Span } from '../domain/analytics.js';
import type { Deps } from '../deps.js';
import { eventsPage, firstEventAt, foldedUntil, previousCountedEvents, rollupCounters, rollupDays } from '../store/analytics.js';
import { fromJson } from '../store/json.js';
import type { Tx } from '../store/write-queue.js';

/** raw events read per query */
const EVENT_PAGE = 2000;
/** stored day counters read per query by the export */
const DAY_PAGE = 5000;
const DEFAULT_DAYS = 30;

/** The range a query names, in epoch milliseconds, both ends included (a date `to` is that whole day). */
export function rangeOf(deps: Deps, range: RangeQuery): { from: number; to: number } {
  const now = deps.clock.now();
  const from = range.from ? Date.parse(range.from) : now - DEFAULT_DAYS * DAY_MS;
  const to = range.to ? Date.parse(range.to) + (range.to.length <= 10 ? DAY_MS - 1 : 0) : now;
  return { from, to };
}

const objectOf = (text: string | null): Record<string, unknown> => {
  const d = fromJson<unknown>(text, {});
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : {};
};

/**
 * Counts the counted events of [from, to) into `into(createdAt)`'s tally, page by page; returns how
 * many. Events written before they carried their facts get them from their previous event (domain
 * legacyFacts).
 */
export async function tallyEvents(db: Tx, span: Span, into: (createdAt: number) => Tally): Promise<number> {
  let after: { createdAt: number; id: string } | undefined;
  let n = 0;
  for (;;) {
    const page = await eventsPage(db, span, after, EVENT_PAGE);
    const parsed = page.filter((r) => isCounted(r.type)).map((r) => ({ r, data: objectOf(r.data) }));
    const prev = await previousCountedEvents(
      db,
      parsed.filter((p) => needsLegacyFacts(p.data)).map((p) => p.r.id),
    );
    for (const { r, data } of parsed) {
      let d = data;
      if (needsLegacyFacts(data)) {
        const p = prev.get(r.id);
        d = { ...data, ...legacyFacts({ type: r.type, createdAt: r.created_at }, p && { type: p.type, data: objectOf(p.data), createdAt: p.created_at }) };
      }
      countEvent(into(r.created_at), { type: r.type, data: d });
    }
    n += parsed.length;
    if (page.length < EVENT_PAGE) return n;
    const last = page.at(-1)!;
    after = { createdAt: last.created_at, id: last.id };
  }
}

/** The counters of [from, to) given the fold's watermark. */
async function countRange(db: Tx, from: number, to: number, folded: number): Promise<Tally> {
  const plan = planRange(from, to, folded);
  const t = new Tally().addAll(await rollupCounters(db, plan));
  for (const span of plan.raw) await tallyEvents(db, span, () => t);
  return t;
}

/** Agent names by id, looked up once each (a deleted agent keeps its row; an unknown id has none). */
function agentNames(db: Tx) {
  const known = new Map<string, string>();
  return {
    async load(ids: Iterable<string>): Promise<void> {
      const missing = [...new Set(ids)].filter((id) => !known.has(id));
      if (missing.length === 0) return;
      const rows = await db.selectFrom('agents').select(['id', 'name']).where('id', 'in', missing).execute();
      for (const id of missing) known.set(id, rows.find((r) => r.id === id)?.name ?? 'deleted agent');
    },
    name: (id: string) => known.get(id) ?? 'deleted agent',
  };
}

export async function analytics(deps: Deps, range: RangeQuery): Promise<Analytics> {
  const db = deps.store.reads;
  const { from, to } = rangeOf(deps, range);
  const t = await countRange(db, from, to + 1, await foldedUntil(db));
  const names = agentNames(db);
  await names.load([...t.labels(METRICS.handling), ...t.labels(METRICS.csatAgent)]);
  return summarize(t, { from, to }, names.name);
}

/** The stored counters of the whole folded days [fromDay, toDay), a day at a time; days without any are skipped. */
async function* storedDays(db: Tx, fromDay: number, toDay: number): AsyncGenerator<{ day: number; tally: Tally }> {
  let cursor = fromDay;
  while (cursor < toDay) {
    let rows = await rollupDays(db, cursor, toDay, DAY_PAGE);
    if (rows.length === 0) return;
    if (rows.length === DAY_PAGE) {
      // the page may end inside a day: that day is read on the next page (alone if it fills a page)
      const lastDay = rows.at(-1)!.day;
      rows = rows[0]!.day === lastDay ? await rollupDays(db, lastDay, lastDay + DAY_MS) : rows.filter((r) => r.day < lastDay);
    }
    let day = rows[0]!.day;
    let t = new Tally();
    for (const r of rows) {
      if (r.day !== day) {
        yield { day, tally: t };
        day = r.day;
        t = new Tally();
      }
      t.add(r.metric, r.label, r.bin, r.count);
    }
    yield { day, tally: t };
    cursor = day + DAY_MS;
  }
}

/** The counters of each UTC day of [from, to) that has any, in order (the part of a day inside the range). */
async function* dailyCounts(db: Tx, from: number, to: number): AsyncGenerator<{ day: number; tally: Tally }> {
  const folded = await foldedUntil(db);
  let cursor = from;
  while (cursor < to) {
    const day = floorTo(cursor, DAY_MS);
    const wholeFoldedUntil = Math.min(floorTo(to, DAY_MS), floorTo(folded, DAY_MS));
    if (cursor === day && day < wholeFoldedUntil) {
      yield* storedDays(db, day, wholeFoldedUntil);
      cursor = wholeFoldedUntil;
      continue;
    }
    if (cursor >= folded) {
      // nothing is folded from here on: jump to the day of the next event
      const next = await firstEventAt(db, cursor, to);
      if (next === undefined) return;
      if (floorTo(next, DAY_MS) > day) {
        cursor = floorTo(next, DAY_MS);
        continue;
      }
    }
    const end = Math.min(day + DAY_MS, to);
    const t = await countRange(db, cursor, end, folded);
    if (!t.empty) yield { day, tally: t };
    cursor = end;
  }
}

/** The export's columns, in order (docs/api.md describes them). */
export const CSV_COLUMNS = ['date', 'metric', 'key', 'name', 'count', 'p50_seconds', 'p90_seconds', 'average'] as const;
export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

/** metric → the CSV's name for its rows per label */
const BREAKDOWNS = [
  [METRICS.trigger, 'handovers_by_trigger'],
  [METRICS.reason, 'handovers_by_reason'],
  [METRICS.skill, 'handovers_by_skill'],
  [METRICS.language, 'handovers_by_language'],
  [METRICS.provider, 'handovers_by_provider'],
] as const;

/**
 * The figures of GET /analytics day by day, one row per day × figure × key (a long table that pivots
 * in a spreadsheet), with the file name to save it under. The rows are read as they are consumed.
 */
export function analyticsCsv(deps: Deps, range: RangeQuery): { filename: string; rows: AsyncGenerator<CsvRow> } {
  const { from, to } = rangeOf(deps, range);
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { filename: `baton-analytics-${day(from)}-to-${day(to)}.csv`, rows: csvRows(deps, from, to) };
}

async function* csvRows(deps: Deps, from: number, to: number): AsyncGenerator<CsvRow> {
  const db = deps.store.reads;
  const names = agentNames(db);
  for await (const { day, tally: t } of dailyCounts(db, from, to + 1)) {
    const date = new Date(day).toISOString().slice(0, 10);
    const row = (metric: string, key: string, count: number, hist?: Map<number, number>, name = ''): CsvRow => ({
      date,
      metric,
      key,
      name,
      count,
      p50_seconds: hist ? histogramPercentile(hist, 50) : null,
      p90_seconds: hist ? histogramPercentile(hist, 90) : null,
      average: null,
    });
    yield row('handovers', '', t.total(METRICS.handovers));
    for (const [metric, name] of BREAKDOWNS) for (const [key, n] of Object.entries(t.byLabel(metric)).sort(([a], [b]) => a.localeCompare(b))) yield row(name, key, n);
    yield row('abandoned', '', t.total(METRICS.abandoned));
    const wait = t.histogram(METRICS.wait);
    if (wait.size) yield row('wait_seconds', '', t.total(METRICS.wait), wait);
    const agents = t.labels(METRICS.handling);
    if (agents.length) {
      yield row('handling_seconds', '', t.total(METRICS.handling), t.histogram(METRICS.handling));
      await names.load(agents);
      for (const id of agents.sort()) {
        const h = t.histogram(METRICS.handling, id);
        let n = 0;
        for (const c of h.values()) n += c;
        yield row('handling_seconds_by_agent', id, n, h, names.name(id));
      }
    }
    yield* satisfactionRows(t, row, names);
  }
}

/** §10.3's figures of a day: conversations, containment, bot misses, and ratings (count and average score). */
async function* satisfactionRows(
  t: Tally,
  row: (metric: string, key: string, count: number, hist?: Map<number, number>, name?: string) => CsvRow,
  names: ReturnType<typeof agentNames>,
): AsyncGenerator<CsvRow> {
  yield row('conversations', '', t.total(METRICS.conversations));
  yield row('contained_by_bot', '', t.total(METRICS.contained));
  yield row('not_understood_messages', '', t.total(METRICS.notUnderstood));
  yield row('not_understood_conversations', '', t.total(METRICS.notUnderstoodConversations));
  const scored = (metric: string, key: string, hist: Map<number, number>, name = ''): CsvRow | undefined => {
    let count = 0;
    let sum = 0;
    for (const [score, n] of hist) {
      count += n;
      sum += score * n;
    }
    return count > 0 ? { ...row(metric, key, count, undefined, name), average: Math.round((sum / count) * 100) / 100 } : undefined;
  };
  const overall = scored('csat', '', t.histogram(METRICS.csat));
  if (overall) yield overall;
  const agents = t.labels(METRICS.csatAgent).sort();
  await names.load(agents);
  for (const id of agents) {
    const r = scored('csat_by_agent', id, t.histogram(METRICS.csatAgent, id), names.name(id));
    if (r) yield r;
  }
  for (const [metric, csv] of [
    [METRICS.csatSkill, 'csat_by_skill'],
    [METRICS.csatTrigger, 'csat_by_trigger'],
  ] as const) {
    for (const key of t.labels(metric).sort()) {
      const r = scored(csv, key, t.histogram(metric, key));
      if (r) yield r;
    }
  }
}

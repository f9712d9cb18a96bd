// Handover analytics over a date range, exact at any size: the whole folded days as the difference of
// two cumulative snapshots, the edge hours from hourly counters (analytics-fold.ts), plus the raw events
// of its partial edge hours and of what is not folded yet, counted by the same function
// (domain/analytics.ts). The CSV export gives the same figures day by day, streamed: the folded days'
// rows as the fold stored them, a page at a time; empty days are skipped.
import type { Analytics, RangeQuery } from '@baton/proto';
import { AGENT_KEYED, countEvent, DAY_MS, dayFigures, floorTo, isCounted, legacyFacts, METRICS, needsLegacyFacts, planRange, summarize, Tally, unknownAgentName, type DayFigure, type Span } from '../domain/analytics.js';
import type { Deps } from '../deps.js';
import { cumulativeCounters, dailyFiguresPage, eventsPage, firstEventAt, foldedUntil, previousCountedEvents, rollupCounters, rollupDays, seriesUntil } from '../store/analytics.js';
import { fromJson } from '../store/json.js';
import type { Tx } from '../store/write-queue.js';

/** raw events read per query */
const EVENT_PAGE = 2000;
/** stored day counters, or stored export rows, read per query by the export */
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

/** The counters of [from, to) given the fold's watermarks. */
async function countRange(db: Tx, from: number, to: number, marks: Watermarks): Promise<Tally> {
  const plan = planRange(from, to, marks.folded, marks.series);
  const t = new Tally().addAll(await rollupCounters(db, plan));
  if (plan.cumulative) t.addAll(await cumulativeCounters(db, plan.cumulative));
  for (const span of plan.raw) await tallyEvents(db, span, () => t);
  return t;
}

/** Agent names by id, looked up once each (a deleted agent keeps its row; an external provider's agent has none). */
function agentNames(db: Tx) {
  const known = new Map<string, string>();
  return {
    async load(ids: Iterable<string>): Promise<void> {
      const missing = [...new Set(ids)].filter((id) => !known.has(id));
      if (missing.length === 0) return;
      const rows = await db.selectFrom('agents').select(['id', 'name']).where('id', 'in', missing).execute();
      for (const id of missing) known.set(id, rows.find((r) => r.id === id)?.name ?? unknownAgentName(id));
    },
    name: (id: string) => known.get(id) ?? unknownAgentName(id),
  };
}

interface Watermarks {
  folded: number;
  series: number;
}

// the series first: the fold moves it only up to the rollup's, so read in this order they stay in step
const watermarks = async (db: Tx): Promise<Watermarks> => {
  const series = await seriesUntil(db);
  return { series, folded: await foldedUntil(db) };
};

export async function analytics(deps: Deps, range: RangeQuery): Promise<Analytics> {
  const db = deps.store.reads;
  const { from, to } = rangeOf(deps, range);
  const t = await countRange(db, from, to + 1, await watermarks(db));
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

/** The export rows of a stretch of days, in order: a day's rows may come in more than one chunk. */
interface FiguresChunk {
  day: number;
  figures: DayFigure[];
}

/** The stored export rows of the series days [fromDay, toDay), a page at a time, a chunk per day of a page. */
async function* storedFigures(db: Tx, fromDay: number, toDay: number): AsyncGenerator<FiguresChunk> {
  let after: { day: number; seq: number } | undefined;
  for (;;) {
    const page = await dailyFiguresPage(db, fromDay, toDay, after, DAY_PAGE);
    let chunk: FiguresChunk | undefined;
    for (const { day, seq: _seq, ...figure } of page) {
      if (chunk?.day !== day) {
        if (chunk) yield chunk;
        chunk = { day, figures: [] };
      }
      chunk.figures.push(figure);
    }
    if (chunk) yield chunk;
    if (page.length < DAY_PAGE) return;
    after = { day: page.at(-1)!.day, seq: page.at(-1)!.seq };
  }
}

/** The export rows of each UTC day of [from, to) that has any, in order (of the part of a day inside the range). */
async function* dailyFigures(db: Tx, from: number, to: number): AsyncGenerator<FiguresChunk> {
  const marks = await watermarks(db);
  let cursor = from;
  while (cursor < to) {
    const day = floorTo(cursor, DAY_MS);
    const wholeFoldedUntil = Math.min(floorTo(to, DAY_MS), floorTo(marks.folded, DAY_MS));
    const wholeSeriesUntil = Math.min(wholeFoldedUntil, marks.series);
    if (cursor === day && day < wholeSeriesUntil) {
      yield* storedFigures(db, day, wholeSeriesUntil);
      cursor = wholeSeriesUntil;
      continue;
    }
    if (cursor === day && day < wholeFoldedUntil) {
      // folded days whose series the fold has not built yet (an upgrade's first minutes)
      for await (const d of storedDays(db, day, wholeFoldedUntil)) yield { day: d.day, figures: dayFigures(d.tally) };
      cursor = wholeFoldedUntil;
      continue;
    }
    if (cursor >= marks.folded) {
      // nothing is folded from here on: jump to the day of the next event
      const next = await firstEventAt(db, cursor, to);
      if (next === undefined) return;
      if (floorTo(next, DAY_MS) > day) {
        cursor = floorTo(next, DAY_MS);
        continue;
      }
    }
    const end = Math.min(day + DAY_MS, to);
    const t = await countRange(db, cursor, end, marks);
    if (!t.empty) yield { day, figures: dayFigures(t) };
    cursor = end;
  }
}

/** The export's columns, in order (docs/api.md describes them). */
export const CSV_COLUMNS = ['date', 'metric', 'key', 'name', 'count', 'p50_seconds', 'p90_seconds', 'average'] as const;
export type CsvRow = Record<(typeof CSV_COLUMNS)[number], string | number | null>;

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
  for await (const { day, figures } of dailyFigures(db, from, to + 1)) {
    const date = new Date(day).toISOString().slice(0, 10);
    await names.load(figures.filter((f) => AGENT_KEYED.has(f.metric)).map((f) => f.key));
    for (const f of figures) {
      yield { date, metric: f.metric, key: f.key, name: AGENT_KEYED.has(f.metric) ? names.name(f.key) : '', count: f.count, p50_seconds: f.p50, p90_seconds: f.p90, average: f.average };
    }
  }
}

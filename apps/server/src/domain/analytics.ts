// Handover analytics as counters that add up. Every counted transcript event carries, from the moment
// it is written, what it means on its own (the status it left; for the end of an agent's handling, who
// and how long), so one pure function turns events into counters: an hour's counters are the sum of its
// events', a range's the sum of its hours' and days'. The background fold stores hourly and daily
// counters (commands/analytics-fold.ts); a query adds the stored ones to those of the raw events not yet
// folded, through this same function, so the two can never disagree.
import type { Analytics, ConversationStatus, TranscriptEvent } from '@baton/proto';

/** The transcript events the figures are made of; each has its case in countEvent. */
export const COUNTED = [
  'conversation.offloaded',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.cancelled',
  'conversation.timed_out',
  'conversation.refused',
  'conversation.closed',
  'conversation.handed_back',
  'conversation.ended',
  // §10.3: conversations started, containment (closed idle or by the user), ratings, bot misses
  'conversation.started',
  'conversation.idle_closed',
  'conversation.rated',
  'bot.not_understood',
] as const satisfies readonly TranscriptEvent[];
export type CountedEvent = (typeof COUNTED)[number];

const COUNTED_SET: ReadonlySet<string> = new Set(COUNTED);
export const isCounted = (type: string): type is CountedEvent => COUNTED_SET.has(type);

/**
 * The counters, each stored as metric × label × bin → count. A new figure is a new metric here, its case
 * in countEvent and its line in summarize; stored counters of other metrics stay valid.
 */
export const METRICS = {
  /** handovers (label '', bin 0) */
  handovers: 'handovers',
  /** handovers per trigger, reason, skill, language and provider (label: the value) */
  trigger: 'trigger',
  reason: 'reason',
  skill: 'skill',
  language: 'language',
  provider: 'provider',
  /** seconds from the handover request to an agent (bin: histogram bin of binOf) */
  wait: 'wait',
  /** handovers left while waiting: cancelled, timed out, refused, or ended by the user */
  abandoned: 'abandoned',
  /** seconds an agent had the conversation (label: agent id; bin: histogram bin) */
  handling: 'handling',
  /** conversations started */
  conversations: 'conversations',
  /** closes (ended by the user or idle) of conversations that never asked for a person */
  contained: 'contained',
  /** ratings (bin: the score 1–5), overall and per agent id, skill and trigger of the rated episode */
  csat: 'csat',
  csatAgent: 'csat_agent',
  csatSkill: 'csat_skill',
  csatTrigger: 'csat_trigger',
  /** user messages the bot did not understand; conversations with their first such message */
  notUnderstood: 'not_understood',
  notUnderstoodConversations: 'not_understood_conversations',
} as const;
export type Metric = (typeof METRICS)[keyof typeof METRICS];

/** Labels are the bot's and settings' words; a stored label is cut here so none can bloat the rollup. */
export const MAX_LABEL = 200;

// ---------------------------------------------------------------------------------------------------
// Histogram bins: exact for small integer seconds, a fixed relative resolution above.

/** Below this many seconds every integer second is its own bin (exact percentiles). */
export const EXACT_BELOW = 256;

function widthOf(seconds: number): number {
  let width = 1;
  while (seconds >= EXACT_BELOW * width) width *= 2;
  return width;
}

/**
 * The bin of a duration: the whole seconds themselves below 256 s; above, the value rounded down to a
 * multiple of a power of two chosen so that every octave has 128 bins (a bin spans under 0.8 % of its
 * value). The bin is its lower bound in seconds, so stored bins read as durations.
 */
export function binOf(seconds: number): number {
  const v = Math.max(0, Math.round(seconds));
  const width = widthOf(v);
  return Math.floor(v / width) * width;
}

/** What a bin stands for in a percentile: its own value when exact, its middle otherwise (within 0.4 %). */
export function binValue(bin: number): number {
  const width = widthOf(bin);
  return width === 1 ? bin : bin + Math.floor(width / 2);
}

/** The p-th percentile (nearest rank, as a sorted list of the values would give it) of a histogram. */
export function histogramPercentile(hist: ReadonlyMap<number, number>, p: number): number | null {
  let n = 0;
  for (const c of hist.values()) n += c;
  if (n === 0) return null;
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  let seen = 0;
  for (const bin of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(bin)!;
    if (seen > rank) return binValue(bin);
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Counters

/** One stored counter row. */
export interface Counter {
  metric: string;
  label: string;
  bin: number;
  count: number;
}

/** Counters being added up: metric → label → bin → count. */
export class Tally {
  private readonly m = new Map<string, Map<string, Map<number, number>>>();

  add(metric: string, label = '', bin = 0, n = 1): void {
    if (n === 0) return;
    let labels = this.m.get(metric);
    if (!labels) this.m.set(metric, (labels = new Map()));
    let bins = labels.get(label);
    if (!bins) labels.set(label, (bins = new Map()));
    bins.set(bin, (bins.get(bin) ?? 0) + n);
  }

  addAll(counters: Iterable<Counter>): this {
    for (const c of counters) this.add(c.metric, c.label, c.bin, c.count);
    return this;
  }

  /** the sum over every label and bin of a metric */
  total(metric: string): number {
    let n = 0;
    for (const bins of this.m.get(metric)?.values() ?? []) for (const c of bins.values()) n += c;
    return n;
  }

  /** label → sum over its bins, labels in order: the same answer whichever stored rows it was added from */
  byLabel(metric: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [label, bins] of [...(this.m.get(metric) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      let n = 0;
      for (const c of bins.values()) n += c;
      out[label] = n;
    }
    return out;
  }

  labels(metric: string): string[] {
    return [...(this.m.get(metric)?.keys() ?? [])];
  }

  /** a histogram: bin → count, of one label or (label omitted) of all labels together */
  histogram(metric: string, label?: string): Map<number, number> {
    const out = new Map<number, number>();
    for (const [l, bins] of this.m.get(metric) ?? []) {
      if (label !== undefined && l !== label) continue;
      for (const [bin, c] of bins) out.set(bin, (out.get(bin) ?? 0) + c);
    }
    return out;
  }

  *counters(): Iterable<Counter> {
    for (const [metric, labels] of this.m) for (const [label, bins] of labels) for (const [bin, count] of bins) yield { metric, label, bin, count };
  }

  get empty(): boolean {
    return this.m.size === 0;
  }
}

/** A counted event as stored: its type and its data (parsed). */
export interface CountableEvent {
  type: string;
  data: Record<string, unknown>;
}

const label = (v: unknown) => (typeof v === 'string' ? v.slice(0, MAX_LABEL) : 'unknown');

/**
 * Adds one event's counters. It needs the facts of transitionFacts in the event's data (legacyFacts
 * supplies them for events written before they existed). Trigger, reason and the other labels are
 * counted whatever their value: a new trigger needs no change here.
 */
export function countEvent(t: Tally, e: CountableEvent): void {
  const d = e.data;
  if (!isCounted(e.type)) return;
  switch (e.type) {
    case 'conversation.offloaded':
      t.add(METRICS.handovers);
      t.add(METRICS.trigger, label(d.trigger));
      t.add(METRICS.reason, label(d.reason));
      t.add(METRICS.skill, label(d.skill));
      t.add(METRICS.language, label(d.language));
      t.add(METRICS.provider, label(d.providerId));
      break;
    case 'conversation.assigned':
    case 'conversation.transferred':
      if (typeof d.waitSeconds === 'number' && Number.isFinite(d.waitSeconds)) t.add(METRICS.wait, '', binOf(d.waitSeconds));
      break;
    case 'conversation.cancelled':
    case 'conversation.timed_out':
    case 'conversation.refused':
    case 'conversation.ended':
      if (d.fromStatus === 'offloaded') t.add(METRICS.abandoned);
      break;
    case 'conversation.closed':
    case 'conversation.handed_back':
      break;
    case 'conversation.started':
      t.add(METRICS.conversations);
      break;
    case 'conversation.idle_closed':
      break;
    case 'conversation.rated':
      countRating(t, d);
      break;
    case 'bot.not_understood':
      t.add(METRICS.notUnderstood);
      if (d.first === true) t.add(METRICS.notUnderstoodConversations);
      break;
    default:
      e.type satisfies never;
  }
  // a close from the bot of a conversation that never asked for a person (transitionFacts)
  if ((e.type === 'conversation.ended' || e.type === 'conversation.idle_closed') && d.contained === true) t.add(METRICS.contained);
  // whichever event ends an agent's handling (accepted by another, transferred, handed back, closed, ended)
  if (typeof d.handlingAgentId === 'string' && typeof d.handlingSeconds === 'number' && Number.isFinite(d.handlingSeconds)) {
    t.add(METRICS.handling, d.handlingAgentId, binOf(d.handlingSeconds));
  }
}

const isScore = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 5;

/**
 * A rating counts in its score's bin; a repeat for the same episode (previousScore) moves one count
 * from the old score's bin to the new one, so the counters of any range holding both are those of the
 * ratings as they now stand.
 */
function countRating(t: Tally, d: Record<string, unknown>): void {
  if (!isScore(d.score)) return;
  const labels: Array<[string, string]> = [
    [METRICS.csat, ''],
    [METRICS.csatAgent, typeof d.agentId === 'string' ? d.agentId : 'unknown'],
    [METRICS.csatSkill, label(d.skill)],
    [METRICS.csatTrigger, label(d.trigger)],
  ];
  for (const [metric, l] of labels) {
    if (isScore(d.previousScore)) t.add(metric, l, d.previousScore, -1);
    t.add(metric, l, d.score, 1);
  }
}

// ---------------------------------------------------------------------------------------------------
// What an event carries so that it counts alone

/** The facts a counted event carries in its data (merged into it when it is written). */
export interface EventFacts {
  /** the status the conversation left: a cancel, timeout, refusal or end from `offloaded` is abandonment */
  fromStatus: ConversationStatus;
  /** set when the event ends an agent's handling: who had it, and for how long (whole seconds) */
  handlingAgentId?: string;
  handlingSeconds?: number;
  /** on a close from the bot (user end, idle close): true when the conversation never asked for a person */
  contained?: boolean;
}

/** The facts of a transition being written, from the conversation as the transition finds it. */
export function transitionFacts(
  conv: { status: string; assigneeId: string | null; assignedAt: number | null; handedOver?: boolean },
  name: TranscriptEvent,
  now: number,
): EventFacts {
  const facts: EventFacts = { fromStatus: conv.status as ConversationStatus };
  if ((name === 'conversation.ended' || name === 'conversation.idle_closed') && conv.status === 'bot' && conv.handedOver !== undefined) facts.contained = !conv.handedOver;
  if (isCounted(name) && conv.status === 'agent' && conv.assigneeId && conv.assignedAt !== null) {
    facts.handlingAgentId = conv.assigneeId;
    facts.handlingSeconds = Math.max(0, Math.round((now - conv.assignedAt) / 1000));
  }
  return facts;
}

/** Events written before the facts existed have no `fromStatus`. */
export const needsLegacyFacts = (data: Record<string, unknown>) => typeof data.fromStatus !== 'string';

/** The status a conversation is in after a counted event. */
function statusAfter(prev: CountableEvent | undefined): ConversationStatus {
  switch (prev?.type) {
    case 'conversation.offloaded':
      return 'offloaded';
    case 'conversation.assigned':
      return 'agent';
    case 'conversation.transferred':
      // to an agent, or back to a skill's queue
      return typeof prev.data.agentId === 'string' ? 'agent' : 'offloaded';
    case 'conversation.closed':
    case 'conversation.ended':
      return 'closed';
    default:
      return 'bot';
  }
}

/**
 * The facts of an event written before they were recorded, from the conversation's previous counted
 * event (what the earlier reducer kept in memory): the status it left, and for the end of a handling,
 * the agent and the time since the assignment that started it.
 */
export function legacyFacts(e: { type: string; createdAt: number }, prev: (CountableEvent & { createdAt: number }) | undefined): EventFacts {
  // the machine allows these only from one status (domain/conversation-machine.ts)
  const fixed: Partial<Record<string, ConversationStatus>> = {
    'conversation.offloaded': 'bot',
    'conversation.cancelled': 'offloaded',
    'conversation.timed_out': 'offloaded',
    'conversation.refused': 'offloaded',
    'conversation.handed_back': 'agent',
  };
  const facts: EventFacts = { fromStatus: fixed[e.type] ?? statusAfter(prev) };
  if (facts.fromStatus === 'agent' && prev && (prev.type === 'conversation.assigned' || prev.type === 'conversation.transferred') && typeof prev.data.agentId === 'string') {
    facts.handlingAgentId = prev.data.agentId;
    facts.handlingSeconds = Math.max(0, Math.round((e.createdAt - prev.createdAt) / 1000));
  }
  return facts;
}

// ---------------------------------------------------------------------------------------------------
// The figures

const rate = (n: number, of: number) => (of ? Math.round((n / of) * 1000) / 1000 : 0);

/** Count and average of a rating histogram (bin = score); a range holding only a repeat may net to none. */
function scoreOf(hist: ReadonlyMap<number, number>): { count: number; average: number | null } {
  let count = 0;
  let sum = 0;
  for (const [score, n] of hist) {
    count += n;
    sum += score * n;
  }
  return count > 0 ? { count, average: Math.round((sum / count) * 100) / 100 } : { count: 0, average: null };
}

/** Count and average per label of a rating metric. */
function scoresBy(t: Tally, metric: string): Record<string, { count: number; average: number | null }> {
  const out: Record<string, { count: number; average: number | null }> = {};
  for (const l of t.labels(metric).sort()) {
    const s = scoreOf(t.histogram(metric, l));
    if (s.count > 0) out[l] = s;
  }
  return out;
}

/** The public figures from added-up counters. */
export function summarize(t: Tally, range: { from: number; to: number }, agentName: (id: string) => string): Analytics {
  const handovers = t.total(METRICS.handovers);
  const abandoned = t.total(METRICS.abandoned);
  const wait = t.histogram(METRICS.wait);
  const handling = t.histogram(METRICS.handling);
  let waits = 0;
  for (const c of wait.values()) waits += c;
  const conversations = t.total(METRICS.conversations);
  const contained = t.total(METRICS.contained);
  const byTrigger = t.byLabel(METRICS.trigger);
  const notUnderstoodConversations = t.total(METRICS.notUnderstoodConversations);
  return {
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    handovers: {
      total: handovers,
      byTrigger: t.byLabel(METRICS.trigger),
      byReason: t.byLabel(METRICS.reason),
      bySkill: t.byLabel(METRICS.skill),
      byLanguage: t.byLabel(METRICS.language),
      byProvider: t.byLabel(METRICS.provider),
    },
    waitSeconds: { p50: histogramPercentile(wait, 50), p90: histogramPercentile(wait, 90), count: waits },
    abandonment: { count: abandoned, rate: rate(abandoned, handovers) },
    handlingSeconds: {
      p50: histogramPercentile(handling, 50),
      p90: histogramPercentile(handling, 90),
      // by name: the same order whichever mix of stored counters and raw events gave the figures
      byAgent: t
        .labels(METRICS.handling)
        .map((agentId) => {
          const h = t.histogram(METRICS.handling, agentId);
          let count = 0;
          for (const c of h.values()) count += c;
          return { agentId, name: agentName(agentId), p50: histogramPercentile(h, 50), count };
        })
        .sort((a, b) => a.name.localeCompare(b.name) || (a.agentId < b.agentId ? -1 : 1)),
    },
    conversations,
    containedByBot: contained,
    containmentRate: rate(contained, conversations),
    handoverRate: {
      total: rate(handovers, conversations),
      byTrigger: Object.fromEntries(Object.entries(byTrigger).map(([k, n]) => [k, rate(n, conversations)])),
    },
    notUnderstood: {
      messages: t.total(METRICS.notUnderstood),
      conversations: notUnderstoodConversations,
      rate: rate(notUnderstoodConversations, conversations),
    },
    csat: {
      ...scoreOf(t.histogram(METRICS.csat)),
      byAgent: Object.entries(scoresBy(t, METRICS.csatAgent))
        .map(([agentId, s]) => ({ agentId, name: agentName(agentId), ...s }))
        .sort((a, b) => a.name.localeCompare(b.name) || (a.agentId < b.agentId ? -1 : 1)),
      bySkill: scoresBy(t, METRICS.csatSkill),
      byTrigger: scoresBy(t, METRICS.csatTrigger),
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Time: which parts of a range come from days, hours, or raw events

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
export const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** Half-open time ranges [from, to) of one plan. */
export type Span = readonly [from: number, to: number];

/** The start of the UTC calendar month holding `t`. */
export function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The start of the UTC month after the one starting at (or holding) `t`. */
export function nextMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

export interface RangePlan {
  /** whole UTC days [from, to) answered by two cumulative snapshots (migration 023) */
  cumulative: Span | null;
  /** stored day counters of these whole days (those the cumulative snapshots do not hold yet) */
  days: Span[];
  /** stored hour counters of these whole hours */
  hours: Span[];
  /** raw events: partial hours at the edges, and whatever is not folded yet */
  raw: Span[];
}

/** A few whole days cost less from their day counters than from two snapshots. */
export const SNAPSHOT_MIN_DAYS = 3;

/**
 * How to count [from, to) when every hour before `foldedUntil` (an hour boundary) is folded and every
 * day before `seriesUntil` (a day boundary, at most foldedUntil) has its cumulative snapshot: the whole
 * folded days from the snapshots (the ones not built yet, and a stretch of three days or fewer, from day
 * counters), the edge hours from hour counters, the rest from raw events. Days are UTC; a range reads
 * two snapshots, at most two days of hours and two partial hours of events, whatever its length.
 */
export function planRange(from: number, to: number, foldedUntil: number, seriesUntil: number): RangePlan {
  const plan: RangePlan = { cumulative: null, days: [], hours: [], raw: [] };
  const push = (list: Span[], a: number, b: number) => {
    if (a < b) list.push([a, b]);
  };
  const foldedEnd = Math.min(to, foldedUntil);
  if (from < foldedEnd) {
    const h0 = ceilTo(from, HOUR_MS);
    const h1 = floorTo(foldedEnd, HOUR_MS);
    if (h0 >= h1) push(plan.raw, from, foldedEnd);
    else {
      push(plan.raw, from, h0);
      const d0 = ceilTo(h0, DAY_MS);
      const d1 = floorTo(h1, DAY_MS);
      if (d0 < d1) {
        push(plan.hours, h0, d0);
        let c1 = Math.min(d1, Math.max(d0, seriesUntil));
        // two snapshots hold every figure and bin ever seen (~3,700 rows at 300k), a day ~1,100
        if (c1 - d0 <= SNAPSHOT_MIN_DAYS * DAY_MS) c1 = d0;
        if (d0 < c1) plan.cumulative = [d0, c1];
        push(plan.days, c1, d1);
        push(plan.hours, d1, h1);
      } else push(plan.hours, h0, h1);
      push(plan.raw, h1, foldedEnd);
    }
  }
  push(plan.raw, Math.max(from, foldedUntil), to);
  return plan;
}

// ---------------------------------------------------------------------------------------------------
// The CSV export's rows of one day

/** One row of the export: a figure of a day, for one key (a label, or an agent id for the by-agent rows). */
export interface DayFigure {
  metric: string;
  key: string;
  count: number;
  p50: number | null;
  p90: number | null;
  average: number | null;
}

/** The export's figures whose key is an agent id (their `name` column is the agent's name). */
export const AGENT_KEYED: ReadonlySet<string> = new Set(['handling_seconds_by_agent', 'csat_by_agent']);

/** metric → the CSV's name for its rows per label */
const BREAKDOWNS = [
  [METRICS.trigger, 'handovers_by_trigger'],
  [METRICS.reason, 'handovers_by_reason'],
  [METRICS.skill, 'handovers_by_skill'],
  [METRICS.language, 'handovers_by_language'],
  [METRICS.provider, 'handovers_by_provider'],
] as const;

/**
 * The export's rows of one day's counters, in the export's order (docs/api.md): the fold stores them
 * per folded day (analytics_daily), and a day not folded yet gets them from its counters the same way.
 */
export function dayFigures(t: Tally): DayFigure[] {
  const out: DayFigure[] = [];
  const row = (metric: string, key: string, count: number, hist?: Map<number, number>) =>
    out.push({ metric, key, count, p50: hist ? histogramPercentile(hist, 50) : null, p90: hist ? histogramPercentile(hist, 90) : null, average: null });
  const count = (h: Map<number, number>) => [...h.values()].reduce((n, c) => n + c, 0);
  row('handovers', '', t.total(METRICS.handovers));
  for (const [metric, name] of BREAKDOWNS) for (const [key, n] of Object.entries(t.byLabel(metric)).sort(([a], [b]) => a.localeCompare(b))) row(name, key, n);
  row('abandoned', '', t.total(METRICS.abandoned));
  const wait = t.histogram(METRICS.wait);
  if (wait.size) row('wait_seconds', '', t.total(METRICS.wait), wait);
  const agents = t.labels(METRICS.handling).sort();
  if (agents.length) {
    row('handling_seconds', '', t.total(METRICS.handling), t.histogram(METRICS.handling));
    for (const id of agents) {
      const h = t.histogram(METRICS.handling, id);
      row('handling_seconds_by_agent', id, count(h), h);
    }
  }
  row('conversations', '', t.total(METRICS.conversations));
  row('contained_by_bot', '', t.total(METRICS.contained));
  row('not_understood_messages', '', t.total(METRICS.notUnderstood));
  row('not_understood_conversations', '', t.total(METRICS.notUnderstoodConversations));
  // ratings: count and average score, only where some stand
  const scored = (metric: string, key: string, hist: Map<number, number>) => {
    const s = scoreOf(hist);
    if (s.count > 0) out.push({ metric, key, count: s.count, p50: null, p90: null, average: s.average });
  };
  scored('csat', '', t.histogram(METRICS.csat));
  for (const id of t.labels(METRICS.csatAgent).sort()) scored('csat_by_agent', id, t.histogram(METRICS.csatAgent, id));
  for (const key of t.labels(METRICS.csatSkill).sort()) scored('csat_by_skill', key, t.histogram(METRICS.csatSkill, key));
  for (const key of t.labels(METRICS.csatTrigger).sort()) scored('csat_by_trigger', key, t.histogram(METRICS.csatTrigger, key));
  return out;
}

/**
 * The name analytics shows for an agent id with no row in `agents`: an external provider's agent
 * (`ext:<provider id>:<agent id>`, as provider callbacks record them) by its id at the provider, any
 * other id as a deleted agent.
 */
export function unknownAgentName(id: string): string {
  const external = /^ext:([^:]+):(.+)$/.exec(id);
  return external ? `${external[2]} (${external[1]})` : 'deleted agent';
}

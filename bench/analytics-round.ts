// The analytics command in-process on generated sets (no server, no HTTP): what GET /analytics for the
// last 30 days, for the full range (from=2000-01-01), and GET /analytics.csv for the full range cost,
// and how many stored rows each reads. Each target is a source tree (this checkout, or another
// commit's `apps/server/src` extracted under a directory that can resolve this checkout's
// node_modules, e.g. bench/.cache/base) and a data set (a SQLite data dir or a PostgreSQL URL) that the
// tree's own migrations and fold have brought up to date. bench/NOTES.md (analytics round) has the
// figures and the method.
//
//   node --import tsx bench/analytics-round.ts fold <tree> <dataDir|postgres://…>
//       runs the tree's migrations and its fold until nothing is due; prints the time taken
//   node --import tsx bench/analytics-round.ts measure <rounds> <label>=<tree>@<dataDir|url> …
//       the three calls on every target, interleaved target by target, `rounds` times; p50 / max,
//       rows read, and each answer's totals checked equal across targets and to COUNT(*)
import path from 'node:path';
import { performance } from 'node:perf_hooks';
// the commands' types reach the HTTP layer's request, which @fastify/cookie augments (app.ts registers it)
import type {} from '@fastify/cookie';
import { sql, type Kysely } from 'kysely';
import type * as analyticsModule from '../apps/server/src/commands/analytics.js';
import type * as foldModule from '../apps/server/src/commands/analytics-fold.js';
import type { Deps } from '../apps/server/src/deps.js';
import type * as domainModule from '../apps/server/src/domain/analytics.js';
import type * as storeModule from '../apps/server/src/store/analytics.js';
import type * as databaseModule from '../apps/server/src/store/database.js';

type DatabaseModule = typeof databaseModule;
type AnalyticsModule = typeof analyticsModule;
type FoldModule = typeof foldModule;
type DomainModule = typeof domainModule;
type StoreModule = typeof storeModule;

interface Tree {
  database: DatabaseModule;
  analytics: AnalyticsModule;
  fold: FoldModule;
  domain: DomainModule;
  reads: StoreModule;
}

async function load(root: string): Promise<Tree> {
  const src = path.resolve(root, 'apps/server/src');
  return {
    database: (await import(path.join(src, 'store/database.ts'))) as DatabaseModule,
    analytics: (await import(path.join(src, 'commands/analytics.ts'))) as AnalyticsModule,
    fold: (await import(path.join(src, 'commands/analytics-fold.ts'))) as FoldModule,
    domain: (await import(path.join(src, 'domain/analytics.ts'))) as DomainModule,
    reads: (await import(path.join(src, 'store/analytics.ts'))) as StoreModule,
  };
}

const storeOptions = (where: string) => (where.startsWith('postgres') ? { dataDir: '', databaseUrl: where } : { dataDir: where });

async function open(tree: Tree, where: string) {
  const store = await tree.database.openStore(storeOptions(where));
  await store.ready();
  // the commands read only the store and the clock
  const deps = { store, clock: { now: () => Date.now() } } as unknown as Deps;
  return { store, deps };
}

async function fold(root: string, where: string): Promise<void> {
  const tree = await load(root);
  const t0 = performance.now();
  const { store, deps } = await open(tree, where);
  const opened = performance.now();
  let batches = 0;
  while (await tree.fold.foldAnalytics(deps)) batches++;
  const done = performance.now();
  const fold = await store.db.selectFrom('analytics_fold').selectAll().execute();
  console.log(`open (migrations) ${(opened - t0).toFixed(0)} ms; fold ${batches + 1} batches ${((done - opened) / 1000).toFixed(1)} s; watermarks ${JSON.stringify(fold.map((f) => [f.name, new Date(Number(f.folded_until)).toISOString()]))}`);
  await store.close();
}

/** Stored rows and events a call reads, counted with the same ranges the tree's planner picks. */
async function rowsRead(db: Kysely<any>, plan: Record<string, unknown>): Promise<Record<string, number>> {
  const count = async (q: ReturnType<typeof sql<{ n: number | string }>>) => Number((await q.execute(db)).rows[0]?.n ?? 0);
  const out: Record<string, number> = {};
  for (const span of ['months', 'days', 'hours'] as const) {
    const list = (plan[span] as Array<[number, number]> | undefined) ?? [];
    let n = 0;
    for (const [a, b] of list) n += await count(sql<{ n: number }>`select count(*) as n from analytics_rollup where span = ${span.slice(0, -1)} and bucket_start >= ${a} and bucket_start < ${b}`);
    out[span] = n;
  }
  const cumulative = plan.cumulative as [number, number] | null | undefined;
  if (cumulative) {
    let n = 0;
    for (const at of cumulative) n += await count(sql<{ n: number }>`select count(*) as n from analytics_cumulative where day_end = (select max(day_end) from analytics_cumulative where day_end <= ${at})`);
    out.cumulative = n;
  }
  let raw = 0;
  for (const [a, b] of plan.raw as Array<[number, number]>) raw += await count(sql<{ n: number }>`select count(*) as n from conversation_events where created_at >= ${a} and created_at < ${b}`);
  out.events = raw;
  return out;
}

const PART_ROUNDS = 7;

/** This tree's 30-day call part by part (its planner and store reads): where the time goes. */
async function partsOf30Days(t: Target, marks: Record<string, number>): Promise<string> {
  const now = Date.now();
  const plan = t.tree.domain.planRange(now - 30 * 86_400_000, now + 1, marks.rollup ?? 0, marks.series ?? 0);
  const db = t.store.reads;
  const timed = async (f: () => Promise<unknown>) => {
    const xs: number[] = [];
    for (let i = 0; i < PART_ROUNDS; i++) {
      const t0 = performance.now();
      await f();
      xs.push(performance.now() - t0);
    }
    return p50(xs).toFixed(1);
  };
  const hours = await timed(() => t.tree.reads.rollupCounters(db, plan));
  const cumulative = plan.cumulative ? await timed(() => t.tree.reads.cumulativeCounters(db, plan.cumulative!)) : 'n/a';
  const raw = await timed(async () => {
    for (const span of plan.raw) await t.tree.analytics.tallyEvents(db, span, () => new t.tree.domain.Tally());
  });
  const whole = await timed(() => t.tree.analytics.analytics(t.deps, {}));
  return `edge hours ${hours}, snapshots ${cumulative}, raw events ${raw}; whole call ${whole}`;
}

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

interface Target {
  label: string;
  tree: Tree;
  where: string;
  store: Awaited<ReturnType<typeof open>>['store'];
  deps: Deps;
  times: Record<'day30' | 'full' | 'csv', number[]>;
  csvRows: number;
}

async function measure(rounds: number, specs: string[]): Promise<void> {
  const targets: Target[] = [];
  for (const spec of specs) {
    const [label, rest] = spec.split('=') as [string, string];
    // the first @ ends the tree: a PostgreSQL URL holds one too
    const [root, where] = [rest.slice(0, rest.indexOf('@')), rest.slice(rest.indexOf('@') + 1)];
    const tree = await load(root);
    const opened = await open(tree, where);
    targets.push({ label, tree, where, ...opened, times: { day30: [], full: [], csv: [] }, csvRows: 0 });
  }
  const calls = {
    day30: (t: Target) => t.tree.analytics.analytics(t.deps, {}),
    full: (t: Target) => t.tree.analytics.analytics(t.deps, { from: '2000-01-01' }),
    csv: async (t: Target) => {
      let n = 0;
      for await (const _row of t.tree.analytics.analyticsCsv(t.deps, { from: '2000-01-01' }).rows) n++;
      t.csvRows = n;
      return n;
    },
  };
  // one warm-up each, then the rounds, target after target
  for (const t of targets) for (const call of Object.values(calls)) await call(t);
  for (let r = 0; r < rounds; r++) {
    for (const t of targets) {
      for (const [name, call] of Object.entries(calls) as Array<[keyof typeof calls, (t: Target) => Promise<unknown>]>) {
        const t0 = performance.now();
        await call(t);
        t.times[name].push(performance.now() - t0);
      }
    }
  }
  for (const t of targets) {
    const full = await t.tree.analytics.analytics(t.deps, { from: '2000-01-01' });
    const offloaded = await t.store.db.selectFrom('conversation_events').select((eb) => eb.fn.countAll<number>().as('n')).where('type', '=', 'conversation.offloaded').executeTakeFirstOrThrow();
    const marks = Object.fromEntries((await t.store.db.selectFrom('analytics_fold').selectAll().execute()).map((m) => [m.name, Number(m.folded_until)]));
    const now = Date.now();
    // either tree's planner: the base's takes (from, to, folded), this one's the series watermark too
    const plan = (from: number, to: number) => (t.tree.domain.planRange as unknown as (...a: number[]) => Record<string, unknown>)(from, to, marks.rollup ?? 0, marks.series ?? 0);
    const read30 = await rowsRead(t.store.db, plan(now - 30 * 86_400_000, now + 1));
    const readFull = await rowsRead(t.store.db, plan(Date.parse('2000-01-01'), now + 1));
    const dayRows = Number((await sql<{ n: number }>`select count(*) as n from analytics_rollup where span = 'day'`.execute(t.store.db)).rows[0]!.n);
    const csvStored = marks.series === undefined ? dayRows : Number((await sql<{ n: number }>`select count(*) as n from analytics_daily`.execute(t.store.db)).rows[0]!.n);
    const parts = 'cumulativeCounters' in t.tree.reads ? await partsOf30Days(t, marks) : '';
    const fmt = (xs: number[]) => `${p50(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;
    console.log(
      [
        `${t.label}: 30 days ${fmt(t.times.day30)} ms, full ${fmt(t.times.full)} ms, csv ${fmt(t.times.csv)} ms (${t.csvRows} rows) [p50 / max, ${rounds} rounds]`,
        `  rows read: 30 days ${JSON.stringify(read30)}; full ${JSON.stringify(readFull)}; csv stored rows ${csvStored} (+ its partial days)`,
        ...(parts ? [`  30 days by part (p50 ms of ${PART_ROUNDS}): ${parts}`] : []),
        `  handovers ${full.handovers.total} vs COUNT ${Number(offloaded.n)}; waits ${full.waitSeconds.count}; abandonment ${full.abandonment.count}; conversations ${full.conversations}; wait p50/p90 ${full.waitSeconds.p50}/${full.waitSeconds.p90}`,
      ].join('\n'),
    );
  }
  for (const t of targets) await t.store.close();
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'fold') await fold(args[0]!, args[1]!);
else if (mode === 'measure') await measure(Number(args[0]), args.slice(1));
else {
  console.error('usage: analytics-round.ts fold <tree> <where> | measure <rounds> <label>=<tree>@<where> …');
  process.exit(2);
}

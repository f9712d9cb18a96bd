// Data at scale (issue 24 point 6): every agent/admin endpoint against months of data, as a ratio to
// the same endpoint at 1k conversations measured in the same run, on SQLite and PostgreSQL; start-up
// with the big data set, RSS after every endpoint has run, disk per conversation, analytics totals
// against a COUNT over the database, and a user's message send at 1,000 msg/s alone and while an
// admin loops history search and analytics. The data is written by bench/data-scale/generate.ts; the
// SQLite sets are cached under bench/.cache (gitignored) and copied for each run, since the server
// writes to what it serves.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { api, freshPg, request, ROOT, sleep, startBaton, stats, type BatonProcess, type Stats } from '../lib.js';
import { generate, GENERATOR_VERSION, type ScaleFixture } from '../data-scale/generate.js';

export type StoreKind = 'sqlite' | 'postgres';
export type Who = 'admin' | 'a1' | 'sup1' | 'user' | 'none';

/** the baseline set every endpoint's cost is compared with */
export const SMALL = 1000;
/** a cached set is regenerated after this long: the live part's times (and waiting timers) are relative to its generation */
const CACHE_DAYS = 5;
export const CACHE = path.join(ROOT, 'bench/.cache/data-scale');
const DAY = 86_400_000;

/**
 * How far the fold stands: the rollup's watermark, or less while the series (migration 023; a day
 * boundary) has not reached the rollup's last whole day, so that nothing is measured on the day
 * counters' fallback. A version without the series has no such row.
 */
export const FOLDED = "select min(case when name = 'series' then folded_until + 86399999 else folded_until end) as f from analytics_fold where name in ('rollup', 'series')";

interface DataSet {
  fixture: ScaleFixture;
  /** the server's environment for this set */
  env: Record<string, string>;
  /** SQLite: the working copy the server runs on */
  dataDir?: string;
  cached: boolean;
  diskBytes: number;
  /** conversation_events by type and conversations, counted on the database itself */
  count(): Promise<{ events: Record<string, number>; conversations: number }>;
  /** the analytics fold's watermark (ms): every hour before it is in the rollup (and its series, FOLDED) */
  folded(): Promise<number>;
  drop(): Promise<void>;
}

/**
 * The key of a cached SQLite set: the generator's version (bumped when what it writes changes), the
 * scale, and the schema's migrations: a set made before a migration was added would be migrated by
 * the server's first start, and the start-up measured would be the migration's.
 */
export function cacheKey(scale: number): string {
  const h = createHash('sha256');
  const migrations = path.join(ROOT, 'apps/server/src/store/migrations');
  for (const f of fs.readdirSync(migrations).sort()) h.update(f).update(fs.readFileSync(path.join(migrations, f)));
  return `sqlite-v${GENERATOR_VERSION}-${scale}-${h.digest('hex').slice(0, 12)}`;
}

async function sqliteSet(scale: number, log: (s: string) => void): Promise<DataSet> {
  const key = cacheKey(scale);
  const dir = path.join(CACHE, key);
  const fixtureFile = path.join(dir, 'fixture.json');
  let cached = false;
  if (fs.existsSync(fixtureFile) && (JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as ScaleFixture).generatedAt > Date.now() - CACHE_DAYS * DAY) {
    cached = true;
  } else {
    // other versions of this scale go (1.7 GB each at 300k), then the set is made beside its place
    fs.mkdirSync(CACHE, { recursive: true });
    for (const old of fs.readdirSync(CACHE)) if (old.startsWith(`sqlite-`) && old.split('-')[2] === String(scale)) fs.rmSync(path.join(CACHE, old), { recursive: true, force: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    log(`  generating ${scale} conversations (SQLite) …`);
    const fixture = await generate({ scale, dataDir: tmp, log });
    fs.writeFileSync(path.join(tmp, 'fixture.json'), JSON.stringify(fixture, null, 2));
    fs.renameSync(tmp, dir);
    log(`  generated in ${fixture.generationSeconds} s`);
  }
  const fixture = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as ScaleFixture;
  const files = fs.readdirSync(dir).filter((f) => f.startsWith('baton.sqlite'));
  const diskBytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-scale-'));
  for (const f of files) fs.copyFileSync(path.join(dir, f), path.join(work, f));
  const file = path.join(work, 'baton.sqlite');
  return {
    fixture,
    env: {},
    dataDir: work,
    cached,
    diskBytes,
    count: async () => {
      const db = new Database(file, { readonly: true });
      try {
        const events = db.prepare('select type, count(*) as n from conversation_events group by type').all() as Array<{ type: string; n: number }>;
        const conversations = (db.prepare('select count(*) as n from conversations').get() as { n: number }).n;
        return { events: Object.fromEntries(events.map((e) => [e.type, e.n])), conversations };
      } finally {
        db.close();
      }
    },
    folded: async () => {
      const db = new Database(file, { readonly: true });
      try {
        return Number((db.prepare(FOLDED).get() as { f: number } | undefined)?.f ?? 0);
      } finally {
        db.close();
      }
    },
    drop: async () => fs.rmSync(work, { recursive: true, force: true }),
  };
}

async function postgresSet(scale: number, log: (s: string) => void): Promise<DataSet> {
  const db = await freshPg();
  try {
    log(`  generating ${scale} conversations (PostgreSQL) …`);
    const fixture = await generate({ scale, databaseUrl: db.url, log });
    log(`  generated in ${fixture.generationSeconds} s`);
    const query = async <R>(text: string): Promise<R[]> => {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        return (await c.query(text)).rows as R[];
      } finally {
        await c.end();
      }
    };
    const [size] = await query<{ s: string }>('select pg_database_size(current_database()) as s');
    return {
      fixture,
      env: { DATABASE_URL: db.url, BATON_SECRET_KEY: 'bench-secret-key-0123456789abcdef' },
      cached: false,
      diskBytes: Number(size!.s),
      count: async () => {
        const events = await query<{ type: string; n: string }>('select type, count(*) as n from conversation_events group by type');
        const [c] = await query<{ n: string }>('select count(*) as n from conversations');
        return { events: Object.fromEntries(events.map((e) => [e.type, Number(e.n)])), conversations: Number(c!.n) };
      },
      folded: async () => Number((await query<{ f: string }>(FOLDED))[0]?.f ?? 0),
      drop: db.drop,
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Endpoint {
  name: string;
  as: Who;
  method?: 'GET' | 'POST';
  /** '' where this server cannot be asked (page 2 without a `nextCursor`) */
  path: string;
  body?: unknown;
  /** offered only by some versions: a 404 means not supported here */
  optional?: boolean;
}

/** The finding's table (section 2) of agent, admin and supervisor reads, for one set. */
function endpoints(fx: ScaleFixture, now: number): Endpoint[] {
  const list = '/api/v1/agent/conversations';
  const conv = (id: string) => `/api/v1/agent/conversations/${id}`;
  const msgs = `/api/v1/conversations/${fx.long.id}/messages`;
  return [
    { name: 'POST /auth/login (agent)', as: 'none', method: 'POST', path: '/api/v1/auth/login', body: { email: fx.agents.a1.email, password: fx.agents.a1.password } },
    { name: 'queue ?status=offloaded (admin)', as: 'admin', path: `${list}?status=offloaded` },
    { name: 'queue ?status=offloaded (agent a1)', as: 'a1', path: `${list}?status=offloaded` },
    { name: 'my chats ?status=agent (admin)', as: 'admin', path: `${list}?status=agent` },
    { name: 'my chats ?status=agent (agent a1)', as: 'a1', path: `${list}?status=agent` },
    { name: '?status=agent&scope=all (supervisor)', as: 'sup1', path: `${list}?status=agent&scope=all` },
    { name: '?status=bot (admin)', as: 'admin', path: `${list}?status=bot` },
    { name: 'history ?status=closed (admin)', as: 'admin', path: `${list}?status=closed` },
    { name: 'history ?status=closed (agent a1)', as: 'a1', path: `${list}?status=closed` },
    { name: 'history &q=janssens (matches)', as: 'admin', path: `${list}?status=closed&q=${fx.search.match}` },
    { name: 'history &q=<no match>', as: 'admin', path: `${list}?status=closed&q=${fx.search.noMatch}` },
    { name: 'history &tag=address_change', as: 'admin', path: `${list}?status=closed&tag=address_change` },
    { name: 'history &agentId=a1', as: 'admin', path: `${list}?status=closed&agentId=${fx.agents.a1.id}` },
    { name: 'history &from=&to= (last 7 days)', as: 'admin', path: `${list}?status=closed&from=${day(now - 7 * DAY)}&to=${day(now)}` },
    { name: 'conversation detail, long (2,005 messages)', as: 'admin', path: conv(fx.long.id) },
    { name: 'conversation detail, short', as: 'admin', path: conv(fx.short.id) },
    { name: 'user history (same user)', as: 'admin', path: `${conv(fx.returning.id)}/history` },
    { name: 'channel messages after=0&limit=100 (long)', as: 'user', path: `${msgs}?after=0&limit=100` },
    { name: 'channel messages after=1900&limit=100', as: 'user', path: `${msgs}?after=1900&limit=100` },
    { name: 'channel messages after=0&limit=500', as: 'user', path: `${msgs}?after=0&limit=500` },
    { name: 'GET /supervisor/overview', as: 'sup1', path: '/api/v1/supervisor/overview' },
    { name: 'GET /analytics (default: last 30 days)', as: 'admin', path: '/api/v1/analytics' },
    { name: 'GET /analytics (full range)', as: 'admin', path: '/api/v1/analytics?from=2000-01-01' },
    { name: 'GET /analytics.csv (full range)', as: 'admin', path: '/api/v1/analytics.csv?from=2000-01-01', optional: true },
    { name: 'GET /agent/colleagues', as: 'a1', path: '/api/v1/agent/colleagues' },
    { name: 'GET /settings/retention', as: 'admin', path: '/api/v1/settings/retention', optional: true },
    { name: 'GET /audit', as: 'admin', path: '/api/v1/audit', optional: true },
  ];
}

export interface EndpointResult {
  name: string;
  /** ok, not offered by this server (404 on an optional route), or failing (status and the start of the answer) */
  outcome: 'ok' | 'unsupported' | 'failed';
  latency?: Stats;
  error?: string;
}

export interface SendResult {
  offered: number;
  seconds: number;
  latency: Stats;
  errors: number;
}

export interface SetResult {
  scale: number;
  conversations: number;
  messages: number;
  generationSeconds: number;
  cached: boolean;
  diskBytes: number;
  bytesPerConversation: number;
  startup: { readyMs: number[]; median: number };
  rssMb: { afterStart: number; afterEndpoints: number; afterBlocking?: number };
  endpoints: EndpointResult[];
  /** analytics (full range) against COUNT(*) over the database */
  analytics: { exact: boolean; checks: Array<{ figure: string; api: number | null; database: number }> };
  blocking?: { alone: SendResult; duringAdmin: SendResult & { adminLoops: number } };
  loadAverage: { before: number[]; after: number[] };
}

export interface StoreResult {
  small: SetResult;
  big: SetResult;
}

/** How many calls each endpoint gets after its warm-up: up to `calls`, at least `min`, within `budgetMs` */
const CALLS = { calls: 20, min: 5, budgetMs: 6000, timeoutMs: 60_000 };

export async function measureEndpoints(b: BatonProcess, fx: ScaleFixture, tokens: Record<Who, string | undefined>, log: (s: string) => void): Promise<EndpointResult[]> {
  const out: EndpointResult[] = [];
  const list = endpoints(fx, Date.now());
  // page 2 of history, where lists are paged (contract v1.1: `cursor`, answered as `nextCursor`)
  const first = await api(b.url, 'GET', '/api/v1/agent/conversations?status=closed', { token: tokens.admin });
  const cursor = (first.body as { nextCursor?: unknown } | undefined)?.nextCursor;
  const page2: Endpoint = { name: 'history page 2 (nextCursor)', as: 'admin', path: typeof cursor === 'string' ? `/api/v1/agent/conversations?status=closed&cursor=${encodeURIComponent(cursor)}` : '' };
  list.splice(list.findIndex((e) => e.name.startsWith('history &q=')), 0, page2);
  for (const e of list) {
    if (!e.path) {
      out.push({ name: e.name, outcome: 'unsupported' });
      continue;
    }
    const call = async () => {
      const t = performance.now();
      const r = await request(b.url, e.method ?? 'GET', e.path, { token: tokens[e.as], body: e.body, timeoutMs: CALLS.timeoutMs });
      return { ms: performance.now() - t, status: r.status, text: r.text };
    };
    const warm = await call();
    if (e.optional && warm.status === 404) {
      out.push({ name: e.name, outcome: 'unsupported' });
      continue;
    }
    if (warm.status !== 200) {
      out.push({ name: e.name, outcome: 'failed', error: `${warm.status} ${warm.text.slice(0, 200)}` });
      log(`  ${e.name}: FAILED ${warm.status} ${warm.text.slice(0, 120)}`);
      continue;
    }
    const samples: number[] = [];
    const started = Date.now();
    let failed: string | undefined;
    while (samples.length < CALLS.calls && (samples.length < CALLS.min || Date.now() - started < CALLS.budgetMs)) {
      const r = await call();
      if (r.status !== 200) {
        failed = `${r.status} ${r.text.slice(0, 200)}`;
        break;
      }
      samples.push(r.ms);
    }
    const latency = stats(samples);
    out.push(failed ? { name: e.name, outcome: 'failed', latency, error: failed } : { name: e.name, outcome: 'ok', latency });
    log(`  ${e.name}: p50 ${latency.p50} ms, p99 ${latency.p99} ms (${latency.count} calls)`);
  }
  return out;
}

/**
 * Open loop: `rate` user messages a second (POST /messages, acknowledged once durable) spread over
 * `convs`; each latency is counted from when the message was due, so a stalled server is not hidden
 * by the sender waiting for it.
 */
async function sendAtRate(url: string, convs: Array<{ id: string; token: string }>, rate: number, seconds: number): Promise<SendResult> {
  const total = rate * seconds;
  const lat: number[] = [];
  let errors = 0;
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let sent = 0; sent < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    for (; sent < due; sent++) {
      const at = start + (sent / rate) * 1000;
      const c = convs[sent % convs.length]!;
      pending.push(
        request(url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: `load ${sent}` }, timeoutMs: 30_000 }).then(
          (r) => {
            if (r.status !== 201) errors++;
            lat.push(performance.now() - at);
          },
          () => {
            errors++;
            lat.push(performance.now() - at);
          },
        ),
      );
    }
    await sleep(1);
  }
  await Promise.all(pending);
  return { offered: rate, seconds, latency: stats(lat), errors };
}

/**
 * One slow read must not stall everyone: users send to today's live chats (with an agent: stored and
 * relayed, no bot turn), alone, then while an admin loops history search and analytics.
 */
export async function blockingTest(b: BatonProcess, fx: ScaleFixture, admin: string, log: (s: string) => void): Promise<NonNullable<SetResult['blocking']>> {
  const alone = await sendAtRate(b.url, fx.chats, 1000, 10);
  log(`  send at 1,000 msg/s alone: p50 ${alone.latency.p50}, p99 ${alone.latency.p99} ms, errors ${alone.errors}`);
  let stop = false;
  let adminLoops = 0;
  const loop = (async () => {
    while (!stop) {
      await request(b.url, 'GET', `/api/v1/agent/conversations?status=closed&q=${fx.search.match}`, { token: admin, timeoutMs: CALLS.timeoutMs });
      await request(b.url, 'GET', '/api/v1/analytics?from=2000-01-01', { token: admin, timeoutMs: CALLS.timeoutMs });
      adminLoops++;
    }
  })();
  // the loop's first search is under way before the first message
  await sleep(200);
  const during = await sendAtRate(b.url, fx.chats, 1000, 10);
  stop = true;
  await loop;
  log(`  send at 1,000 msg/s while an admin loops search + analytics (loops done: ${adminLoops}): p50 ${during.latency.p50}, p99 ${during.latency.p99} ms, errors ${during.errors}`);
  return { alone, duringAdmin: { ...during, adminLoops } };
}

async function measureSet(set: DataSet, startupRuns: number, log: (s: string) => void): Promise<SetResult> {
  const fx = set.fixture;
  const loadBefore = os.loadavg().map((x) => Math.round(x * 10) / 10);
  // the first start installs the demo bot (the generator leaves that to the server) and folds the
  // generated months into the analytics rollup, as a server running all along would have: not measured
  const first = await startBaton(set.env, set.dataDir);
  const foldStarted = performance.now();
  while ((await set.folded()) < Date.now() - 3 * 3600_000 && performance.now() - foldStarted < 10 * 60_000) await sleep(1000);
  log(`  analytics fold caught up on the first start in ${Math.round((performance.now() - foldStarted) / 1000)} s`);
  await first.stop();
  const readyMs: number[] = [];
  let b: (BatonProcess & { readyMs: number }) | undefined;
  for (let i = 0; i < startupRuns; i++) {
    if (b) await b.stop();
    b = await startBaton(set.env, set.dataDir);
    readyMs.push(b.readyMs);
  }
  const server = b!;
  try {
    const rssStart = server.rssKb();
    const login = async (who: 'admin' | 'a1' | 'sup1') => {
      const r = await api(server.url, 'POST', '/api/v1/auth/login', { body: { email: fx.agents[who].email, password: fx.agents[who].password } });
      if (r.status !== 200) throw new Error(`login ${who}: ${r.status}`);
      return r.body.token as string;
    };
    const tokens: Record<Who, string | undefined> = { admin: await login('admin'), a1: await login('a1'), sup1: await login('sup1'), user: fx.long.token, none: undefined };
    const eps = await measureEndpoints(server, fx, tokens, log);
    const rssEndpoints = server.rssKb();

    // analytics over all the data against the database's own counts (no conversation here ends while
    // waiting, so abandonment is the cancelled, timed-out and refused waits)
    const a = (await api(server.url, 'GET', '/api/v1/analytics?from=2000-01-01', { token: tokens.admin })).body;
    const counted = await set.count();
    const n = (t: string) => counted.events[t] ?? 0;
    const checks = [
      { figure: 'handovers.total = conversation.offloaded', api: a?.handovers?.total ?? null, database: n('conversation.offloaded') },
      { figure: 'waitSeconds.count = conversation.assigned', api: a?.waitSeconds?.count ?? null, database: n('conversation.assigned') },
      { figure: 'abandonment.count = cancelled + timed_out + refused', api: a?.abandonment?.count ?? null, database: n('conversation.cancelled') + n('conversation.timed_out') + n('conversation.refused') },
    ];
    if (typeof a?.conversations === 'number') checks.push({ figure: 'conversations = conversations', api: a.conversations, database: counted.conversations });
    const exact = checks.every((c) => c.api === c.database);
    log(`  analytics exact: ${exact} ${checks.map((c) => `${c.figure.split(' ')[0]} ${c.api}/${c.database}`).join(', ')}`);

    const blocking = await blockingTest(server, fx, tokens.admin!, log);
    const mb = (kb: number) => Math.round(kb / 102.4) / 10;
    const sorted = [...readyMs].sort((x, y) => x - y);
    return {
      scale: fx.scale,
      conversations: fx.counts.conversations,
      messages: fx.counts.messages,
      generationSeconds: fx.generationSeconds,
      cached: set.cached,
      diskBytes: set.diskBytes,
      bytesPerConversation: Math.round(set.diskBytes / fx.counts.conversations),
      startup: { readyMs, median: sorted[Math.floor(sorted.length / 2)]! },
      rssMb: { afterStart: mb(rssStart), afterEndpoints: mb(rssEndpoints), afterBlocking: mb(server.rssKb()) },
      endpoints: eps,
      analytics: { exact, checks },
      blocking,
      loadAverage: { before: loadBefore, after: os.loadavg().map((x) => Math.round(x * 10) / 10) },
    };
  } finally {
    await server.stop();
  }
}

/** Both sets of one store, measured back to back (the small one first), each dropped after. */
export async function dataScale(store: StoreKind, scale: number, log: (s: string) => void = console.log): Promise<StoreResult> {
  const make = store === 'sqlite' ? sqliteSet : postgresSet;
  // everything at both sizes (the send test too: what the big set adds, apart from the machine's load)
  const measure = async (n: number) => {
    const set = await make(n, log);
    try {
      log(`  measuring ${n} conversations (${store}) …`);
      return await measureSet(set, 3, log);
    } finally {
      await set.drop();
    }
  };
  const small = await measure(SMALL);
  const big = await measure(scale);
  return { small, big };
}

/** An endpoint's p50 at the big set over its p50 at the small one (null where either did not run). */
export function endpointRatio(r: StoreResult, name: string): number | null {
  const s = r.small.endpoints.find((e) => e.name === name)?.latency;
  const b = r.big.endpoints.find((e) => e.name === name)?.latency;
  return s && b && s.p50 > 0 ? Math.round((b.p50 / s.p50) * 100) / 100 : null;
}

/** What bench/results/data-scale.json holds. */
export interface DataScaleResult {
  scale: number;
  small: number;
  stores: Partial<Record<StoreKind, StoreResult>>;
}

const TARGET = { p50: 50, p99: 200, ratio: 2, sendP99: 25, startupMs: 1500, rssMb: 300 };
const kilo = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));

/** The rows of BENCHMARKS.md's table: one per target of issue 24 point 6, per store. */
export function dataScaleRows(r: DataScaleResult, suffix = ''): Array<{ scenario: string; value: string; target: string; pass: boolean }> {
  const k = kilo(r.scale);
  const rows = [];
  for (const [store, s] of Object.entries(r.stores) as Array<[StoreKind, StoreResult]>) {
    const tag = `${store}${suffix}`;
    const ran = s.big.endpoints.filter((e) => e.outcome !== 'unsupported');
    const ok = ran.filter((e) => e.outcome === 'ok' && e.latency);
    const failed = ran.filter((e) => e.outcome === 'failed').map((e) => e.name);
    const worst = (key: 'p50' | 'p99') => ok.reduce((w, e) => (e.latency![key] > (w?.latency![key] ?? -1) ? e : w), ok[0]);
    const w50 = worst('p50');
    const w99 = worst('p99');
    const within = ok.filter((e) => e.latency!.p50 <= TARGET.p50 && e.latency!.p99 <= TARGET.p99).length;
    rows.push({
      scenario: `data at scale: slowest agent/admin endpoint at ${k} conversations (${tag})`,
      value: `p50 ${w50?.latency!.p50} ms (${w50?.name}), p99 ${w99?.latency!.p99} ms (${w99?.name}); ${within} of ${ran.length} endpoints within${failed.length ? `; failing: ${failed.join(', ')}` : ''}`,
      target: `p50 ≤ ${TARGET.p50} ms and p99 ≤ ${TARGET.p99} ms each`,
      pass: within === ran.length,
    });
    const ratios = ran.map((e) => ({ name: e.name, ratio: endpointRatio(s, e.name) })).filter((x): x is { name: string; ratio: number } => x.ratio !== null);
    const top = ratios.reduce((w, x) => (x.ratio > (w?.ratio ?? -Infinity) ? x : w), ratios[0]);
    rows.push({
      scenario: `data at scale: cost at ${k} vs ${kilo(r.small)} (p50), worst endpoint (${tag})`,
      value: `${top?.ratio}× (${top?.name}); ${ratios.filter((x) => x.ratio <= TARGET.ratio).length} of ${ratios.length} within`,
      target: `≤ ${TARGET.ratio}× each`,
      pass: ratios.length === ran.length && ratios.every((x) => x.ratio <= TARGET.ratio),
    });
    const b = s.big.blocking;
    if (b) {
      rows.push({
        scenario: `data at scale: user send at 1,000 msg/s while an admin loops search + analytics, ${k} (${tag})`,
        value:
          `p99 ${b.duringAdmin.latency.p99} ms, max ${b.duringAdmin.latency.max} ms (admin loops done: ${b.duringAdmin.adminLoops}; alone: p99 ${b.alone.latency.p99} ms; ` +
          `${s.small.blocking ? `at ${kilo(r.small)}: p99 ${s.small.blocking.duringAdmin.latency.p99} ms, alone ${s.small.blocking.alone.latency.p99} ms` : `not measured at ${kilo(r.small)}`}); errors ${b.duringAdmin.errors}`,
        target: `p99 ≤ ${TARGET.sendP99} ms`,
        pass: b.duringAdmin.latency.p99 <= TARGET.sendP99 && b.duringAdmin.errors === 0,
      });
    }
    rows.push({
      scenario: `data at scale: start-up to ready with the ${k} data (${tag})`,
      value: `${s.big.startup.median} ms (runs ${s.big.startup.readyMs.join(', ')}; ${kilo(r.small)}: ${s.small.startup.median} ms)`,
      target: `≤ ${TARGET.startupMs.toLocaleString('en')} ms`,
      pass: s.big.startup.median <= TARGET.startupMs,
    });
    rows.push({
      scenario: `data at scale: RSS after every endpoint ran at ${k} (${tag})`,
      value: `${s.big.rssMb.afterEndpoints} MB (after start ${s.big.rssMb.afterStart} MB)`,
      target: `≤ ${TARGET.rssMb} MB`,
      pass: s.big.rssMb.afterEndpoints <= TARGET.rssMb,
    });
    const exact = (x: SetResult) => (x.analytics.exact ? 'exact' : x.analytics.checks.filter((c) => c.api !== c.database).map((c) => `${c.figure.split(' ')[0]} ${c.api} ≠ ${c.database}`).join(', '));
    rows.push({
      scenario: `data at scale: analytics totals = COUNT over the database (${tag})`,
      value: `${kilo(r.small)}: ${exact(s.small)}; ${k}: ${exact(s.big)}`,
      target: 'equal at every size',
      pass: s.small.analytics.exact && s.big.analytics.exact,
    });
    rows.push({
      scenario: `data at scale: disk per conversation at ${k} (${tag})`,
      value: `${(s.big.bytesPerConversation / 1024).toFixed(1)} KB (${(s.big.diskBytes / 2 ** 30).toFixed(2)} GB for ${s.big.conversations.toLocaleString('en')} conversations, ${s.big.messages.toLocaleString('en')} messages)`,
      target: '— (reported)',
      pass: true,
    });
  }
  return rows;
}

// npm run bench — starts what it needs on loopback, runs bounded scenarios and prints each as a
// ratio to a raw WebSocket relay measured in the same run; writes bench/results/*.json and
// BENCHMARKS.md (table + chart). `npm run bench -- --soak[=minutes]` adds the soak (default 10 min);
// `--only=name,name` runs a subset (data-scale, data-scale-sqlite, data-scale-postgres with
// `--scale=n`: see scenarios/data-scale.ts).
import fs from 'node:fs';
import path from 'node:path';
import { freshPg, rawRelayBaseline, ROOT, sleep, startBaton, writeResult, type Stats } from './lib.js';
import { botTurns, botTurnsAtRate, handovers } from './scenarios/bot-and-handover.js';
import { idleSockets, startup } from './scenarios/capacity.js';
import { relayAtRate, relayThroughput } from './scenarios/relay.js';
import { soak } from './scenarios/soak.js';
import { dataScaleSection, writeReport, type Row } from './report.js';
import { dataScale, dataScaleRows, SMALL, type DataScaleResult } from './scenarios/data-scale.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string | undefined]));
const only = args.get('only')?.split(',');
const want = (name: string) => !only || only.includes(name);
const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

const rows: Row[] = [];
function record(row: Row) {
  rows.push(row);
  const ratio = row.ratio !== undefined ? ` ratio ${row.ratio.toFixed(3)}×` : '';
  console.log(`${row.pass ? 'PASS' : 'MISS'}  ${row.scenario}: ${row.value}${ratio}  (target ${row.target})`);
}

/**
 * the soak's row: growth of RSS read after a GC less the young generation's capacity (judged), of RSS
 * after GC, of raw RSS and of the live heap (older results have only some of these figures)
 */
function soakValue(r: { mbPerMinute: number; messages: number; rawRssMbPerMinute?: number; liveHeapMbPerMinute?: number; rssAfterGcMbPerMinute?: number }): string {
  if (r.rawRssMbPerMinute === undefined) return `${r.mbPerMinute} MB/min RSS growth (${r.messages} messages)`;
  if (r.rssAfterGcMbPerMinute === undefined) return `${r.mbPerMinute} MB/min RSS growth after GC (raw RSS ${r.rawRssMbPerMinute}, live heap ${r.liveHeapMbPerMinute} MB/min; ${r.messages} messages)`;
  return (
    `${r.mbPerMinute} MB/min RSS growth after GC, young generation's capacity aside ` +
    `(RSS after GC ${r.rssAfterGcMbPerMinute}, raw RSS ${r.rawRssMbPerMinute}, live heap ${r.liveHeapMbPerMinute} MB/min; ${r.messages} messages)`
  );
}

/** the baseline's concurrency: 20 pairs with 4 messages in flight each */
const BASELINE = { pairs: 20, inFlight: 4 };

/**
 * The raw relay, measured again after each throughput scenario. On these shared machines it measured
 * 30,700–46,000 msg/s in back-to-back runs minutes apart, so a ratio to one measurement at the start
 * of the run depended on which minute each fell in. Each throughput ratio is taken against the mean
 * of the baselines measured right before and right after its scenario.
 */
class Baselines {
  readonly runs: Array<{ msgsPerSec: number; latency: Stats }> = [];
  async measure(): Promise<number> {
    const r = await rawRelayBaseline({ ...BASELINE, seconds: SECONDS });
    this.runs.push(r);
    console.log(`  baseline: ${r.msgsPerSec} msg/s, p99 ${r.latency.p99} ms`);
    return r.msgsPerSec;
  }
  /** the mean of the latest baseline (before the scenario just run) and one measured now */
  async around(): Promise<number> {
    const before = this.runs[this.runs.length - 1]!.msgsPerSec;
    return Math.round((before + (await this.measure())) / 2);
  }
}

async function main() {
  console.log('baseline: raw ws relay …');
  const baselines = new Baselines();
  await baselines.measure();
  const baseline = baselines.runs[0]!;

  for (const store of ['sqlite', 'postgres'] as const) {
    if (!want(`relay-${store}`)) continue;
    const db = store === 'postgres' ? await freshPg() : undefined;
    const b = await startBaton(db ? { DATABASE_URL: db.url, BATON_SECRET_KEY: 'bench-secret-key-0123456789abcdef' } : {});
    try {
      // the user sends on their socket (message.send, acknowledged once durable); POST /messages is
      // measured beside it for reference
      const r = await relayThroughput(b, { ...BASELINE, seconds: SECONDS, via: 'ws' });
      const http = await relayThroughput(b, { ...BASELINE, seconds: SECONDS, via: 'http' });
      const base = await baselines.around();
      const ratio = r.msgsPerSec / base;
      writeResult(`relay-${store}`, { ...r, baseline: base, ratio });
      record({ scenario: `user→agent relay, persisted + pushed (${store})`, value: `${r.msgsPerSec} msg/s, p99 ${r.latency.p99} ms`, ratio, target: '≥ 0.35×', pass: ratio >= 0.35 });
      writeResult(`relay-${store}-http`, { ...http, baseline: base, ratio: http.msgsPerSec / base });
      record({ scenario: `same, user sending with POST /messages (${store})`, value: `${http.msgsPerSec} msg/s, p99 ${http.latency.p99} ms`, ratio: http.msgsPerSec / base, target: '— (reference)', pass: true });
      const fixed = await relayAtRate(b, { pairs: 50, seconds: 5, rate: 5000, via: 'ws' });
      writeResult(`relay-${store}-5000`, fixed);
      record({ scenario: `relay p99 at 5,000 msg/s offered (${store})`, value: `achieved ${fixed.achieved} msg/s, p99 ${fixed.latency.p99} ms, errors ${fixed.errors}`, target: 'p99 ≤ 25 ms', pass: fixed.latency.p99 <= 25 && fixed.errors === 0 });
    } finally {
      await b.stop();
      await db?.drop();
    }
  }

  if (want('bot')) {
    const b = await startBaton();
    try {
      // as many users, each with one question in flight, as the baseline has messages in flight:
      // the ratio compares the two at the same concurrency
      const r = await botTurns(b, { users: BASELINE.pairs * BASELINE.inFlight, seconds: SECONDS });
      const base = await baselines.around();
      const ratio = r.turnsPerSec / base;
      writeResult('bot-turns', { ...r, baseline: base, ratio });
      record({ scenario: 'bot turns (message → NLU → dialog → reply persisted + pushed)', value: `${r.turnsPerSec} turns/s, p99 ${r.latency.p99} ms`, ratio, target: '≥ 0.10×', pass: ratio >= 0.1 });
      const half = await botTurnsAtRate(b, { users: 40, seconds: 5, rate: Math.max(1, Math.floor(r.turnsPerSec / 2)) });
      writeResult('bot-turns-half-load', half);
      record({ scenario: `bot turn p99 at half load (${half.offered}/s)`, value: `p99 ${half.latency.p99} ms`, target: 'p99 ≤ 50 ms', pass: half.latency.p99 <= 50 });
    } finally {
      await b.stop();
    }
  }

  if (want('handovers')) {
    const b = await startBaton({ SQLITE_SYNCHRONOUS: 'FULL' });
    try {
      const r = await handovers(b, { count: 2000, agents: 50 });
      writeResult('handovers', r);
      record({ scenario: 'handovers (offload → routed → assigned, SQLite)', value: `${r.perSec}/s over ${r.handovers}, request → assigned p99 ${r.assignment?.p99 ?? '?'} ms`, ratio: r.perSec / baseline.msgsPerSec, target: '≥ 1,000/s, p99 ≤ 50 ms', pass: r.perSec >= 1000 && (r.assignment?.p99 ?? Infinity) <= 50 });
    } finally {
      await b.stop();
    }
  }

  if (want('idle')) {
    const r = await idleSockets(10_000);
    writeResult('idle-sockets', r);
    record({ scenario: 'idle WebSocket connections on one instance', value: `${r.connections} open, ${r.kbPerConnection} KB each`, target: '10,000 at ≤ 10 KB each', pass: r.connections >= 10_000 && r.kbPerConnection <= 10 });
  }

  if (want('startup')) {
    const r = await startup();
    writeResult('startup', r);
    record({ scenario: 'start-up to ready, existing data dir', value: `${r.median} ms (runs ${r.readyMs.join(', ')})`, target: '≤ 1,500 ms', pass: r.median <= 1500 });
  }

  if (want('two-instances')) {
    const db = await freshPg();
    const env = { DATABASE_URL: db.url, REDIS_URL: REDIS, BATON_SECRET_KEY: 'bench-secret-key-0123456789abcdef' };
    const one = await startBaton(env);
    let single: number;
    try {
      single = (await relayThroughput(one, { ...BASELINE, seconds: SECONDS, via: 'ws' })).msgsPerSec;
    } finally {
      await one.stop();
    }
    // the same number of write lanes against PostgreSQL in both runs (one instance: the default 2; two:
    // 1 each, as docs/deployment.md advises), so the ratio measures what crossing instances costs and
    // not PostgreSQL with twice the concurrent writers (2 lanes each: 0.73–0.88×, see bench/NOTES.md)
    const a = await startBaton({ ...env, DATABASE_WRITE_LANES: '1' });
    const b = await startBaton({ ...env, DATABASE_WRITE_LANES: '1' });
    try {
      // agents' sockets are on B, users send on sockets to A or B in turn: half of the messages
      // cross Redis, and both instances write to the same PostgreSQL
      const r = await relayThroughput(a, { ...BASELINE, seconds: SECONDS, via: 'ws', wsBase: b.url.replace(/^http/, 'ws'), sendVia: (i) => (i % 2 ? a.url : b.url) });
      const ratio = r.msgsPerSec / single;
      writeResult('two-instances', { single, two: r.msgsPerSec, ratio, latency: r.latency });
      record({ scenario: 'two instances through Redis vs one (PostgreSQL, 2 write lanes in all)', value: `${r.msgsPerSec} vs ${single} msg/s`, ratio, target: '≥ 0.8× one instance', pass: ratio >= 0.8 });
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  }

  if (args.has('soak')) {
    const minutes = Number(args.get('soak') ?? 10);
    const r = await soak(minutes);
    writeResult('soak', r);
    record({ scenario: `soak ${minutes} min at steady load (after ${r.warmupMinutes} min of warm-up)`, value: soakValue(r), target: '≤ 1 MB/min', pass: r.mbPerMinute <= 1 });
  } else {
    const prev = path.join(ROOT, 'bench/results/soak.json');
    if (fs.existsSync(prev)) {
      const r = JSON.parse(fs.readFileSync(prev, 'utf8'));
      rows.push({ scenario: `soak ${r.minutes} min (from ${r.at.slice(0, 10)}; rerun with --soak)`, value: soakValue(r), target: '≤ 1 MB/min', pass: r.mbPerMinute <= 1 });
    }
  }

  // data at scale: both stores, or one (--only=data-scale-sqlite); --scale= or BENCH_SCALE for a
  // smaller set while developing
  const sections: string[] = [];
  const scaleStores = (['sqlite', 'postgres'] as const).filter((s) => want('data-scale') || want(`data-scale-${s}`));
  if (scaleStores.length) {
    const scale = Number(args.get('scale') ?? process.env.BENCH_SCALE ?? 300_000);
    const result: DataScaleResult = { scale, small: SMALL, stores: {} };
    for (const store of scaleStores) {
      console.log(`data at scale (${store}, ${scale} conversations) …`);
      result.stores[store] = await dataScale(store, scale);
    }
    writeResult('data-scale', result);
    for (const row of dataScaleRows(result)) record(row);
    sections.push(dataScaleSection(result));
  } else {
    const prev = path.join(ROOT, 'bench/results/data-scale.json');
    if (fs.existsSync(prev)) {
      const r = JSON.parse(fs.readFileSync(prev, 'utf8')) as DataScaleResult & { at: string };
      rows.push(...dataScaleRows(r, `, from ${r.at.slice(0, 10)}`));
      sections.push(dataScaleSection(r, r.at.slice(0, 10)));
    }
  }

  const all = baselines.runs.map((b) => b.msgsPerSec);
  const mean = Math.round(all.reduce((a, b) => a + b, 0) / all.length);
  const summary = { msgsPerSec: mean, runs: all, latency: baseline.latency };
  writeResult('baseline-relay', summary);
  rows.unshift({ scenario: 'raw ws relay (baseline)', value: `${mean} msg/s (runs ${all.join(', ')}), p99 ${baseline.latency.p99} ms`, target: '—', pass: true, ratio: 1 });
  // a partial run (--only) prints its rows and keeps bench/results/*.json, but BENCHMARKS.md always
  // shows one whole run
  if (!only) writeReport(rows, summary, sections);
  await sleep(10);
  const missed = rows.filter((r) => !r.pass);
  console.log(`\n${rows.length - missed.length} met, ${missed.length} missed${only ? ' (partial run: BENCHMARKS.md left as it was)' : ' — see BENCHMARKS.md'}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

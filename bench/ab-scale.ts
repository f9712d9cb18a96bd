// Interleaved A/B of two builds (or two environments) on the cached SQLite data-scale set: each
// variant gets its own copy of the set (made by `npm run bench -- --only=data-scale-sqlite`), and the
// rounds alternate between them, so the machine's drift falls on both. What one round measures: the
// user send at 1,000 msg/s alone and while an admin loops search + analytics (the data-scale
// scenario's blocking test), and with `--endpoints` every agent/admin endpoint too.
//   node --import tsx bench/ab-scale.ts --a=/abs/dist/main.js --b=apps/server/dist/main.js [--rounds=3]
//     [--env-a=K=V,K=V] [--env-b=…] [--scale=300000] [--set=bench/.cache/data-scale/<dir>] [--endpoints]
// With PostgreSQL: `--pg-a=postgres://…/db --pg-b=… --fixture=<its fixture.json>` runs each variant on a
// database made by bench/data-scale/generate-pg.ts
// (its first start folds the analytics there, as for SQLite).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, sleep, startBaton } from './lib.js';
import Database from 'better-sqlite3';
import pg from 'pg';
import { blockingTest, cacheKey, CACHE, FOLDED, measureEndpoints, type Who } from './scenarios/data-scale.js';
import type { ScaleFixture } from './data-scale/generate.js';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split(/=(.*)/s, 2) as [string, string]));
const scale = Number(args.get('scale') ?? 300_000);
const rounds = Number(args.get('rounds') ?? 3);
const names = ['a', 'b'].filter((v) => args.has(v) || args.has(`env-${v}`) || args.has(`pg-${v}`));
const envOf = (v: string): Record<string, string> =>
  Object.fromEntries((args.get(`env-${v}`) ?? '').split(',').filter(Boolean).map((kv) => kv.split(/=(.*)/s, 2) as [string, string]));

// this schema's set, or (a migration added since) the newest cached set of the scale: each build migrates its copy
const exact = path.join(CACHE, cacheKey(scale));
const dir =
  args.get('set') ??
  (fs.existsSync(exact)
    ? exact
    : fs
        .readdirSync(CACHE)
        .filter((d) => d.startsWith('sqlite-') && d.split('-')[2] === String(scale) && !d.includes('.tmp'))
        .map((d) => path.join(CACHE, d))
        .sort((x, y) => fs.statSync(y).mtimeMs - fs.statSync(x).mtimeMs)[0]!);
// a PostgreSQL set brings its own fixture (bench/data-scale/generate.ts's answer, saved as JSON)
const fx = JSON.parse(fs.readFileSync(args.get('fixture') ?? path.join(dir, 'fixture.json'), 'utf8')) as ScaleFixture;
const copies = new Map<string, string>();
for (const v of names) {
  const pgUrl = args.get(`pg-${v}`);
  let folded: () => Promise<number>;
  if (pgUrl) {
    folded = async () => {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      try {
        return Number((await c.query<{ f: string }>(FOLDED)).rows[0]?.f ?? 0);
      } finally {
        await c.end();
      }
    };
  } else {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `baton-ab-${v}-`));
    for (const f of fs.readdirSync(dir).filter((f) => f.startsWith('baton.sqlite'))) fs.copyFileSync(path.join(dir, f), path.join(work, f));
    copies.set(v, work);
    folded = async () => {
      const db = new Database(path.join(work, 'baton.sqlite'), { readonly: true });
      try {
        return Number((db.prepare(FOLDED).get() as { f: number } | undefined)?.f ?? 0);
      } finally {
        db.close();
      }
    };
  }
  // the first start folds the generated months into the analytics rollup, as a server running all
  // along would have (not measured)
  const first = await start(v);
  while ((await folded()) < Date.now() - 3 * 3600_000) await sleep(1000);
  await first.stop();
}

/** Baton as variant `v` runs it: its build, its environment, its copy or database */
async function start(v: string) {
  const previous = process.env.BENCH_MAIN;
  if (args.has(v)) process.env.BENCH_MAIN = args.get(v);
  const pgUrl = args.get(`pg-${v}`);
  try {
    return await startBaton({ ...envOf(v), ...(pgUrl ? { DATABASE_URL: pgUrl, BATON_SECRET_KEY: 'bench-secret-key-0123456789abcdef' } : {}) }, copies.get(v));
  } finally {
    if (previous === undefined) delete process.env.BENCH_MAIN;
    else process.env.BENCH_MAIN = previous;
  }
}

try {
  for (let round = 1; round <= rounds; round++) {
    for (const v of names) {
      const b = await start(v);
      try {
        // the fold and the first reads settle before anything is measured
        await sleep(3000);
        const login = async (who: 'admin' | 'a1' | 'sup1') => (await api(b.url, 'POST', '/api/v1/auth/login', { body: { email: fx.agents[who].email, password: fx.agents[who].password } })).body.token as string;
        const tokens: Record<Who, string | undefined> = { admin: await login('admin'), a1: await login('a1'), sup1: await login('sup1'), user: fx.long.token, none: undefined };
        const log = (s: string) => console.log(`${new Date().toISOString().slice(11, 21)} [${v} r${round}] ${s.trim()}`);
        console.log(`[${v} r${round}] load ${os.loadavg()[0]!.toFixed(1)}, ready in ${b.readyMs} ms, RSS ${Math.round(b.rssKb() / 1024)} MB`);
        if (args.has('endpoints')) await measureEndpoints(b, fx, tokens, log);
        await blockingTest(b, fx, tokens.admin!, log);
        console.log(`[${v} r${round}] RSS ${Math.round(b.rssKb() / 1024)} MB`);
      } finally {
        await b.stop();
      }
    }
  }
} finally {
  for (const work of copies.values()) fs.rmSync(work, { recursive: true, force: true });
}

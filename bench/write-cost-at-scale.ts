// What one user message costs SQLite's writer on a large data set, in-process (no server): a copy of
// the cached data-scale set (`npm run bench -- --only=data-scale-sqlite` makes it), then transactions
// of one message each, shaped as the writer thread stores them (take-seq UPDATE, INSERT, the batch's
// search indexing, COMMIT), timed part by part. bench/NOTES.md, "Write path and memory at scale".
//   node --import tsx bench/write-cost-at-scale.ts <set dir> [messages=20000] [--cache=-16384]
//     [--idle-merge=16] [--fts="insert into search_index(search_index, rank) values ('usermerge', 8)"]
// --idle-merge=N runs one FTS5 merge step of N pages after each commit, as the idle write queue does
// (migration 028); --fts runs SQL first (FTS5 settings); the WAL is never checkpointed here, so a
// checkpoint does not land in a commit's time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { INSERT_MESSAGE, takeSeqSql } from '../apps/server/src/store/statements.js';
import { searchBatch } from '../apps/server/src/store/sqlite/search-batch.js';
import { searchMergeStep } from '../apps/server/src/store/sqlite/search-merge.js';
import type { ScaleFixture } from './data-scale/generate.js';

const [src, count] = [process.argv[2], Number(process.argv[3] ?? 20_000)];
if (!src || !fs.existsSync(path.join(src, 'fixture.json'))) throw new Error('usage: write-cost-at-scale.ts <cached data-scale set dir> [messages]');
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const fx = JSON.parse(fs.readFileSync(path.join(src, 'fixture.json'), 'utf8')) as ScaleFixture;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-write-cost-'));
for (const f of fs.readdirSync(src).filter((f) => f.startsWith('baton.sqlite'))) fs.copyFileSync(path.join(src, f), path.join(work, f));
const db = new SQLite(path.join(work, 'baton.sqlite'));
try {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('wal_autocheckpoint = 0');
  if (option('cache')) db.pragma(`cache_size = ${option('cache')}`);
  if (option('fts')) db.exec(option('fts')!);
  const pages = Number(option('idle-merge') ?? 0);
  const take = db.prepare(takeSeqSql({ key: false, held: false }));
  const insert = db.prepare(INSERT_MESSAGE);
  const search = searchBatch(db);
  const merge = searchMergeStep(db);
  const begin = db.prepare('begin immediate');
  const commit = db.prepare('commit');
  const parts = { take: [] as number[], insert: [] as number[], index: [] as number[], commit: [] as number[], total: [] as number[], merge: [] as number[] };
  let merged = 0;
  for (let i = 0; i < count; i++) {
    const conversation = fx.chats[i % fx.chats.length]!.id;
    const text = `load ${i} hello my address changed to kerkstraat ${i % 97}`;
    const t0 = performance.now();
    begin.run();
    search.begin();
    const { last_seq } = take.get(Date.now(), conversation) as { last_seq: number };
    const t1 = performance.now();
    insert.run(randomUUID(), conversation, last_seq, 'user', null, null, text, JSON.stringify({ text }), null, 0, null, Date.now());
    const t2 = performance.now();
    search.end();
    const t3 = performance.now();
    commit.run();
    const t4 = performance.now();
    parts.take.push(t1 - t0);
    parts.insert.push(t2 - t1);
    parts.index.push(t3 - t2);
    parts.commit.push(t4 - t3);
    parts.total.push(t4 - t0);
    if (pages) {
      const m0 = performance.now();
      if (merge(pages)) merged++;
      parts.merge.push(performance.now() - m0);
    }
  }
  const at = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!.toFixed(2);
  for (const [name, xs] of Object.entries(parts)) {
    if (!xs.length) continue;
    console.log(`${name.padEnd(7)} p50 ${at(xs, 0.5)} p99 ${at(xs, 0.99)} max ${at(xs, 1)} sum ${xs.reduce((a, b) => a + b, 0).toFixed(0)} ms${name === 'merge' ? `, ${merged} steps merged, ${xs.filter((x) => x > 5).length} over 5 ms` : ''}`);
  }
  const segments = db.prepare('select count(distinct segid) from search_index_idx').pluck().get();
  console.log(`index segments after: ${segments}`);
} finally {
  db.close();
  fs.rmSync(work, { recursive: true, force: true });
}

// What the search index costs SQLite's writer per message, in-process (no server, no sockets):
// `node --import tsx bench/search-write-cost.ts [rounds]`. A migrated database; transactions of 20 user
// messages shaped as the writer thread stores them (the take-seq UPDATE, then the INSERT), 10,000 tiny
// ("r123", the relay's) and 10,000 realistic (~80 characters) messages, for three indexings:
// - none: the search triggers dropped (what the write path cost before migration 013);
// - per-row: migration 013's trigger per message (what the writer did before 016);
// - batch: migration 016's marked batch, indexed by one statement before COMMIT (the writer now).
// Prints µs per message, and the FTS5 segments the first two transactions wrote (merging off, so each
// flush is one segment; later ones would be merged by crisismerge).
// Variants run interleaved, `rounds` times (default 3): the machine is shared.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openStore } from '../apps/server/src/store/database.js';
import { INSERT_MESSAGE, takeSeqSql } from '../apps/server/src/store/statements.js';
import { searchBatch } from '../apps/server/src/store/sqlite/search-batch.js';

const rounds = Number(process.argv[2] ?? 3);
const N = 10_000;
const BATCH = 20;
const CONVERSATIONS = 200;

const template = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-search-cost-'));
await (await openStore({ dataDir: template, sqliteSynchronous: 'NORMAL' })).close();

const words = 'hello my address changed to kerkstraat 12 in gent please update janssens invoice number order delivery tomorrow thanks bonjour merci adresse nouvelle hallo bedankt'.split(' ');
let seed = 1;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const texts = {
  tiny: Array.from({ length: N }, (_, i) => `r${i}`),
  realistic: Array.from({ length: N }, (_, i) => `${Array.from({ length: 14 }, () => words[Math.floor(rnd() * words.length)]).join(' ').slice(0, 76)} ${i}`),
};

type Variant = 'none' | 'per-row' | 'batch';

function run(variant: Variant, kind: keyof typeof texts): { us: number; segments: number } {
  const file = path.join(template, `run-${variant}-${kind}.sqlite`);
  fs.copyFileSync(path.join(template, 'baton.sqlite'), file);
  const db = new SQLite(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (variant === 'none') db.exec('drop trigger messages_search_insert; drop trigger messages_search_later');
    db.exec("insert into search_index(search_index, rank) values ('automerge', 0); insert into search_index(search_index, rank) values ('crisismerge', 64)");
    const now = Date.now();
    const conv = db.prepare("insert into conversations (id, bot_id, status, language, token_hash, created_at, updated_at) values (?, 'b', 'agent', 'en', ?, ?, ?)");
    db.transaction(() => {
      for (let i = 0; i < CONVERSATIONS; i++) conv.run(`c${i}`, `t${i}`, now, now);
    })();
    const take = db.prepare(takeSeqSql({ key: false, held: false }));
    const insert = db.prepare(INSERT_MESSAGE);
    const search = variant === 'batch' ? searchBatch(db) : undefined;
    const list = texts[kind];
    const tx = db.transaction((from: number) => {
      search?.begin();
      for (let i = from; i < from + BATCH; i++) {
        const c = `c${i % CONVERSATIONS}`;
        const { last_seq } = take.get(now, c) as { last_seq: number };
        insert.run(`m${String(i).padStart(8, '0')}`, c, last_seq, 'user', null, null, list[i], JSON.stringify({ text: list[i] }), null, 0, null, now);
      }
      search?.end();
    });
    const t0 = process.hrtime.bigint();
    let segments = 0;
    for (let i = 0; i < N; i += BATCH) {
      tx.immediate(i);
      if (i === BATCH) segments = (db.prepare('select count(distinct segid) as n from search_index_idx').get() as { n: number }).n;
    }
    const us = Number(process.hrtime.bigint() - t0) / 1000 / N;
    return { us: Math.round(us * 10) / 10, segments };
  } finally {
    db.close();
    for (const s of ['', '-wal', '-shm']) fs.rmSync(file + s, { force: true });
  }
}

for (let r = 1; r <= rounds; r++) {
  for (const kind of ['tiny', 'realistic'] as const) {
    for (const variant of ['none', 'per-row', 'batch'] as const) {
      const { us, segments } = run(variant, kind);
      console.log(`round ${r} ${kind.padEnd(9)} ${variant.padEnd(7)} ${String(us).padStart(6)} µs/message, ${segments} index segments written by the first 2 transactions of ${BATCH}`);
    }
  }
}
fs.rmSync(template, { recursive: true, force: true });

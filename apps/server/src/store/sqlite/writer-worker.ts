// SQLite's writer thread (see writer.ts): stores batches of user messages and simple bot turns with a
// connection of its own, one transaction per batch, and fdatasyncs the WAL after its commits when the
// store wants FULL durability.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { MessageRow } from '../schema.js';
import { INSERT_ATTACHMENT, INSERT_MESSAGE, MESSAGE_BY_KEY, SIMPLE_BOT_TURN, attachmentValues, messageValues, takeSeqSql } from '../statements.js';
import { searchBatch } from './search-batch.js';
import { searchMergeStep } from './search-merge.js';
import type { FromWriter, ToWriter, WriterBotTurn, WriterData, WriterMessage, WriterOutcome, WriterWrite } from './writer-protocol.js';

const port = parentPort!;
const data = workerData as WriterData;
const post = (m: FromWriter) => port.postMessage(m);

const db = new SQLite(data.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
db.pragma('wal_autocheckpoint = 10000');
// 16 MB of page cache instead of 2: at 300k conversations the indexes a message touches no longer fit
// in 2 MB, and a commit re-read them from the OS (p50 0.19 → 0.06 ms per message; bench/NOTES.md)
db.pragma('cache_size = -16384');

type Open = { status: string; provider_id: string | null; last_seq: number };
const takers = new Map<string, SQLite.Statement<unknown[], Open>>();
function taker(key: boolean, held: boolean): SQLite.Statement<unknown[], Open> {
  const text = takeSeqSql({ key, held });
  let stmt = takers.get(text);
  if (!stmt) takers.set(text, (stmt = db.prepare<unknown[], Open>(text)));
  return stmt;
}
const insert = db.prepare(INSERT_MESSAGE);
const byKey = db.prepare<unknown[], MessageRow>(MESSAGE_BY_KEY);
const botTurn = db.prepare<unknown[], { last_seq: number }>(SIMPLE_BOT_TURN);
const insertAttachment = db.prepare(INSERT_ATTACHMENT);
const search = searchBatch(db);
const mergeStep = searchMergeStep(db);

function userMessage({ row, held }: WriterMessage): WriterOutcome {
  const params: unknown[] = [row.created_at, row.conversation_id];
  if (held.length) params.push(JSON.stringify(held));
  if (row.idempotency_key !== null) params.push(row.conversation_id, row.idempotency_key);
  const open = taker(row.idempotency_key !== null, held.length > 0).get(params);
  if (!open) {
    const existing = row.idempotency_key === null ? undefined : byKey.get(row.conversation_id, row.idempotency_key);
    return existing ? { kind: 'duplicate', existing } : null;
  }
  insert.run(messageValues(row, open.last_seq));
  return { kind: 'stored', seq: open.last_seq, status: open.status, provider_id: open.provider_id };
}

function simpleBotTurn({ bot: { params, rows } }: WriterBotTurn): WriterOutcome {
  const bumped = botTurn.get(params);
  if (!bumped) return null;
  rows.forEach((row, i) => insert.run(messageValues(row, bumped.last_seq - rows.length + 1 + i)));
  return { kind: 'bot', lastSeq: bumped.last_seq };
}

const store = db.transaction((writes: WriterWrite[]): WriterOutcome[] => {
  // conversations with a write left out: their later writes are left out too (their order holds)
  const leftOut = new Set<string>();
  // the batch's messages are indexed for search at its end, in one statement (search-batch.ts)
  search.begin();
  const outcomes = writes.map((w) => {
    if ('attachment' in w) {
      // an upload is independent of the conversation's message order: never left out
      insertAttachment.run(attachmentValues(w.attachment));
      return { kind: 'attachment' as const };
    }
    const conversation = 'bot' in w ? w.bot.id : w.row.conversation_id;
    if (leftOut.has(conversation)) return null;
    const outcome = 'bot' in w ? simpleBotTurn(w) : userMessage(w);
    if (outcome === null) leftOut.add(conversation);
    return outcome;
  });
  search.end();
  return outcomes;
});

// group fsync of the WAL: one at a time, each covering every batch committed before it started
let wal: number | undefined;
let committed = 0;
let synced = 0;
let syncing = false;
function sync(): void {
  if (syncing || synced >= committed) return;
  syncing = true;
  const upTo = committed;
  const done = (err: NodeJS.ErrnoException | null) => {
    syncing = false;
    if (err) post({ type: 'syncFailed', upTo, message: err.message });
    else {
      synced = upTo;
      post({ type: 'synced', upTo });
    }
    sync();
  };
  try {
    wal ??= fs.openSync(`${data.file}-wal`, 'r');
  } catch (err) {
    return done(err as NodeJS.ErrnoException);
  }
  fs.fdatasync(wal, done);
}

port.on('message', (m: ToWriter) => {
  if (m.type === 'stop') {
    if (wal !== undefined) fs.closeSync(wal);
    db.close();
    post({ type: 'stopped' });
    return;
  }
  if (m.type === 'merge') {
    try {
      post({ type: 'merged', id: m.id, worked: mergeStep(m.pages) });
    } catch (err) {
      // a failed step merged nothing (its statement rolled back): reported, and tried again when the lane is next idle
      post({ type: 'merged', id: m.id, worked: false, error: String((err as Error)?.message ?? err) });
    }
    return;
  }
  let outcomes: WriterOutcome[];
  try {
    outcomes = store.immediate(m.writes);
  } catch (err) {
    post({ type: 'failed', id: m.id, message: String((err as Error)?.message ?? err) });
    return;
  }
  post({ type: 'done', id: m.id, outcomes });
  if (data.durable) {
    committed = m.id;
    sync();
  }
});
post({ type: 'ready' });

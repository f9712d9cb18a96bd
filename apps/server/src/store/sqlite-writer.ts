// The embedded store's hottest writes, off the event loop. better-sqlite3 runs a statement on the thread
// that calls it: a batch of user messages (a seq taken per message, the insert, the COMMIT writing the
// WAL) was ~35 % of the main thread at saturation (a bot turn's own writes are much the same), and the
// COMMIT's writes to the WAL sometimes block in the kernel for milliseconds, which every socket on the
// instance then waits out. Here a worker thread with a connection of its own stores such a batch (user
// messages and simple bot turns, in queue order) in one transaction while the main thread goes on
// serving sockets; the write queue's single SQLite lane sends a batch only while no transaction is open
// on the main connection, so the two connections never wait for each other's write lock.
//
// The worker commits with `synchronous = NORMAL` like the main connection and, for FULL durability,
// fdatasyncs the WAL itself right after each COMMIT (one sync covering every commit before it, on
// libuv's thread pool, while the next batch executes): a batch is acknowledged only once its sync is
// done. Started here, the sync no longer waits for the answer to reach the event loop first.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { stopWorker } from './checkpointer.js';
import type { MessageRow } from './schema.js';

/** A user's message, its row built by the caller (seq 0: the worker takes the next one). */
export interface WriterMessage {
  row: MessageRow;
  /** providers whose conversations need the caller's own transaction: such messages are left out */
  held: readonly string[];
}

/**
 * A simple bot turn (conversations.ts, BotTurnItem): the UPDATE's parameters and the turn's message
 * rows (seq 0: they get the seqs the UPDATE took, in order).
 */
export interface WriterBotTurn {
  bot: { id: string; params: unknown[]; rows: MessageRow[] };
}

export type WriterWrite = WriterMessage | WriterBotTurn;

/**
 * A simple bot turn's update of its conversation (run here and, in a transaction, by conversations.ts):
 * seqs for its messages, the bot's progress and state, variables and tags (null: unchanged), only if
 * the bot's state is the one the turn started from and the bot still has the conversation. Parameters:
 * message count, bot_seq, bot_state, variables, tags, now, id, expected bot_version.
 */
export const SIMPLE_BOT_TURN =
  'update conversations set last_seq = last_seq + ?, bot_seq = ?, bot_version = bot_version + 1, bot_state = ?, ' +
  "variables = coalesce(?, variables), tags = coalesce(?, tags), updated_at = ? where id = ? and bot_version = ? and status = 'bot' returning last_seq";

/**
 * Per write: a message stored under `seq`; a duplicate of a stored one (by idempotency key); a bot turn
 * stored, its conversation's `last_seq` after it; or left out (null).
 */
export type WriterOutcome =
  | { kind: 'stored'; seq: number; status: string; provider_id: string | null }
  | { kind: 'duplicate'; existing: MessageRow }
  | { kind: 'bot'; lastSeq: number }
  | null;

/** What the writer answers for a batch: its outcomes, and when they are on disk. */
export interface WriterAnswer {
  outcomes: WriterOutcome[];
  /** resolves once the batch's commit is on disk (already resolved without FULL durability) */
  durable: Promise<void>;
}

export interface SqliteWriter {
  /**
   * Stores user messages and simple bot turns in one transaction, in order. A message is left out
   * (null) when its conversation is closed, unknown, or of a held provider; a bot turn when its
   * conversation is no longer as the turn found it; and then so is every later write of that
   * conversation in the call, so a conversation's order holds. Rejects, having written nothing, when
   * the worker is not ready yet, has failed, or the transaction fails: the caller then stores it all
   * itself.
   */
  write(writes: WriterWrite[]): Promise<WriterAnswer>;
  /**
   * starts the thread if it is not running and resolves once it can take batches; rejects if it fails
   * to start or the writer is stopped (tests: the server never waits for it)
   */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

// plain JavaScript evaluated in the worker: it runs the same from src (tsx) and from dist
const WORKER = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
db.pragma('foreign_keys = ON');
db.pragma('wal_autocheckpoint = 10000');
const take = new Map();
function taker(withKey, withHeld) {
  const k = (withKey ? 2 : 0) + (withHeld ? 1 : 0);
  let stmt = take.get(k);
  if (!stmt) {
    stmt = db.prepare(
      "update conversations set last_seq = last_seq + 1, updated_at = ? where id = ? and status <> 'closed'" +
        (withHeld ? ' and (provider_id is null or provider_id not in (select value from json_each(?)))' : '') +
        (withKey ? ' and not exists (select 1 from messages where conversation_id = ? and idempotency_key = ?)' : '') +
        ' returning status, provider_id, last_seq',
    );
    take.set(k, stmt);
  }
  return stmt;
}
const insert = db.prepare(
  'insert into messages (id, conversation_id, seq, author_type, author_id, author_name, text, body, event, internal, idempotency_key, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
);
const byKey = db.prepare('select * from messages where conversation_id = ? and idempotency_key = ?');
const botTurn = db.prepare(${JSON.stringify(SIMPLE_BOT_TURN)});
const put = (row, seq) =>
  insert.run(row.id, row.conversation_id, seq, row.author_type, row.author_id, row.author_name, row.text, row.body, row.event, row.internal, row.idempotency_key, row.created_at);
function userMessage({ row, held }) {
  const params = [row.created_at, row.conversation_id];
  if (held.length) params.push(JSON.stringify(held));
  if (row.idempotency_key !== null) params.push(row.conversation_id, row.idempotency_key);
  const open = taker(row.idempotency_key !== null, held.length > 0).get(params);
  if (!open) {
    const existing = row.idempotency_key === null ? undefined : byKey.get(row.conversation_id, row.idempotency_key);
    return existing ? { kind: 'duplicate', existing } : null;
  }
  put(row, open.last_seq);
  return { kind: 'stored', seq: open.last_seq, status: open.status, provider_id: open.provider_id };
}
function simpleBotTurn({ params, rows }) {
  const bumped = botTurn.get(params);
  if (!bumped) return null;
  rows.forEach((row, i) => put(row, bumped.last_seq - rows.length + 1 + i));
  return { kind: 'bot', lastSeq: bumped.last_seq };
}
const store = db.transaction((writes) => {
  // conversations with a write left out: their later writes are left out too (their order holds)
  const leftOut = new Set();
  return writes.map((w) => {
    const conversation = w.bot ? w.bot.id : w.row.conversation_id;
    if (leftOut.has(conversation)) return null;
    const outcome = w.bot ? simpleBotTurn(w.bot) : userMessage(w);
    if (outcome === null) leftOut.add(conversation);
    return outcome;
  });
});
// group fsync of the WAL: one at a time, each covering every batch committed before it started
let wal;
let committed = 0;
let synced = 0;
let syncing = false;
function sync() {
  if (syncing || synced >= committed) return;
  syncing = true;
  const upTo = committed;
  const done = (err) => {
    syncing = false;
    if (err) parentPort.postMessage({ type: 'syncFailed', upTo, message: String(err.message || err) });
    else {
      synced = upTo;
      parentPort.postMessage({ type: 'synced', upTo });
    }
    sync();
  };
  try {
    wal ??= fs.openSync(workerData.file + '-wal', 'r');
  } catch (err) {
    return done(err);
  }
  fs.fdatasync(wal, done);
}
parentPort.on('message', (m) => {
  if (m.type === 'stop') {
    if (wal !== undefined) fs.closeSync(wal);
    db.close();
    parentPort.postMessage({ type: 'stopped' });
    return;
  }
  let outcomes;
  try {
    outcomes = store.immediate(m.writes);
  } catch (err) {
    parentPort.postMessage({ type: 'failed', id: m.id, message: String((err && err.message) || err) });
    return;
  }
  parentPort.postMessage({ type: 'done', id: m.id, outcomes });
  if (workerData.durable) {
    committed = m.id;
    sync();
  }
});
parentPort.postMessage({ type: 'ready' });
`;

type FromWorker =
  | { type: 'ready' | 'stopped' }
  | { type: 'done'; id: number; outcomes: WriterOutcome[] }
  | { type: 'failed'; id: number; message: string }
  | { type: 'synced'; upTo: number }
  | { type: 'syncFailed'; upTo: number; message: string };

/** after the worker failed, batches go to the main connection for this long before it is started again */
const RESPAWN_AFTER_MS = 5_000;

/**
 * The writer for the database at `file` (migrated: the worker prepares its statements as it starts).
 * Its thread starts with the first batch, which (like every batch until the thread is ready) is
 * stored on the main connection; a thread that exits or errors is reported and started again on a
 * batch at least RESPAWN_AFTER_MS later.
 */
export function createSqliteWriter(
  file: string,
  opts: {
    /** FULL durability: a batch is durable once the WAL has been fdatasync'ed after its commit */
    durable?: boolean;
    onError?: (message: string) => void;
  } = {},
): SqliteWriter {
  const durable = opts.durable ?? true;
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | undefined;
  let isReady = false;
  let failedAt = -Infinity;
  let stopping: Promise<void> | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (o: WriterAnswer) => void; reject: (e: Error) => void }>();
  /** batches committed whose sync has not been reported, in id order */
  const unsynced: Array<{ id: number; resolve: () => void; reject: (e: Error) => void }> = [];
  const settleSyncs = (upTo: number, error?: Error) => {
    while (unsynced.length && unsynced[0]!.id <= upTo) {
      const u = unsynced.shift()!;
      if (error) u.reject(error);
      else u.resolve();
    }
  };
  const readyWaiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];

  const fail = (w: Worker, message: string) => {
    if (worker !== w) return;
    worker = undefined;
    isReady = false;
    failedAt = performance.now();
    opts.onError?.(message);
    const error = new Error(`SQLite writer: ${message}`);
    // the write queue stores a rejected batch on the main connection. A thread that died between its
    // COMMIT and its answer (a crash of the thread alone, not of the process) would so have a batch
    // stored twice: user messages with an idempotency key (every socket send has one) are then
    // duplicates and answered as such, a bot turn no longer matches its bot_version; a user message
    // posted without a key would appear twice.
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    for (const r of readyWaiters.splice(0)) r.reject(error);
    // committed, but whether on disk is unknown: those jobs fail (as when an fsync fails)
    settleSyncs(Infinity, error);
    void w.terminate().catch(() => undefined);
  };
  const spawn = () => {
    const w = new Worker(WORKER, { eval: true, workerData: { file, module, durable } });
    worker = w;
    w.unref();
    w.on('message', (m: FromWorker) => {
      if (m.type === 'ready') {
        isReady = true;
        for (const r of readyWaiters.splice(0)) r.resolve();
      } else if (m.type === 'done' || m.type === 'failed') {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.type === 'failed') return p?.reject(new Error(`SQLite writer: ${m.message}`));
        let synced = Promise.resolve();
        if (durable) synced = new Promise<void>((resolve, reject) => unsynced.push({ id: m.id, resolve, reject }));
        p?.resolve({ outcomes: m.outcomes, durable: synced });
      } else if (m.type === 'synced') settleSyncs(m.upTo);
      else if (m.type === 'syncFailed') settleSyncs(m.upTo, new Error(`SQLite writer: fdatasync of the WAL failed: ${m.message}`));
    });
    w.on('error', (err) => fail(w, String(err)));
    w.on('exit', (code) => {
      if (!stopping) fail(w, `worker exited (${code})`);
    });
  };
  // started by the first batch, not with the store: start-up (bot training) does not compete with it,
  // and a store opened for a CLI command never starts it

  return {
    write(writes) {
      if (stopping) return Promise.reject(new Error('SQLite writer: stopped'));
      if (!worker && performance.now() - failedAt >= RESPAWN_AFTER_MS) spawn();
      const w = worker;
      if (!w || !isReady) return Promise.reject(new Error('SQLite writer: not ready'));
      const id = nextId++;
      return new Promise<WriterAnswer>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ type: 'store', id, writes });
      });
    },
    ready() {
      if (stopping) return Promise.reject(new Error('SQLite writer: stopped'));
      if (!worker) spawn();
      return isReady ? Promise.resolve() : new Promise<void>((resolve, reject) => readyWaiters.push({ resolve, reject }));
    },
    stop() {
      if (!stopping) {
        for (const r of readyWaiters.splice(0)) r.reject(new Error('SQLite writer: stopped'));
        stopping = worker ? stopWorker(worker, { type: 'stop' }) : Promise.resolve();
      }
      return stopping;
    },
  };
}

/** the writer thread of a store, by its Kysely adapter (shared with its transactions) */
const writers = new WeakMap<object, SqliteWriter>();

export function registerSqliteWriter(adapter: object, writer: SqliteWriter): void {
  writers.set(adapter, writer);
}

export function sqliteWriterOf(adapter: object): SqliteWriter | undefined {
  return writers.get(adapter);
}

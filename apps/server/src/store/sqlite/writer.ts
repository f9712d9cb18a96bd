// The embedded store's hottest writes, off the event loop. better-sqlite3 runs a statement on the thread
// that calls it, and a batch of user messages or bot turns (a seq taken per message, the insert, the
// COMMIT writing the WAL) was a large share of the main thread at saturation; the COMMIT's writes to the
// WAL sometimes block in the kernel for milliseconds, which every socket on the instance then waits
// out. Here a worker thread with a connection of its own (writer-worker.ts) stores such a batch in one
// transaction while the main thread goes on serving sockets; the write queue's single SQLite lane sends
// a batch only while no transaction is open on the main connection, so the two connections never wait
// for each other's write lock.
//
// For FULL durability the thread fdatasyncs the WAL itself right after each COMMIT (one sync covering
// every commit before it, while the next batch executes): a batch is acknowledged only once its sync
// is done.
import type { Worker } from 'node:worker_threads';
import { moduleWorker, siblingModule } from '../../threads.js';
import { stopWorker } from './stop-worker.js';
import { MERGE_PAGES } from './search-merge.js';
import type { FromWriter, ToWriter, WriterData, WriterOutcome, WriterWrite } from './writer-protocol.js';

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
   * One step of merging the search index's segments (search-merge.ts), on the thread: true when it
   * merged something (another step may follow). False, without a step, while the thread is not running.
   */
  mergeSearch(): Promise<boolean>;
  /**
   * starts the thread if it is not running and resolves once it can take batches; rejects if it fails
   * to start or the writer is stopped (tests: the server never waits for it)
   */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

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
    /** a merge step failed (mergeSearch answers false; the thread goes on) */
    onMergeError?: (message: string) => void;
  } = {},
): SqliteWriter {
  const durable = opts.durable ?? true;
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
  /** merge steps sent, by id (the ids are the batches'): a thread that fails answers them false */
  const merges = new Map<number, (worked: boolean) => void>();

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
    for (const m of merges.values()) m(false);
    merges.clear();
    for (const r of readyWaiters.splice(0)) r.reject(error);
    // committed, but whether on disk is unknown: those jobs fail (as when an fsync fails)
    settleSyncs(Infinity, error);
    void w.terminate().catch(() => undefined);
  };
  const spawn = () => {
    const workerData: WriterData = { file, durable };
    const w = moduleWorker(siblingModule(import.meta.url, 'writer-worker'), { workerData });
    worker = w;
    w.unref();
    w.on('message', (m: FromWriter) => {
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
      } else if (m.type === 'merged') {
        if (m.error) opts.onMergeError?.(m.error);
        merges.get(m.id)?.(m.worked);
        merges.delete(m.id);
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
        w.postMessage({ type: 'store', id, writes } satisfies ToWriter);
      });
    },
    mergeSearch() {
      const w = worker;
      if (stopping || !w || !isReady) return Promise.resolve(false);
      const id = nextId++;
      return new Promise<boolean>((resolve) => {
        merges.set(id, resolve);
        w.postMessage({ type: 'merge', id, pages: MERGE_PAGES } satisfies ToWriter);
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
        for (const m of merges.values()) m(false);
        merges.clear();
        stopping = worker ? stopWorker(worker, { type: 'stop' } satisfies ToWriter) : Promise.resolve();
      }
      return stopping;
    },
  };
}


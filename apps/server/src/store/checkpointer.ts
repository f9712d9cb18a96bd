// WAL checkpoints for the embedded SQLite store, off the event loop. SQLite's automatic checkpoint
// runs inside the commit that crosses the threshold: on the single writer connection it copied WAL
// pages into the database file and fsynced it while every other request waited (~40 % of commit time
// under load, and the slowest commits). Here a worker thread with its own connection runs a PASSIVE
// checkpoint (never blocks the writer) once a second: each checkpoint fsyncs the database file, and on
// ext4 that fsync holds up the WAL's own fdatasync that acknowledgements wait for (checkpointing every
// 100 ms doubled the relay's p50 latency at 5,000 msg/s); pages written again within the second are
// copied once. The writer's automatic checkpoint is left as a backstop for a WAL that grows anyway.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  stop(): Promise<void>;
}

// plain JavaScript evaluated in the worker: it runs the same from src (tsx) and from dist
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.module);
const db = new SQLite(workerData.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String(err && err.message || err) });
  }
}, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.postMessage({ type: 'stopped' });
});
`;

export function startCheckpointer(file: string, opts: { intervalMs?: number; delayMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  const module = createRequire(import.meta.url).resolve('better-sqlite3');
  let worker: Worker | undefined;
  let exited = false;
  let stopped: Promise<void> | undefined;
  const spawn = () => {
    worker = new Worker(WORKER, { eval: true, workerData: { file, module, intervalMs: opts.intervalMs ?? 1000 } });
    worker.unref();
    worker.on('exit', () => (exited = true));
    worker.on('message', (m: { type: string; message?: string }) => {
      if (m.type === 'error') opts.onError?.(m.message ?? 'checkpoint failed');
    });
    worker.on('error', (err) => opts.onError?.(String(err)));
  };
  // started a moment after the store opens: a worker thread's start-up would compete with the
  // server's own (bot training) on small machines, and a fresh WAL needs no checkpoint yet
  const delay = setTimeout(spawn, opts.delayMs ?? 2000);
  delay.unref();
  return {
    stop() {
      clearTimeout(delay);
      stopped ??= worker && !exited ? stopWorker(worker, 'stop') : Promise.resolve();
      return stopped;
    },
  };
}

/**
 * Asks a store worker to close its connection (`request`; it answers `{ type: 'stopped' }`), then
 * ends the thread. Resolves once the thread has exited (at its own end or by terminate).
 */
export function stopWorker(w: Worker, request: unknown): Promise<void> {
  return new Promise<void>((resolve) => {
    w.once('exit', () => resolve());
    w.on('message', (m: { type: string }) => {
      if (m.type === 'stopped') void w.terminate().then(() => resolve(), () => resolve());
    });
    w.postMessage(request);
  });
}

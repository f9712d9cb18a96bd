// WAL checkpoints for the embedded store, off the event loop. SQLite's automatic checkpoint runs inside
// the commit that crosses its threshold: on the single writer connection it copied WAL pages into the
// database file and fsynced it while every other request waited. Here a thread with its own connection
// (checkpointer-worker.ts) runs a PASSIVE checkpoint (never blocks the writer) once a second: each
// checkpoint fsyncs the database file, which on ext4 holds up the WAL's own fdatasync that
// acknowledgements wait for, so checkpointing more often costs latency (bench/NOTES.md). The writer's
// automatic checkpoint stays as a backstop for a WAL that grows anyway.
import type { Worker } from 'node:worker_threads';
import { moduleWorker, siblingModule } from '../../threads.js';
import type { CheckpointerData, FromCheckpointer } from './checkpointer-worker.js';
import { stopWorker } from './stop-worker.js';

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, opts: { intervalMs?: number; delayMs?: number; onError?: (message: string) => void } = {}): Checkpointer {
  let worker: Worker | undefined;
  let exited = false;
  let stopped: Promise<void> | undefined;
  const spawn = () => {
    const workerData: CheckpointerData = { file, intervalMs: opts.intervalMs ?? 1000 };
    worker = moduleWorker(siblingModule(import.meta.url, 'checkpointer-worker'), { workerData });
    worker.unref();
    worker.on('exit', () => (exited = true));
    worker.on('message', (m: FromCheckpointer) => {
      if (m.type === 'error') opts.onError?.(m.message);
    });
    worker.on('error', (err) => opts.onError?.(String(err)));
  };
  // started a moment after the store opens: a thread's start-up would compete with the server's own
  // (bot training) on small machines, and a fresh WAL needs no checkpoint yet
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

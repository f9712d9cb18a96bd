// The checkpointer's thread (checkpointer.ts): a PASSIVE WAL checkpoint every interval on a connection
// of its own, until asked to stop.
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

export interface CheckpointerData {
  file: string;
  intervalMs: number;
}
export type FromCheckpointer = { type: 'error'; message: string } | { type: 'stopped' };

const port = parentPort!;
const data = workerData as CheckpointerData;
const post = (m: FromCheckpointer) => port.postMessage(m);
const db = new SQLite(data.file);
db.pragma('busy_timeout = 1000');
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    post({ type: 'error', message: String((err as Error)?.message ?? err) });
  }
}, data.intervalMs);
port.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  db.close();
  post({ type: 'stopped' });
});

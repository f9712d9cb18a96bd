// A SQLite reader thread (read-pool.ts): a read-only connection of its own on the WAL database, so a
// slow read (a search, a long transcript, a report) runs here while the main thread goes on serving
// every socket. WAL lets it read while the main connection and the writer thread write.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';
import type { FromReader, ReaderData, ToReader } from './read-protocol.js';

const data = workerData as ReaderData;
const port = parentPort!;
// pid 0 is the calling thread on Linux, whose nice value is per thread: only this reader yields to the
// main and writer threads (read-pool.ts READER_NICE). Elsewhere it may apply to the whole process, so
// it is set only on Linux; a refusal leaves the thread as it was.
if (data.nice !== 0 && process.platform === 'linux') {
  try {
    os.setPriority(0, Math.min(19, os.getPriority(0) + data.nice));
  } catch {
    // not permitted here: readers keep the process's priority
  }
}
const db = new SQLite(data.file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// a statement that writes fails even if a caller sends one: this connection is for reads
db.pragma('query_only = ON');

const statements = new Map<string, SQLite.Statement>();
function prepare(sql: string): SQLite.Statement {
  let stmt = statements.get(sql);
  if (stmt) {
    statements.delete(sql);
  } else {
    stmt = db.prepare(sql);
    if (statements.size >= data.cacheSize) statements.delete(statements.keys().next().value!);
  }
  statements.set(sql, stmt);
  return stmt;
}

port.on('message', (m: ToReader) => {
  if (m.type === 'stop') {
    db.close();
    port.postMessage({ type: 'stopped' } satisfies FromReader);
    return;
  }
  try {
    const stmt = prepare(m.sql);
    if (!stmt.reader) throw Object.assign(new Error(`the read pool only reads, not: ${m.sql.slice(0, 80)}`), { code: 'SQLITE_READONLY' });
    port.postMessage({ type: 'rows', id: m.id, rows: stmt.all(m.parameters as unknown[]) } satisfies FromReader);
  } catch (err) {
    const e = err as { message?: string; code?: string };
    port.postMessage({ type: 'failed', id: m.id, message: String(e.message ?? err), code: e.code } satisfies FromReader);
  }
});
port.postMessage({ type: 'ready' } satisfies FromReader);

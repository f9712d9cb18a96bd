// Slow reads off the event loop. better-sqlite3 runs a statement on the thread that calls it, so on
// the main thread one history search or report at 300k conversations stalled every user's message for
// seconds. Store.reads sends its statements to a few reader threads instead (read-worker.ts), each with
// a read-only connection of its own: WAL lets them read while the main connection and the writer
// thread write, and each statement sees every commit made before it was sent.
//
// A statement that runs longer than the timeout is answered QUERY_TIMEOUT at once and its thread is
// replaced (better-sqlite3 cannot interrupt a statement: the old thread ends when it returns); a queue
// longer than `maxQueued` answers STORAGE_BUSY at once, so a flood of reports fails fast instead of
// piling up in memory.
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import { moduleWorker, siblingModule } from '../../threads.js';
import { ReadPoolError } from '../errors.js';
import type { Database } from '../schema.js';
import { stopWorker } from './stop-worker.js';
import type { FromReader, ReaderData, ToReader } from './read-protocol.js';

export interface ReadPoolOptions {
  /** reader threads at most (default: the CPUs, 2 to 4) */
  size?: number;
  /** a statement running longer has its thread ended and fails with QUERY_TIMEOUT (default 30 s) */
  timeoutMs?: number;
  /** statements waiting for a thread at most; more fail with STORAGE_BUSY (default 1,000) */
  maxQueued?: number;
  /**
   * the reader threads' nice value (default READER_NICE). On a machine with few cores a heavy read
   * took CPU from the main thread and the writer thread, and user sends waited behind admins' reports;
   * a lower priority leaves readers what those two do not use (Linux sets it per thread)
   */
  nice?: number;
  onError?: (message: string) => void;
}

export const READER_NICE = 10;


interface Job {
  sql: string;
  parameters: readonly unknown[];
  resolve(rows: unknown[]): void;
  reject(err: Error): void;
}

interface Reader {
  worker: Worker;
  ready: boolean;
  job?: Job & { id: number; timer: NodeJS.Timeout };
}

export class ReadPool {
  private readonly readers = new Set<Reader>();
  private readonly queue: Job[] = [];
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxQueued: number;
  private nextId = 1;
  private stopping?: Promise<void>;

  constructor(
    private readonly file: string,
    private readonly opts: ReadPoolOptions = {},
  ) {
    this.size = Math.max(1, opts.size ?? Math.min(4, Math.max(2, os.availableParallelism())));
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxQueued = opts.maxQueued ?? 1_000;
  }

  /** the rows of a statement that reads */
  run(sql: string, parameters: readonly unknown[]): Promise<unknown[]> {
    if (this.stopping) return Promise.reject(new Error('SQLite read pool: stopped'));
    if (this.queue.length >= this.maxQueued) return Promise.reject(new ReadPoolError('STORAGE_BUSY', `${this.queue.length} reads are waiting`));
    return new Promise((resolve, reject) => {
      this.queue.push({ sql, parameters, resolve, reject });
      this.dispatch();
    });
  }

  /** starts one thread now (so the first slow read does not wait for it) and resolves once it is ready */
  warm(): Promise<void> {
    if (this.stopping) return Promise.reject(new Error('SQLite read pool: stopped'));
    const reader = [...this.readers][0] ?? this.spawn();
    if (reader.ready) return Promise.resolve();
    return new Promise((resolve, reject) => {
      reader.worker.on('message', (m: FromReader) => m.type === 'ready' && resolve());
      reader.worker.once('exit', () => reject(new Error('SQLite read pool: a reader thread did not start')));
    });
  }

  /** reader threads running (tests) */
  get threads(): number {
    return this.readers.size;
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      const stopped = new Error('SQLite read pool: stopped');
      for (const job of this.queue.splice(0)) job.reject(stopped);
      this.stopping = Promise.all(
        [...this.readers].map((r) => {
          if (r.job) {
            clearTimeout(r.job.timer);
            r.job.reject(stopped);
          }
          return stopWorker(r.worker, { type: 'stop' } satisfies ToReader);
        }),
      ).then(() => this.readers.clear());
    }
    return this.stopping;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = [...this.readers].find((r) => r.ready && !r.job);
      if (!idle) {
        // threads still starting take the next statements when ready; start more while the pool has room
        const starting = [...this.readers].filter((r) => !r.ready).length;
        for (let n = Math.min(this.size - this.readers.size, this.queue.length - starting); n > 0; n--) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const timer = setTimeout(() => this.timedOut(idle), this.timeoutMs);
      timer.unref();
      idle.job = { ...job, id, timer };
      idle.worker.postMessage({ type: 'query', id, sql: job.sql, parameters: job.parameters } satisfies ToReader);
    }
  }

  private spawn(): Reader {
    const workerData: ReaderData = { file: this.file, cacheSize: 200, nice: this.opts.nice ?? READER_NICE };
    const worker = moduleWorker(siblingModule(import.meta.url, 'read-worker'), { workerData });
    worker.unref();
    const reader: Reader = { worker, ready: false };
    this.readers.add(reader);
    worker.on('message', (m: FromReader) => {
      if (m.type === 'ready') {
        reader.ready = true;
        this.dispatch();
      } else if ((m.type === 'rows' || m.type === 'failed') && reader.job?.id === m.id) {
        const job = reader.job;
        reader.job = undefined;
        clearTimeout(job.timer);
        if (m.type === 'rows') job.resolve(m.rows);
        else job.reject(Object.assign(new Error(m.message), { code: m.code }));
        this.dispatch();
      }
    });
    worker.on('error', (err) => this.lost(reader, String(err)));
    worker.on('exit', (code) => this.lost(reader, `reader thread exited (${code})`));
    return reader;
  }

  private timedOut(reader: Reader): void {
    const job = reader.job;
    if (!job) return;
    reader.job = undefined;
    job.reject(new ReadPoolError('QUERY_TIMEOUT', `a read ran longer than ${this.timeoutMs} ms: ${job.sql.slice(0, 120)}`));
    this.readers.delete(reader);
    void reader.worker.terminate().catch(() => undefined);
    this.dispatch();
  }

  private lost(reader: Reader, message: string): void {
    if (!this.readers.delete(reader) || this.stopping) return;
    this.opts.onError?.(message);
    const error = new Error(`SQLite read pool: ${message}`);
    if (reader.job) {
      clearTimeout(reader.job.timer);
      reader.job.reject(error);
    }
    // a thread that dies before it is ready (the file is gone, say) fails what waits instead of being
    // started again in a loop; the next read tries again
    if (!reader.ready) for (const job of this.queue.splice(0)) job.reject(error);
    this.dispatch();
  }
}

class ReadPoolConnection implements DatabaseConnection {
  constructor(private readonly pool: ReadPool) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return { rows: (await this.pool.run(query.sql, query.parameters)) as R[] };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    // a stream would hold a thread for as long as its consumer reads (a slow client could hold them
    // all): page through with a keyset cursor instead
    throw new Error('the SQLite read pool does not stream; page with a keyset cursor');
  }
}

class ReadPoolDriver implements Driver {
  private readonly connection: ReadPoolConnection;
  constructor(private readonly pool: ReadPool) {
    this.connection = new ReadPoolConnection(pool);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error('the SQLite read pool runs single statements, not transactions');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    await this.pool.stop();
  }
}

/** SQLite's adapter, but statements may run at once: each goes to a thread with its own connection */
class ReadPoolAdapter extends SqliteAdapter {
  override get supportsMultipleConnections(): boolean {
    return true;
  }
}

class ReadPoolDialect implements Dialect {
  constructor(private readonly pool: ReadPool) {}
  createDriver(): Driver {
    return new ReadPoolDriver(this.pool);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createAdapter() {
    return new ReadPoolAdapter();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/** Kysely over the read pool: the same query builder, its statements run in the reader threads. */
export function readPoolDatabase(pool: ReadPool): Kysely<Database> {
  return new Kysely<Database>({ dialect: new ReadPoolDialect(pool) });
}

// Opens the store chosen by configuration: embedded SQLite under DATA_DIR (WAL) or PostgreSQL when
// DATABASE_URL is set; runs migrations; exposes the group-commit write queue.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration, type MigrationProvider } from 'kysely';
import * as m001 from './migrations/001-initial.js';
import * as m002 from './migrations/002-assignee-name.js';
import * as m003 from './migrations/003-channels.js';
import * as m004 from './migrations/004-provider-external-id.js';
import * as m005 from './migrations/005-load-index.js';
import * as m006 from './migrations/006-agent-load.js';
import * as m007 from './migrations/007-idempotency-partial.js';
import * as m008 from './migrations/008-routing-index.js';
import * as m009 from './migrations/009-identity-and-handlers.js';
import * as m010 from './migrations/010-channel-previous-secret.js';
import type { Database } from './schema.js';
import { startCheckpointer } from './checkpointer.js';
import { withPreparedStatements } from './pg-prepared.js';
import { fileSync, GroupSync } from './group-sync.js';
import { WriteQueue } from './write-queue.js';
import { registerSqliteConnection } from './hot.js';
import { registerSqliteWriter, createSqliteWriter } from './sqlite-writer.js';

export type Dialect = 'sqlite' | 'postgres';

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** FULL: acknowledged writes survive a power loss (fsync, off the event loop); NORMAL: a process crash only */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** PostgreSQL pool size (reads) */
  poolSize?: number;
  /** PostgreSQL: write lanes, each a group-commit queue with a connection of its own (SQLite has one writer) */
  writeLanes?: number;
  /** an idle PostgreSQL connection failed (server restart, failover, terminated backend); the pool replaces it */
  onIdleError?: (err: Error) => void;
  /** a background WAL checkpoint failed (SQLite); the next one retries */
  onCheckpointError?: (message: string) => void;
  /** the writer thread failed (SQLite); its batches go to the main connection until it is back */
  onWriterError?: (message: string) => void;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  readonly write: WriteQueue;
  close(): Promise<void>;
}

const MIGRATIONS: Record<string, Migration> = { '001-initial': m001, '002-assignee-name': m002, '003-channels': m003, '004-provider-external-id': m004, '005-load-index': m005, '006-agent-load': m006, '007-idempotency-partial': m007, '008-routing-index': m008, '009-identity-and-handlers': m009, '010-channel-previous-secret': m010 };

class CodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/**
 * Kysely prepares every query anew; on the hot paths the same few hundred SQL strings repeat, and
 * preparing was ~10 % of the CPU under load. Statements are reusable in better-sqlite3 (Kysely runs
 * each synchronously), so keep the most recent ones by SQL text.
 *
 * Rows come back as arrays and become objects in JS: better-sqlite3 builds each row object natively,
 * one property at a time (~0.4 µs per column here, 9 µs for a conversation row); a compiled object
 * literal per statement gives the same object (same keys, same order, a later duplicate name wins) in
 * a fraction of that, and every row of a statement shares one shape.
 */
function withStatementCache(file: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = file.prepare.bind(file);
  return new Proxy(file, {
    get(target, prop) {
      if (prop !== 'prepare') {
        // native methods and getters (inTransaction, open) need the real Database as `this`, not the proxy
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (stmt) {
          cache.delete(sql); // most recently used last
        } else {
          stmt = objectRows(prepare(sql));
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
        }
        cache.set(sql, stmt);
        return stmt;
      };
    },
  });
}

/** The statement with `all`, `get` and `iterate` answering objects built from raw rows (see above). */
export function objectRows(stmt: SQLite.Statement): SQLite.Statement {
  if (!stmt.reader) return stmt;
  const names = stmt.columns().map((c) => c.name);
  // the names come from our own SQL; JSON.stringify quotes them as property keys
  const row = new Function('r', `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`) as (r: unknown[]) => Record<string, unknown>;
  stmt.raw(true);
  const all = stmt.all.bind(stmt) as (...p: unknown[]) => unknown[][];
  const get = stmt.get.bind(stmt) as (...p: unknown[]) => unknown[] | undefined;
  const iterate = stmt.iterate.bind(stmt) as (...p: unknown[]) => IterableIterator<unknown[]>;
  // what Kysely uses of a statement; the native methods stay bound to the real one
  const wrapped: Pick<SQLite.Statement, 'reader' | 'source' | 'all' | 'get' | 'iterate' | 'run'> = {
    reader: true,
    source: stmt.source,
    all: (...p: unknown[]) => all(...p).map(row),
    get: (...p: unknown[]) => {
      const r = get(...p);
      return r === undefined ? undefined : row(r);
    },
    iterate: function* (...p: unknown[]) {
      for (const r of iterate(...p)) yield row(r);
    },
    run: stmt.run.bind(stmt),
  };
  return wrapped as SQLite.Statement;
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  let writer: Kysely<Database>;
  let dialect: Dialect;
  let durable: GroupSync | undefined;
  let closeFiles = async () => {};
  let stopBackground = async () => {};
  let startWriter = () => {};
  let lanes = 1;
  if (opts.databaseUrl) {
    dialect = 'postgres';
    // loaded only for PostgreSQL: the embedded start does not pay for it
    const pg = (await import('pg')).default;
    // int8 (counts, bigint timestamps) as JS numbers: our values stay far below 2^53
    pg.types.setTypeParser(20, (v: string) => Number(v));
    // without an 'error' listener, a dropped idle connection (even one the pool is closing) is an
    // uncaught exception that takes the process down
    const pool = (max: number, pipeline = false) =>
      withPreparedStatements(new pg.Pool({ connectionString: opts.databaseUrl, max, pipeline }).on('error', (err) => opts.onIdleError?.(err)));
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool(opts.poolSize ?? 10) }) });
    // the group-commit writer has connections of its own (one per lane): under overload, reads queued in
    // the shared pool would otherwise stand between every batch and its connection (throughput
    // collapsed to ~80/s)
    lanes = Math.max(1, opts.writeLanes ?? 2);
    // the writer's connections pipeline: a batch's BEGIN goes out with its first statement (WriteQueue)
    writer = new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool(lanes, true) }) });
  } else {
    dialect = 'sqlite';
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const dbFile = path.join(opts.dataDir, 'baton.sqlite');
    const file = new SQLite(dbFile);
    file.pragma('journal_mode = WAL');
    // commits never fsync on the event loop; FULL durability comes from the write queue's group fsync
    // of the WAL (store/group-sync.ts), awaited before any job is acknowledged
    file.pragma('synchronous = NORMAL');
    if ((opts.sqliteSynchronous ?? 'FULL') === 'FULL') {
      const wal = fileSync(`${dbFile}-wal`);
      durable = new GroupSync(wal.sync);
      closeFiles = wal.close;
    }
    file.pragma('busy_timeout = 5000');
    file.pragma('foreign_keys = ON');
    // checkpoints run in a worker thread (store/checkpointer.ts); the commit that crosses this many WAL
    // pages still checkpoints itself, a backstop should the worker fall behind
    file.pragma('wal_autocheckpoint = 10000');
    const checkpointer = startCheckpointer(dbFile, { onError: (message) => opts.onCheckpointError?.(message) });
    const connection = withStatementCache(file);
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
    registerSqliteConnection(db.getExecutor().adapter, connection);
    writer = db; // one connection in this thread: SQLite has a single writer anyway
    // the writer thread for batches of user messages and simple bot turns (store/sqlite-writer.ts), once
    // the tables exist; its thread starts with the first such batch
    const adapter = db.getExecutor().adapter;
    startWriter = () => {
      const thread = createSqliteWriter(dbFile, { durable: durable !== undefined, onError: (message) => opts.onWriterError?.(message) });
      registerSqliteWriter(adapter, thread);
      // before the main connection closes, so its close (the last connection) makes the final checkpoint
      stopBackground = async () => {
        await thread.stop();
        await checkpointer.stop();
      };
    };
    stopBackground = () => checkpointer.stop();
  }
  await migrate(db, dialect);
  startWriter();
  const write = new WriteQueue(writer, durable, lanes, dialect === 'postgres');
  return {
    db,
    dialect,
    write,
    async close() {
      await write.drain();
      await stopBackground();
      if (writer !== db) await writer.destroy();
      await db.destroy();
      await closeFiles();
    },
  };
}

async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  // several instances may start at once on one PostgreSQL: serialize migrations with an advisory lock
  const run = async (k: Kysely<Database>) => {
    const migrator = new Migrator({ db: k, provider: new CodeMigrations() });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) throw new Error(`migration failed: ${failed?.migrationName ?? ''} ${String(error)}`);
  };
  if (dialect === 'postgres') {
    await db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(724001)`.execute(conn);
      try {
        await run(conn);
      } finally {
        await sql`select pg_advisory_unlock(724001)`.execute(conn);
      }
    });
  } else {
    await run(db);
  }
}

/** Number of applied migrations, for /readyz. */
export async function migrationsApplied(db: Kysely<Database>): Promise<boolean> {
  const migrator = new Migrator({ db, provider: new CodeMigrations() });
  const all = await migrator.getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}

// The embedded store: one SQLite file under DATA_DIR in WAL mode. The main connection runs quick reads
// and transactions; reader threads run the slow reads (read-pool.ts); a writer thread stores batches
// of user messages and bot turns (writer.ts) and a checkpointer thread keeps the WAL short
// (checkpointer.ts).
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { OpenedDialect, StoreOptions } from '../dialect.js';
import { fileSync, GroupSync } from '../group-sync.js';
import type { Database } from '../schema.js';
import { HotSqliteDialect } from './adapter.js';
import { ReadPool, readPoolDatabase } from './read-pool.js';
import { startCheckpointer } from './checkpointer.js';
import { withStatementCache } from './statement-cache.js';
import { createSqliteWriter } from './writer.js';
import { sqliteSearch } from './search.js';
import { sqliteMessageWrites } from './writes.js';

export function openSqlite(opts: StoreOptions): OpenedDialect {
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const dbFile = path.join(opts.dataDir, 'baton.sqlite');
  const file = new SQLite(dbFile);
  file.pragma('journal_mode = WAL');
  // commits never fsync on the event loop; FULL durability comes from the write queue's group fsync of
  // the WAL (group-sync.ts), awaited before any job is acknowledged
  file.pragma('synchronous = NORMAL');
  let durable: GroupSync | undefined;
  let closeWal = async () => {};
  if ((opts.sqliteSynchronous ?? 'FULL') === 'FULL') {
    const wal = fileSync(`${dbFile}-wal`);
    durable = new GroupSync(wal.sync);
    closeWal = wal.close;
  }
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  // checkpoints run in their own thread; the commit that crosses this many WAL pages still checkpoints
  // itself, a backstop should the thread fall behind
  file.pragma('wal_autocheckpoint = 10000');
  const checkpointer = startCheckpointer(dbFile, { onError: (message) => opts.onCheckpointError?.(message) });
  const db = new Kysely<Database>({ dialect: new HotSqliteDialect(withStatementCache(file)) });
  // slow reads run in reader threads, started as they are needed
  const readPool = new ReadPool(dbFile, { size: opts.sqliteReaders, onError: (message) => opts.onReaderError?.(message) });
  // its thread starts with the first batch (after the migrations, which run before any)
  const writer = createSqliteWriter(dbFile, {
    durable: durable !== undefined,
    onError: (message) => opts.onWriterError?.(message),
    onMergeError: (message) => opts.onSearchMergeError?.(message),
  });
  return {
    dialect: 'sqlite',
    db,
    reads: readPoolDatabase(readPool),
    // one connection in this thread: SQLite has a single writer anyway
    writer: db,
    lanes: 1,
    pipelined: false,
    durable,
    messages: sqliteMessageWrites(writer),
    search: sqliteSearch,
    exclusive: true,
    ready: () => writer.ready(),
    writerThread: writer,
    // the search index's segments are merged between batches (migration 028, search-merge.ts)
    upkeep: () => writer.mergeSearch(),
    async close() {
      // the threads first, so the main connection's close (the last connection) makes the final checkpoint
      await Promise.all([writer.stop(), readPool.stop()]);
      await checkpointer.stop();
      await db.destroy();
      await closeWal();
    },
  };
}

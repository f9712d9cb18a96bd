// What each dialect folder (sqlite/, postgres/) gives the store: its connections, how its batches are
// made durable, and its message writes. database.ts adds the write queue and the migrations.
import type { Kysely } from 'kysely';
import type { GroupSync } from './group-sync.js';
import type { MessageWrites } from './message-writes.js';
import type { Database } from './schema.js';
import type { ConversationSearch } from './search.js';
import type { SqliteWriter } from './sqlite/writer.js';
import type { Dialect } from './types.js';

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string;
  /** FULL: acknowledged writes survive a power loss (fsync, off the event loop); NORMAL: a process crash only */
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** PostgreSQL pool size (reads) */
  poolSize?: number;
  /** PostgreSQL: connections for Store.reads, the slow reads (default 4) */
  readPoolSize?: number;
  /** PostgreSQL: write lanes, each a group-commit queue with a connection of its own (SQLite has one writer) */
  writeLanes?: number;
  /** an idle PostgreSQL connection failed (server restart, failover, terminated backend); the pool replaces it */
  onIdleError?: (err: Error) => void;
  /** SQLite: reader threads for slow reads (Store.reads; default: the CPUs, 2 to 4) */
  sqliteReaders?: number;
  /** a SQLite reader thread failed; the next slow read starts another */
  onReaderError?: (message: string) => void;
  /** a background WAL checkpoint failed (SQLite); the next one retries */
  onCheckpointError?: (message: string) => void;
  /** the writer thread failed (SQLite); its batches go to the main connection until it is back */
  onWriterError?: (message: string) => void;
  /** a step of merging the search index failed (SQLite, migration 028); the next idle moment retries */
  onSearchMergeError?: (message: string) => void;
}

export interface OpenedDialect {
  readonly dialect: Dialect;
  /** reads, migrations, and whatever is not a batch */
  readonly db: Kysely<Database>;
  /** slow reads, off the event loop (Store.reads) */
  readonly reads: Kysely<Database>;
  /** the write queue's connection(s) */
  readonly writer: Kysely<Database>;
  /** group-commit lanes, each needing a connection of `writer`'s own */
  readonly lanes: number;
  /** `writer` pipelines its statements (a batch's BEGIN goes out with its first statement) */
  readonly pipelined: boolean;
  /** the group fsync commits wait for before they are acknowledged (none: the database syncs on commit) */
  readonly durable?: GroupSync;
  readonly messages: MessageWrites;
  readonly search: ConversationSearch;
  readonly exclusive: boolean;
  ready(): Promise<void>;
  readonly writerThread?: SqliteWriter;
  /** one step of the store's upkeep, run by the write queue's idle lane (WriteQueue): true when it did work */
  readonly upkeep?: () => Promise<boolean>;
  /** after the write queue has drained: stops background threads, then closes connections and files */
  close(): Promise<void>;
}

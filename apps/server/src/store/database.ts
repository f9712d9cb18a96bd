// Opens the store chosen by configuration: embedded SQLite under DATA_DIR (sqlite/) or PostgreSQL when
// DATABASE_URL is set (postgres/); runs migrations; puts the group-commit write queue in front of the
// dialect's writer. Commands see only the Store: what makes a dialect fast stays in its folder.
import { sql, type Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider } from 'kysely/migration';
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
import * as m011 from './migrations/011-channel-signature-scheme.js';
import * as m012 from './migrations/012-list-indexes.js';
import * as m013 from './migrations/013-search.js';
import * as m014 from './migrations/014-analytics-rollup.js';
import * as m015 from './migrations/015-retention.js';
import * as m020 from './migrations/020-attachments.js';
import * as m021 from './migrations/021-channel-types.js';
import * as m017 from './migrations/017-episodes.js';
import * as m018 from './migrations/018-contacts-and-identity.js';
import * as m019 from './migrations/019-followups.js';
import * as m016 from './migrations/016-search-batch-and-months.js';
import * as m022 from './migrations/022-email-threads.js';
import * as m023 from './migrations/023-analytics-series.js';
import * as m024 from './migrations/024-search-by-conversation.js';
import * as m026 from './migrations/026-outbox-index-twin.js';
import * as m027 from './migrations/027-webhook-tokens.js';
import * as m028 from './migrations/028-search-merge-when-idle.js';
import type { MessageWrites } from './message-writes.js';
import type { OpenedDialect, StoreOptions } from './dialect.js';
import { openPostgres } from './postgres/open.js';
import type { Database } from './schema.js';
import type { ConversationSearch } from './search.js';
import { openSqlite } from './sqlite/open.js';
import type { SqliteWriter } from './sqlite/writer.js';
import type { Dialect } from './types.js';
import { WriteQueue } from './write-queue.js';

export type { Dialect } from './types.js';
export type { StoreOptions } from './dialect.js';

export interface Store {
  readonly db: Kysely<Database>;
  /**
   * Reads that can be slow (lists, search, analytics, transcripts, exports): on SQLite they run in a
   * pool of reader threads so they never block the event loop; on PostgreSQL this is the pool itself.
   * Read-only: a write through it fails.
   */
  readonly reads: Kysely<Database>;
  /** for logs and /readyz: commands never branch on it */
  readonly dialect: Dialect;
  readonly write: WriteQueue;
  /** how user messages and bot turns are stored (message-writes.ts) */
  readonly messages: MessageWrites;
  /** history search (`q`): the conversations a query matches, from the dialect's index (search.ts) */
  readonly search: ConversationSearch;
  /** only this process uses the database (embedded): leases left by a crashed run are stale at start */
  readonly exclusive: boolean;
  /** resolves once the store's background threads take work (tests and benchmarks; the server never waits) */
  ready(): Promise<void>;
  /** the embedded store's writer thread (tests) */
  readonly writerThread?: SqliteWriter;
  close(): Promise<void>;
}

/** every migration by name, in order (exported for the tests that migrate a database step by step) */
export const MIGRATIONS: Record<string, Migration> = { '001-initial': m001, '002-assignee-name': m002, '003-channels': m003, '004-provider-external-id': m004, '005-load-index': m005, '006-agent-load': m006, '007-idempotency-partial': m007, '008-routing-index': m008, '009-identity-and-handlers': m009, '010-channel-previous-secret': m010, '011-channel-signature-scheme': m011, '012-list-indexes': m012, '013-search': m013, '014-analytics-rollup': m014, '015-retention': m015, '016-search-batch-and-months': m016, '017-episodes': m017, '018-contacts-and-identity': m018, '019-followups': m019, '020-attachments': m020, '021-channel-types': m021, '022-email-threads': m022, '023-analytics-series': m023, '024-search-by-conversation': m024, '026-outbox-index-twin': m026, '027-webhook-tokens': m027, '028-search-merge-when-idle': m028 };

class CodeMigrations implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export async function openStore(opts: StoreOptions): Promise<Store> {
  const opened: OpenedDialect = opts.databaseUrl ? await openPostgres({ ...opts, databaseUrl: opts.databaseUrl }) : openSqlite(opts);
  try {
    await migrate(opened.db, opened.dialect);
  } catch (err) {
    await opened.close().catch(() => undefined);
    throw err;
  }
  const write = new WriteQueue(opened.writer, opened.durable, opened.lanes, opened.pipelined, opened.upkeep);
  return {
    db: opened.db,
    reads: opened.reads,
    dialect: opened.dialect,
    write,
    messages: opened.messages,
    search: opened.search,
    exclusive: opened.exclusive,
    ready: () => opened.ready(),
    writerThread: opened.writerThread,
    async close() {
      await write.drain();
      await opened.close();
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

// The PostgreSQL store (DATABASE_URL): a pool for reads and, for the write queue, a connection per lane.
import { Kysely } from 'kysely';
import type { OpenedDialect, StoreOptions } from '../dialect.js';
import type { Database } from '../schema.js';
import { HotPostgresDialect } from './adapter.js';
import { withPreparedStatements } from './prepared.js';
import { postgresSearch } from './search.js';
import { postgresMessageWrites } from './user-messages.js';

/** Store.reads connections by default */
export const READ_POOL_SIZE = 4;
/** Store.reads sessions: one process per query, and no writes */
const READ_SESSION = '-c max_parallel_workers_per_gather=0 -c default_transaction_read_only=on';

export async function openPostgres(opts: StoreOptions & { databaseUrl: string }): Promise<OpenedDialect> {
  // loaded only for PostgreSQL: the embedded start does not pay for it
  const pg = (await import('pg')).default;
  // int8 (counts, bigint timestamps) as JS numbers: our values stay far below 2^53
  pg.types.setTypeParser(20, (v: string) => Number(v));
  // without an 'error' listener, a dropped idle connection (even one the pool is closing) is an uncaught
  // exception that takes the process down
  const pool = (max: number, pipeline = false, options?: string) =>
    withPreparedStatements(new pg.Pool({ connectionString: opts.databaseUrl, max, pipeline, options }).on('error', (err) => opts.onIdleError?.(err)));
  const db = new Kysely<Database>({ dialect: new HotPostgresDialect({ pool: pool(opts.poolSize ?? 10) }) });
  // the group-commit writer has connections of its own (one per lane): under overload, reads queued in
  // the shared pool would otherwise stand between every batch and its connection
  const lanes = Math.max(1, opts.writeLanes ?? 2);
  const writer = new Kysely<Database>({ dialect: new HotPostgresDialect({ pool: pool(lanes, true) }) });
  // Store.reads (lists, search, analytics, exports) get connections of their own, few and without
  // parallel workers: a report planned with a Gather took every core of a small machine (and the
  // shared pool's connections) while users' sends waited; read-only, as on SQLite
  const reads = new Kysely<Database>({ dialect: new HotPostgresDialect({ pool: pool(opts.readPoolSize ?? READ_POOL_SIZE, false, READ_SESSION) }) });
  return {
    dialect: 'postgres',
    db,
    reads,
    writer,
    lanes,
    pipelined: true,
    messages: postgresMessageWrites,
    search: postgresSearch,
    // other instances share the database
    exclusive: false,
    ready: async () => {},
    async close() {
      await writer.destroy();
      await reads.destroy();
      await db.destroy();
    },
  };
}

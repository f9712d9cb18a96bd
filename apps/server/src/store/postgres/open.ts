// The PostgreSQL store (DATABASE_URL): a pool for reads and, for the write queue, a connection per lane.
import { Kysely } from 'kysely';
import type { OpenedDialect, StoreOptions } from '../dialect.js';
import type { Database } from '../schema.js';
import { HotPostgresDialect } from './adapter.js';
import { withPreparedStatements } from './prepared.js';
import { postgresSearch } from './search.js';
import { postgresMessageWrites } from './user-messages.js';

export async function openPostgres(opts: StoreOptions & { databaseUrl: string }): Promise<OpenedDialect> {
  // loaded only for PostgreSQL: the embedded start does not pay for it
  const pg = (await import('pg')).default;
  // int8 (counts, bigint timestamps) as JS numbers: our values stay far below 2^53
  pg.types.setTypeParser(20, (v: string) => Number(v));
  // without an 'error' listener, a dropped idle connection (even one the pool is closing) is an uncaught
  // exception that takes the process down
  const pool = (max: number, pipeline = false) =>
    withPreparedStatements(new pg.Pool({ connectionString: opts.databaseUrl, max, pipeline }).on('error', (err) => opts.onIdleError?.(err)));
  const db = new Kysely<Database>({ dialect: new HotPostgresDialect({ pool: pool(opts.poolSize ?? 10) }) });
  // the group-commit writer has connections of its own (one per lane): under overload, reads queued in
  // the shared pool would otherwise stand between every batch and its connection
  const lanes = Math.max(1, opts.writeLanes ?? 2);
  const writer = new Kysely<Database>({ dialect: new HotPostgresDialect({ pool: pool(lanes, true) }) });
  return {
    dialect: 'postgres',
    db,
    reads: db,
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
      await db.destroy();
    },
  };
}

// A fresh PostgreSQL database per test file on the machine's server (TEST_DATABASE_URL). In CI the
// server is required; locally a missing server skips those tests with a loud message.
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let available: Promise<boolean> | undefined;

export function postgresAvailable(): Promise<boolean> {
  available ??= (async () => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('select 1');
      return true;
    } catch (err) {
      if (process.env.CI) throw new Error(`PostgreSQL is required in CI but unreachable at ${TEST_DATABASE_URL}: ${String(err)}`, { cause: err });
      console.warn(`\n!!! PostgreSQL unreachable at ${TEST_DATABASE_URL}: PostgreSQL tests are SKIPPED locally !!!\n`);
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return available;
}

/** Creates an empty database and returns its URL and a drop function. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `baton_t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

let redisUp: Promise<boolean> | undefined;

/** Whether Redis answers at TEST_REDIS_URL; required in CI, a loud skip locally. */
export function redisAvailable(what = 'Redis tests'): Promise<boolean> {
  redisUp ??= (async () => {
    const { Redis } = await import('ioredis');
    const r = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000 });
    try {
      await r.connect();
      await r.ping();
      return true;
    } catch (err) {
      if (process.env.CI) throw new Error(`Redis is required in CI but unreachable at ${TEST_REDIS_URL}: ${String(err)}`, { cause: err });
      console.warn(`\n!!! Redis unreachable at ${TEST_REDIS_URL}: ${what} are SKIPPED locally !!!\n`);
      return false;
    } finally {
      r.disconnect();
    }
  })();
  return redisUp;
}

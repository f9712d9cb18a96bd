// The embedded store's slow reads run in reader threads (store/sqlite/read-pool.ts): they see every
// commit made before them, never block the event loop, refuse writes, and a read that runs away or a
// flood of them fails with a catalog code instead of stalling the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { ReadPoolError } from '../../src/store/errors.js';
import { READER_NICE, ReadPool, readPoolDatabase } from '../../src/store/sqlite/read-pool.js';
import { tempDir } from '../support/temp.js';

/** a read that keeps a thread busy for a while: counts to n in a recursive CTE */
const slow = (n: number) => sql<{ n: number }>`with recursive c(x) as (select 1 union all select x + 1 from c where x < ${n}) select count(*) as n from c`;

describe('SQLite read pool', () => {
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir();
    store = await openStore({ dataDir: dir, sqliteSynchronous: 'NORMAL', sqliteReaders: 2 });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('sees a commit made just before the read', async () => {
    for (let i = 0; i < 20; i++) {
      const key = `k${i}`;
      await store.write.run((tx) => tx.insertInto('settings').values({ key, value: `"v${i}"`, updated_at: i }).execute());
      const row = await store.reads.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
      expect(row?.value).toBe(`"v${i}"`);
    }
  });

  it('runs a slow read while the event loop keeps serving', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const started = performance.now();
    const { rows } = await slow(3_000_000).execute(store.reads);
    const took = performance.now() - started;
    clearInterval(timer);
    expect(rows[0]!.n).toBe(3_000_000);
    // on the main connection the same statement blocks the loop: no tick at all until it ends
    expect(took).toBeGreaterThan(50);
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it.skipIf(process.platform !== 'linux')('runs its threads at a lower priority than the main thread (nice per thread on Linux)', async () => {
    const niceOf = () =>
      fs.readdirSync('/proc/self/task').map((tid) => {
        // the fields after the command name (which may hold spaces): nice is the 19th field, 17th after it
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
      });
    const base = os.getPriority(0);
    const before = niceOf().filter((n) => n === Math.min(19, base + READER_NICE)).length;
    const pool = new ReadPool(path.join(dir, 'baton.sqlite'), { size: 3 });
    try {
      await Promise.all([1, 2, 3].map(() => slow(200_000).execute(readPoolDatabase(pool))));
      expect(niceOf().filter((n) => n === Math.min(19, base + READER_NICE)).length - before).toBe(3);
      // the main thread keeps its own
      expect(os.getPriority(0)).toBe(base);
    } finally {
      await pool.stop();
    }
  });

  it('runs reads side by side in its threads', async () => {
    const pool = new ReadPool(path.join(dir, 'baton.sqlite'), { size: 3 });
    const reads = readPoolDatabase(pool);
    try {
      await pool.warm();
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => reads.selectFrom('settings').select('key').where('key', '=', `k${i}`).execute()));
      expect(results.map((r) => r[0]?.key)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5']);
      // six reads at once while one thread was ready: the pool grew to its size, no further
      expect(pool.threads).toBe(3);
    } finally {
      await pool.stop();
    }
  });

  it('refuses writes', async () => {
    await expect(store.reads.insertInto('settings').values({ key: 'x', value: '1', updated_at: 0 }).execute()).rejects.toThrow(/only reads|readonly/i);
    await expect(store.reads.transaction().execute(async () => undefined)).rejects.toThrow(/not transactions/);
  });

  it('reports a bad statement as the statement error and goes on', async () => {
    await expect(sql`select * from no_such_table`.execute(store.reads)).rejects.toThrow(/no such table/);
    expect((await store.reads.selectFrom('settings').select('key').where('key', '=', 'k1').execute()).length).toBe(1);
  });

  it('stops a read that runs too long (QUERY_TIMEOUT) and serves the next one', async () => {
    const pool = new ReadPool(path.join(dir, 'baton.sqlite'), { size: 1, timeoutMs: 100 });
    const reads = readPoolDatabase(pool);
    try {
      // (a thread busy inside SQLite ends only when the statement returns: keep this one short)
      const err = await slow(20_000_000).execute(reads).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReadPoolError);
      expect((err as ReadPoolError).code).toBe('QUERY_TIMEOUT');
      const { rows } = await slow(10).execute(reads);
      expect(rows[0]!.n).toBe(10);
    } finally {
      await pool.stop();
    }
  });

  it('answers STORAGE_BUSY at once when too many reads wait', async () => {
    const pool = new ReadPool(path.join(dir, 'baton.sqlite'), { size: 1, maxQueued: 2 });
    const reads = readPoolDatabase(pool);
    try {
      // both wait for the thread to start; a third finds the queue full
      const running = [slow(2_000_000).execute(reads), slow(10).execute(reads)];
      const err = await slow(10).execute(reads).catch((e: unknown) => e);
      expect((err as ReadPoolError).code).toBe('STORAGE_BUSY');
      await Promise.all(running);
    } finally {
      await pool.stop();
    }
  });

  it('starts another thread when one dies', async () => {
    const pool = new ReadPool(path.join(dir, 'baton.sqlite'), { size: 1 });
    const reads = readPoolDatabase(pool);
    try {
      await pool.warm();
      expect(pool.threads).toBe(1);
      // a thread that exits mid-way fails its read, and the next read gets a new thread
      const running = slow(5_000_000).execute(reads);
      await new Promise((r) => setTimeout(r, 20));
      // terminate() takes effect once the thread is back from SQLite; the read fails then
      void (pool as unknown as { readers: Set<{ worker: { terminate(): Promise<number> } }> }).readers.values().next().value!.worker.terminate();
      await expect(running).rejects.toThrow(/reader thread exited/);
      const { rows } = await slow(5).execute(reads);
      expect(rows[0]!.n).toBe(5);
    } finally {
      await pool.stop();
    }
  });
});

// The group fsync behind SQLite's FULL durability: a job is acknowledged only after a sync that
// started after its commit has finished; syncs are shared by the commits that wait for them.
import { describe, expect, it } from 'vitest';
import { GroupSync } from '../../src/store/group-sync.js';
import { openStore } from '../../src/store/database.js';
import { WriteQueue } from '../../src/store/write-queue.js';
import { tempDir } from '../support/temp.js';

function manualSync() {
  const pending: Array<() => void> = [];
  const sync = new GroupSync(() => new Promise<void>((r) => pending.push(r)));
  return { sync, pending, finishOne: () => pending.shift()!() };
}

describe('GroupSync', () => {
  it('a request made while a sync runs waits for the next sync, and requests share it', async () => {
    const { sync, pending, finishOne } = manualSync();
    const order: string[] = [];
    const a = sync.request().then(() => order.push('a'));
    const b = sync.request().then(() => order.push('b'));
    const c = sync.request().then(() => order.push('c'));
    expect(pending).toHaveLength(1);
    finishOne();
    await a;
    expect(order).toEqual(['a']); // b and c committed after the first sync began
    await new Promise((r) => setImmediate(r));
    expect(pending).toHaveLength(1); // one sync for both
    finishOne();
    await Promise.all([b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(sync.syncs).toBe(2);
  });

  it('a failed sync rejects its waiters and the next request syncs again', async () => {
    let fail = true;
    const sync = new GroupSync(async () => {
      if (fail) throw new Error('EIO');
    });
    await expect(sync.request()).rejects.toThrow('EIO');
    fail = false;
    await expect(sync.request()).resolves.toBeUndefined();
  });
});

describe('WriteQueue with a GroupSync', () => {
  it('commits at once but acknowledges only after the sync, in commit order; drain waits for it', async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    const { sync, pending, finishOne } = manualSync();
    const queue = new WriteQueue(store.db, sync);
    const acked: number[] = [];
    const first = queue.run(async (tx) => (await tx.selectFrom('settings').select('key').execute()).length).then(() => acked.push(1));
    await new Promise((r) => setTimeout(r, 20));
    const second = queue.run(async () => 2).then(() => acked.push(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(acked).toEqual([]); // both committed, neither durable yet
    let drained = false;
    const draining = queue.drain().then(() => (drained = true));
    finishOne();
    await first;
    expect(acked).toEqual([1]);
    await new Promise((r) => setImmediate(r));
    expect(drained).toBe(false);
    expect(pending).toHaveLength(1);
    finishOne();
    await Promise.all([second, draining]);
    expect(acked).toEqual([1, 2]);
    await store.close();
  });

  it('the default SQLite store syncs its WAL before acknowledging', async () => {
    const store = await openStore({ dataDir: tempDir() });
    await store.write.run((tx) => tx.insertInto('settings').values({ key: 'probe', value: '1', updated_at: 0 }).execute());
    const row = await store.db.selectFrom('settings').selectAll().where('key', '=', 'probe').executeTakeFirst();
    expect(row?.value).toBe('1');
    expect(store.write.syncs).toBeGreaterThan(0);
    await store.close();
    const relaxed = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    await relaxed.write.run((tx) => tx.insertInto('settings').values({ key: 'probe', value: '1', updated_at: 0 }).execute());
    expect(relaxed.write.syncs).toBe(0);
    await relaxed.close();
  });
});

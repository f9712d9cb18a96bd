// WAL checkpoints happen in the background worker, not in the commits of the writer.
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { tempDir } from '../support/temp.js';

describe('SQLite background checkpoints', () => {
  it('moves committed pages into the database file while the writer never checkpoints', async () => {
    const dir = tempDir();
    const store = await openStore({ dataDir: dir, sqliteSynchronous: 'FULL' });
    try {
      const dbFile = path.join(dir, 'baton.sqlite');
      const before = fs.statSync(dbFile).size;
      const text = 'x'.repeat(2000);
      for (let batch = 0; batch < 20; batch++) {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.write.run((tx) => tx.insertInto('canned_responses').values({ id: `c-${batch}-${i}`, shortcut: `s${batch}-${i}`, title: 't', text, created_at: 1, updated_at: 1 }).execute()),
          ),
        );
      }
      // ~400 rows of 2 KB are far below the writer's own threshold (10,000 pages): only the worker checkpoints
      const deadline = Date.now() + 10_000;
      while (fs.statSync(dbFile).size <= before + 400 * 1024 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(fs.statSync(dbFile).size).toBeGreaterThan(before + 400 * 1024);
      const [row] = (await sql<{ n: number }>`select count(*) as n from canned_responses`.execute(store.db)).rows;
      expect(Number(row!.n)).toBe(400);
    } finally {
      await store.close();
    }
    // closed cleanly: the WAL is folded in and removed, and the data is there on reopen
    expect(fs.existsSync(path.join(dir, 'baton.sqlite-wal'))).toBe(false);
    const again = await openStore({ dataDir: dir, sqliteSynchronous: 'NORMAL' });
    try {
      const [row] = (await sql<{ n: number }>`select count(*) as n from canned_responses`.execute(again.db)).rows;
      expect(Number(row!.n)).toBe(400);
    } finally {
      await again.close();
    }
  });
});

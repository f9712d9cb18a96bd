// The analytics counters read from behind the fold's watermarks are kept per database handle
// (store/analytics.ts keptAnswers): read once per span, never shared between two databases.
import { describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/database.js';
import { cumulativeCounters, rollupCounters } from '../../src/store/analytics.js';
import { tempDir } from '../support/temp.js';

const DAY = 86_400_000;

async function snapshots(store: Store, rows: Array<[dayEnd: number, total: number]>) {
  await store.write.run((tx) => tx.insertInto('analytics_cumulative').values(rows.map(([day_end, total]) => ({ day_end, metric: 'handovers', label: '', bin: 0, total }))).execute());
}

describe('analytics counters kept per database', () => {
  it('reads a span of whole days once, answers it again from memory, and keeps each database apart', async () => {
    const [one, two] = [await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' }), await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' })];
    try {
      await snapshots(one, [
        [DAY, 5],
        [3 * DAY, 12],
      ]);
      await snapshots(two, [
        [DAY, 1],
        [3 * DAY, 2],
      ]);
      const span: [number, number] = [DAY, 3 * DAY];
      const first = await cumulativeCounters(one.reads, span);
      expect(first).toEqual([{ metric: 'handovers', label: '', bin: 0, count: 7 }]);
      // behind the watermark nothing is rewritten; a change here shows the second answer was not read
      await one.write.run((tx) => tx.updateTable('analytics_cumulative').set({ total: 100 }).where('day_end', '=', 3 * DAY).execute());
      expect(await cumulativeCounters(one.reads, span)).toBe(first);
      // another span is read; another database has answers of its own
      expect(await cumulativeCounters(one.reads, [0, 3 * DAY])).toEqual([{ metric: 'handovers', label: '', bin: 0, count: 100 }]);
      expect(await cumulativeCounters(two.reads, span)).toEqual([{ metric: 'handovers', label: '', bin: 0, count: 1 }]);

      await one.write.run((tx) =>
        tx
          .insertInto('analytics_rollup')
          .values([
            { span: 'hour', bucket_start: 0, metric: 'handovers', label: '', bin: 0, total: 2 },
            { span: 'hour', bucket_start: 3_600_000, metric: 'handovers', label: '', bin: 0, total: 3 },
          ])
          .execute(),
      );
      const plan = { days: [], hours: [[0, 7_200_000] as [number, number]] };
      const hours = await rollupCounters(one.reads, plan);
      expect(hours).toEqual([{ metric: 'handovers', label: '', bin: 0, count: 5 }]);
      expect(await rollupCounters(one.reads, { days: [], hours: [[0, 7_200_000]] })).toBe(hours);
      expect(await rollupCounters(one.reads, { days: [], hours: [[0, 3_600_000]] })).toEqual([{ metric: 'handovers', label: '', bin: 0, count: 2 }]);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

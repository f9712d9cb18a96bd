// Runs the analytics fold (commands/analytics-fold.ts) in the background: a bounded batch, then a
// pause that lets requests through; while behind (the first start on an existing database) batch after
// batch, otherwise once a minute. Every instance runs it; the fold's compare-and-set keeps them apart.
import { foldAnalytics, type FoldLimits } from '../commands/analytics-fold.js';
import type { Deps } from '../deps.js';

const IDLE_MS = 60_000;
const BEHIND_MS = 20;

export function createAnalyticsFold(deps: Deps, limits?: FoldLimits) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<boolean> | undefined;
  let stopped = true;

  function run(): Promise<boolean> {
    running ??= foldAnalytics(deps, limits)
      .catch((err) => {
        deps.log.error({ err }, 'analytics fold failed; retrying later');
        return false;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    start() {
      stopped = false;
      const loop = async () => {
        if (stopped) return;
        const behind = await run();
        if (!stopped) timer = setTimeout(loop, behind ? BEHIND_MS : IDLE_MS);
      };
      timer = setTimeout(loop, BEHIND_MS);
    },
    /** one bounded batch; true when more is due (tests drive the fold by hand) */
    runOnce: run,
    /** batches until nothing is due */
    async catchUp(): Promise<void> {
      while (await run());
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

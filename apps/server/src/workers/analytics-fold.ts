// Runs the analytics fold (commands/analytics-fold.ts) in the background: a bounded batch, then a
// pause that lets requests through; while behind (the first start on an existing database) batch after
// batch, otherwise once a minute. Every instance runs it; the fold's compare-and-set keeps them apart.
import { foldAnalytics, type FoldLimits } from '../commands/analytics-fold.js';
import type { Deps } from '../deps.js';
import { pollLoop } from './poll-loop.js';

const IDLE_MS = 60_000;
const BEHIND_MS = 20;

export function createAnalyticsFold(deps: Deps, limits?: FoldLimits) {
  const failed = (err: unknown) => {
    deps.log.error({ err }, 'analytics fold failed; retrying later');
    return false;
  };
  const loop = pollLoop(() => foldAnalytics(deps, limits), failed, (behind) => (behind ? BEHIND_MS : IDLE_MS));
  return {
    start: loop.start,
    /** one bounded batch; true when more is due (tests drive the fold by hand) */
    runOnce: loop.run,
    /** batches until nothing is due */
    async catchUp(): Promise<void> {
      while (await loop.run());
    },
    stop: loop.stop,
  };
}

// Fires durable timers. Each instance polls (and is woken early by a kick); a lease makes exactly
// one instance fire a timer, and a timer whose handler failed fires again when its lease runs out.
import { endWaiting } from '../commands/end-waiting.js';
import type { Deps } from '../deps.js';
import { claimDueTimers } from '../store/timers.js';
import type { TimerRow } from '../store/schema.js';
import { pollLoop } from './poll-loop.js';

const LEASE_MS = 30_000;
const POLL_MS = 1_000;

export type TimerHandler = (deps: Deps, timer: TimerRow) => Promise<void>;

export function createTimerWorker(deps: Deps, extra: Partial<Record<string, TimerHandler>> = {}) {
  const handlers: Record<string, TimerHandler> = {
    waiting_timeout: async (d, t) => {
      await endWaiting(d, t.conversation_id, 'wait.timeout', { ifStatus: 'offloaded' });
    },
    ...extra,
  } as Record<string, TimerHandler>;

  async function tick(): Promise<void> {
    const now = deps.clock.now();
    const due = await deps.store.write.run((tx) => claimDueTimers(tx, now, LEASE_MS, 100));
    for (const t of due) {
      try {
        await handlers[t.kind]?.(deps, t);
        // delete only the row we fired: a handler may have set a new timer of the same kind
        await deps.store.write.run((tx) => tx.deleteFrom('timers').where('id', '=', t.id).execute());
      } catch (err) {
        deps.log.error({ err, timer: t.kind, conversationId: t.conversation_id }, 'timer failed; will retry after its lease');
      }
    }
  }

  const loop = pollLoop(tick, (err) => deps.log.error({ err }, 'timer poll failed'), () => POLL_MS);
  return {
    start: loop.start,
    kick: () => void loop.run(),
    /** fire everything due now (tests with an injected clock) */
    runOnce: loop.run,
    stop: loop.stop,
  };
}

// Collects what a command must announce once its transaction has committed; a job may run twice
// (group commit retries a failed batch job by job), so each run starts a fresh collector.
import type { BusEvent } from '../bus/bus.js';
import type { Deps } from '../deps.js';
import type { Batched } from '../store/message-writes.js';
import type { Tx } from '../store/types.js';

export class AfterCommit {
  readonly events: BusEvent[] = [];
  readonly kicks = new Set<'outbox' | 'timers'>();
  readonly botTurns = new Set<string>();
  readonly routed = new Set<string>();
  /** agents who freed a slot or came online */
  readonly agentsFreed = new Set<string>();
  /** skills whose queue changed: positions are announced to everyone waiting */
  readonly queues = new Set<string | null>();
  /** metric updates: counted once, when the transaction has committed (a rerun job or a rolled-back
   * batch must not count twice or at all) */
  readonly counts: Array<() => void> = [];

  publish(event: BusEvent): void {
    this.events.push(event);
  }

  /** a metric update to apply once the transaction has committed */
  count(update: () => void): void {
    this.counts.push(update);
  }

  /**
   * Committed, maybe not yet on disk: the bot may start thinking (it reads committed rows, and its
   * answer is a later commit, announced only once that one is durable).
   */
  flushCommitted(deps: Deps): void {
    for (const count of this.counts) count();
    for (const c of this.botTurns) void deps.botTurns.schedule(c);
  }

  /** Durable: tell everyone. */
  flush(deps: Deps): void {
    for (const e of this.events) deps.bus.publish(e);
    for (const k of this.kicks) deps.kick(k);
    for (const c of this.routed) deps.routing.route(c);
    for (const a of this.agentsFreed) deps.routing.agentAvailable(a);
    for (const q of this.queues) deps.queueAnnouncer.soon(q);
  }
}

/**
 * Runs `fn` in the group-commit queue and announces its events after commit. `conversationId`: the
 * conversation the command is about, so its commands keep their order in one write lane. `batched`: a
 * write the store may make for several such commands at once, ahead of them (message-writes.ts); `fn`
 * gets its outcome, or undefined when it must make the write itself.
 */
export async function commit<T, O = undefined>(
  deps: Deps,
  fn: (tx: Tx, out: AfterCommit, pre: O | undefined) => Promise<T>,
  conversationId?: string,
  batched?: Batched<O>,
): Promise<T> {
  // made by each run of the job (the last one is what committed)
  let out: AfterCommit | undefined;
  const result = await deps.store.write.run<T, unknown>(
    async (tx, answer) => {
      out = new AfterCommit();
      const r = await fn(tx, out, batched?.pick(answer));
      // whoever delivers created messages elsewhere (channel webhooks) queues them in the same transaction
      const created = out.events.flatMap((e) => (e.type === 'message.created' && !e.updated ? [e.message] : []));
      if (created.length && (await deps.onMessagesCreated(tx, created))) out.kicks.add('outbox');
      return r;
    },
    { committed: () => out?.flushCommitted(deps), key: conversationId, prelude: batched?.call },
  );
  out?.flush(deps);
  return result;
}

// Announces queue positions to everyone waiting for a skill, at most every QUEUE_ANNOUNCE_MS per skill:
// one pass over the queue however many handovers came and went meanwhile (announcing per change made
// a burst of handovers quadratic). One per app instance, owned by buildApp.
import type { Deps } from '../deps.js';
import { presentConversation } from '../presenters/conversation.js';
import { queueSnapshot } from '../store/queue.js';

const QUEUE_ANNOUNCE_MS = 250;

export class QueueAnnouncer {
  private readonly pending = new Map<string | null, NodeJS.Timeout>();

  constructor(private readonly getDeps: () => Deps) {}

  /** Schedules one announcement for the skill's queue unless one is already due. */
  soon(skill: string | null): void {
    if (this.pending.has(skill)) return;
    const timer = setTimeout(() => {
      this.pending.delete(skill);
      const deps = this.getDeps();
      queueSnapshot(deps.store.db, skill)
        .then((waiting) => {
          for (const { row, queue } of waiting) deps.bus.publish({ type: 'conversation.updated', conversationId: row.id, conversation: presentConversation(row, { queue }) });
        })
        .catch((err) => deps.log.warn({ err, skill }, 'queue announcement failed'));
    }, QUEUE_ANNOUNCE_MS);
    timer.unref();
    this.pending.set(skill, timer);
  }

  /** Shutdown: drop announcements not sent yet (positions are re-announced on the next change). */
  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
  }
}

// The queue length and outbox backlog gauges, counted when /metrics is scraped.
import type { Deps } from '../deps.js';

export async function refreshBacklogGauges(deps: Deps): Promise<void> {
  const q = await deps.store.db
    .selectFrom('conversations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'offloaded')
    .executeTakeFirst();
  deps.metrics.queueLength.set(Number(q?.n ?? 0));
  const o = await deps.store.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  deps.metrics.outboxBacklog.set(Number(o?.n ?? 0));
}

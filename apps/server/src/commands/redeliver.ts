// An admin sends a finished delivery again: it is pending once more, and every instance's outbox wakes.
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';

export async function redeliver(deps: Deps, id: string): Promise<void> {
  const now = deps.clock.now();
  const r = await deps.store.write.run((tx) =>
    // a redelivery gets a fresh retry window; the delivery id stays, so receivers still dedupe
    tx.updateTable('outbox').set({ status: 'pending', next_attempt_at: now, lease_until: null, created_at: now }).where('id', '=', id).where('status', '!=', 'pending').executeTakeFirst(),
  );
  if (Number(r.numUpdatedRows) === 0) {
    const exists = await deps.store.db.selectFrom('outbox').select('id').where('id', '=', id).executeTakeFirst();
    if (!exists) throw new AppError('NOT_FOUND', 'No such delivery');
  }
  deps.kick('outbox');
  deps.bus.publish({ type: 'work.available', kind: 'outbox' });
}

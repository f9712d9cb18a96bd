// The provider delivery log, newest first, filtered by status, provider or conversation.
import type { DeliveriesQuery } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentDelivery } from '../presenters/delivery.js';

export async function listDeliveries(deps: Deps, q: DeliveriesQuery) {
  let sel = deps.store.db.selectFrom('outbox').selectAll();
  if (q.status) sel = sel.where('status', '=', q.status);
  if (q.providerId) sel = sel.where('provider_id', '=', q.providerId);
  if (q.conversationId) sel = sel.where('conversation_id', '=', q.conversationId);
  const rows = await sel.orderBy('created_at', 'desc').limit(q.limit).execute();
  return rows.map(presentDelivery);
}

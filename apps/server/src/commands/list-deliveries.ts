// The provider delivery log, newest first, filtered by status, provider or conversation, a page at a
// time (the outbox keeps every delivery).
import type { DeliveriesQuery, DeliveriesResponse } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentDelivery } from '../presenters/delivery.js';
import { after, decodeCursor, pageOf, type Keyset } from './page-cursor.js';

const DELIVERIES: Keyset = { list: 'deliveries', direction: 'desc' };

export async function listDeliveries(deps: Deps, q: DeliveriesQuery): Promise<DeliveriesResponse> {
  const at = decodeCursor(DELIVERIES, q.cursor);
  let sel = deps.store.reads.selectFrom('outbox').selectAll();
  if (q.status) sel = sel.where('status', '=', q.status);
  if (q.providerId) sel = sel.where('provider_id', '=', q.providerId);
  if (q.conversationId) sel = sel.where('conversation_id', '=', q.conversationId);
  if (at) sel = sel.where(after(DELIVERIES, 'created_at', 'id', at));
  const rows = await sel.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const { items, nextCursor } = pageOf(DELIVERIES, rows, q.limit, (r) => ({ key: Number(r.created_at), id: r.id }));
  return { deliveries: items.map(presentDelivery), nextCursor };
}

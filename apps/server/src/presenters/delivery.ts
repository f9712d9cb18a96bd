// A row of the provider delivery log as admins see it.
import type { Delivery, DeliveryStatus } from '@baton/proto';
import type { OutboxRow } from '../store/schema.js';

export function presentDelivery(r: OutboxRow): Delivery {
  return {
    id: r.id,
    deliveryId: r.delivery_id,
    providerId: r.provider_id,
    event: r.event,
    conversationId: r.conversation_id,
    // the outbox writes only these three
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null,
    createdAt: new Date(r.created_at).toISOString(),
    deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
  };
}

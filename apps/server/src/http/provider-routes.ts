// The delivery log and redelivery (admins), and each provider's inbound callback routes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { InboundActions } from '../commands/provider-inbound.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parse } from './parse.js';

const DeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
  providerId: z.string().max(64).optional(),
  conversationId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export function registerProviderRoutes(app: FastifyInstance, deps: Deps, inbound: InboundActions, kickOutbox: () => void) {
  app.get('/api/v1/providers/deliveries', { config: { access: 'admin' } }, async (req) => {
    const q = parse(DeliveriesQuery, req.query);
    let sel = deps.store.db.selectFrom('outbox').selectAll();
    if (q.status) sel = sel.where('status', '=', q.status);
    if (q.providerId) sel = sel.where('provider_id', '=', q.providerId);
    if (q.conversationId) sel = sel.where('conversation_id', '=', q.conversationId);
    const rows = await sel.orderBy('created_at', 'desc').limit(q.limit).execute();
    return {
      deliveries: rows.map((r) => ({
        id: r.id,
        deliveryId: r.delivery_id,
        providerId: r.provider_id,
        event: r.event,
        conversationId: r.conversation_id,
        status: r.status,
        attempts: r.attempts,
        lastError: r.last_error,
        nextAttemptAt: r.status === 'pending' ? new Date(r.next_attempt_at).toISOString() : null,
        createdAt: new Date(r.created_at).toISOString(),
        deliveredAt: r.delivered_at ? new Date(r.delivered_at).toISOString() : null,
      })),
    };
  });

  app.post('/api/v1/providers/deliveries/:id/redeliver', { config: { access: 'admin' } }, async (req) => {
    const { id } = parse(z.object({ id: z.string().min(1).max(100) }), req.params);
    const now = deps.clock.now();
    const r = await deps.store.write.run((tx) =>
      // a redelivery gets a fresh retry window; the delivery id stays, so receivers still dedupe
      tx.updateTable('outbox').set({ status: 'pending', next_attempt_at: now, lease_until: null, created_at: now }).where('id', '=', id).where('status', '!=', 'pending').executeTakeFirst(),
    );
    if (Number(r.numUpdatedRows) === 0) {
      const exists = await deps.store.db.selectFrom('outbox').select('id').where('id', '=', id).executeTakeFirst();
      if (!exists) throw new AppError('NOT_FOUND', 'No such delivery');
    }
    kickOutbox();
    deps.bus.publish({ type: 'work.available', kind: 'outbox' });
    return { ok: true };
  });

  for (const p of deps.providerRegistry.all()) p.registerRoutes?.(app, deps, inbound);
}

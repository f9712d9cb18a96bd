// The provider delivery log and redelivery (admins).
import { DeliveriesQuery, DeliveriesResponse, IdParams } from '@baton/proto';
import { z } from 'zod';
import { listDeliveries } from '../commands/list-deliveries.js';
import { redeliver } from '../commands/redeliver.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function deliveryRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/providers/deliveries',
      access: 'admin',
      name: 'listDeliveries',
      summary: 'Webhook delivery log (status pending|delivered|dead, attempts, last error), newest first, paged with cursor',
      errors: ['INVALID_CURSOR'],
      tag: 'Admin',
      query: DeliveriesQuery,
      response: DeliveriesResponse,
      handler: async ({ query }) => listDeliveries(deps, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/providers/deliveries/:id/redeliver',
      access: 'admin',
      name: 'redeliver',
      summary: 'Send a delivery again (same X-Baton-Delivery id)',
      tag: 'Admin',
      params: IdParams,
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ params }) => {
        await redeliver(deps, params.id);
        return { ok: true as const };
      },
    }),
  ];
}

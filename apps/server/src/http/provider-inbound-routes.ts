// Each offloading provider's signed callback routes (a provider registers its own, through
// registerSignedInbound): the providers' way in, next to the routes Baton declares itself.
import type { FastifyInstance } from 'fastify';
import type { InboundActions } from '../commands/provider-inbound.js';
import type { Deps } from '../deps.js';

export function registerProviderInbound(app: FastifyInstance, deps: Deps, inbound: InboundActions): void {
  for (const p of deps.providerRegistry.all()) p.registerRoutes?.(app, deps, inbound);
}

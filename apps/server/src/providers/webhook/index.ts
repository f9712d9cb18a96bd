// The generic Offloading Webhook: Baton POSTs signed JSON events to the configured URL (outbound.ts);
// the provider calls back POST /api/v1/providers/webhook/{providerId}/events signed the same way (inbound.ts).
import type { OutboundClient } from '../../outbound/client.js';
import type { OffloadingProvider } from '../provider.js';
import { configProblems } from './config.js';
import { registerWebhookInbound } from './inbound.js';
import { deliver } from './outbound.js';

export function createWebhookProvider(http: OutboundClient): OffloadingProvider {
  return {
    type: 'webhook',
    wants: () => true,
    validateConfig: configProblems,
    deliver: (event, rt) => deliver(event, rt, http),
    registerRoutes: registerWebhookInbound,
  };
}

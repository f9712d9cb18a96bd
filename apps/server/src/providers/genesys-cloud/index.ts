// Genesys Cloud through Open Messaging (docs/providers/genesys-cloud.md): Baton speaks as the
// customer (outbound.ts), agents answer through the signed outbound webhook (inbound.ts), and because
// Genesys sends no "agent ended" event there, a poller reads the conversation's participants (poller.ts).
import type { OutboundClient } from '../../outbound/client.js';
import type { OffloadingProvider } from '../provider.js';
import { GenesysApi } from './client.js';
import { configProblems, GENESYS_TYPE } from './config.js';
import { registerGenesysWebhook } from './inbound.js';
import { deliver } from './outbound.js';
import { createGenesysPoller } from './poller.js';

export function createGenesysCloudProvider(http: OutboundClient): OffloadingProvider {
  const api = new GenesysApi(http);
  return {
    type: GENESYS_TYPE,
    // Open Messaging carries a live chat only: a follow-up (an e-mail to answer later) has no place there
    wants: (event) => event !== 'followup.requested',
    validateConfig: configProblems,
    deliver: (event, rt) => deliver(event, rt, api),
    registerRoutes: (app, deps, inbound) => registerGenesysWebhook(app, deps, inbound, api),
    worker: createGenesysPoller(api),
  };
}

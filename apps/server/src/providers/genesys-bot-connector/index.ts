// Genesys Cloud Web Messaging with Baton as the bot, through the Digital Bot Connector (v2)
// (docs/providers/genesys-bot-connector.md): Genesys calls Baton's bot endpoints (inbound.ts) and
// Baton answers each message within a budget (exchange.ts); a slower bot's replies and handover go to
// the session as outgoing messages from the outbox (outbound.ts). The provider owns the channel: a
// handover is always returned to the Architect flow, with skill and variables as parameters.
import type { OutboundClient } from '../../outbound/client.js';
import { createInboundActions } from '../../commands/provider-inbound.js';
import type { OffloadingProvider } from '../provider.js';
import { GenesysApi } from './client.js';
import { BOT_CONNECTOR_TYPE, configProblems } from './config.js';
import { registerBotConnectorRoutes } from './inbound.js';
import { deliverLateReplies } from './outbound.js';

export function createGenesysBotConnectorProvider(http: OutboundClient): OffloadingProvider {
  const api = new GenesysApi(http);
  return {
    type: BOT_CONNECTOR_TYPE,
    ownsChannel: true,
    // nothing from the provider queue: answers and outgoing messages are queued by this provider itself
    wants: () => false,
    validateConfig: configProblems,
    deliver: (event, rt) => deliverLateReplies(event, rt, api, createInboundActions(rt.deps)),
    registerRoutes: registerBotConnectorRoutes,
  };
}

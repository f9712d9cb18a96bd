// Zendesk messaging through Sunshine Conversations Switchboard: Baton is the bot integration of the
// app's own messenger. Users' messages arrive through the webhook (inbound.ts) and the bot answers as
// business messages (outbound.ts, every bot message: the provider owns the channel); a handover offers
// or passes control to the agent side, and control coming back resumes the bot.
import type { OutboundClient } from '../../outbound/client.js';
import type { OffloadingProvider } from '../provider.js';
import { SunshineAccounts } from './client.js';
import { configProblems } from './config.js';
import { registerSunshineWebhook } from './inbound.js';
import { deliver, WANTED } from './outbound.js';

export function createSunshineConversationsProvider(http: OutboundClient): OffloadingProvider {
  const accounts = new SunshineAccounts(http);
  return {
    type: 'sunshine-conversations',
    ownsChannel: true,
    wants: (event) => WANTED.has(event),
    validateConfig: configProblems,
    deliver: (event, rt) => deliver(event, rt, accounts),
    registerRoutes: registerSunshineWebhook,
  };
}

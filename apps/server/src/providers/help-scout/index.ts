// Help Scout as an offloading provider (Mailbox API 2.0 + webhooks): a handover becomes a chat
// conversation holding the transcript, the user's follow-ups become threads (outbound.ts), and agents'
// assignments, replies and closes come back through the signed webhook (inbound.ts).
import type { OutboundClient } from '../../outbound/client.js';
import type { OffloadingProvider } from '../provider.js';
import { HelpScoutAccounts } from './client.js';
import { configProblems } from './config.js';
import { registerHelpScoutWebhook } from './inbound.js';
import { deliver, WANTED } from './outbound.js';

export function createHelpScoutProvider(http: OutboundClient): OffloadingProvider {
  const accounts = new HelpScoutAccounts(http);
  return {
    type: 'help-scout',
    wants: (event) => WANTED.has(event),
    validateConfig: configProblems,
    deliver: (event, rt) => deliver(event, rt, accounts),
    registerRoutes: (app, deps, inbound) => registerHelpScoutWebhook(app, deps, inbound, accounts),
  };
}

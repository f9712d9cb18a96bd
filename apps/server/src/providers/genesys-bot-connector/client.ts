// The Genesys Platform API call of the bot connector: an outgoing message to an open bot session,
// with the OAuth client's token (permission integration:botconnector:send), through the Genesys
// Cloud provider's token cache and Baton's outbound client.
import type { HttpResult } from '../http-client.js';
import type { GenesysApi } from '../genesys-cloud/client.js';
import type { GenesysBotConnectorConfig } from './config.js';
import { OUTGOING_MESSAGES_PATH, type OutgoingMessageBody } from './contract.js';

export { GenesysApi } from '../genesys-cloud/client.js';

export function sendOutgoing(api: GenesysApi, c: GenesysBotConnectorConfig, body: OutgoingMessageBody): Promise<HttpResult> {
  return api.call(c, 'POST', OUTGOING_MESSAGES_PATH, body);
}

// Settings of a Genesys Cloud Digital Bot Connector provider (Baton as the bot of Genesys Web
// Messaging), as saved in Settings > Offloading, and what the server derives from them. Secrets
// (connectionSecret, previousConnectionSecret, clientSecret) are encrypted at rest and masked by name.
import { GenesysBotConnectorConfig } from '@baton/proto';
import { loginConfigProblems } from '../genesys-cloud/config.js';

/** the provider type in settings */
export const BOT_CONNECTOR_TYPE = 'genesys-bot-connector';

export { GenesysBotConnectorConfig } from '@baton/proto';

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  return loginConfigProblems(GenesysBotConnectorConfig, config);
}

/**
 * The one version Baton lists for each bot. A Baton bot is edited in place and what Architect needs
 * from the list (the Handover intent and its entities) never changes, so one version stays valid.
 */
export const BOT_VERSION = 'live';

/** The intent of a handover: the path of the Call Digital Bot Connector action that leads to a queue. */
export const HANDOVER_INTENT = 'Handover';

/** The slots of the Handover intent (Architect shows them under the intent's path). */
export const HANDOVER_ENTITIES = [
  { name: 'Skill', type: 'String' },
  { name: 'Language', type: 'String' },
  { name: 'Trigger', type: 'String' },
  { name: 'Reason', type: 'String' },
  { name: 'Tags', type: 'StringCollection' },
] as const;

/** The language codes a bot is listed with: the configured ones (as the flows name them), else the bot's own. */
export function languageCodes(c: GenesysBotConnectorConfig, botLanguages: readonly string[]): string[] {
  const given = (c.languageCodes ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(given.length ? given : botLanguages.map((l) => l.toLowerCase()))];
}

// Settings of a Genesys Cloud Digital Bot Connector provider (Baton as the bot of Genesys Web
// Messaging), as saved in Settings > Offloading, and what the server derives from them. Secrets
// (connectionSecret, previousConnectionSecret, clientSecret) are encrypted at rest and masked by name.
import { GenesysBotConnectorConfig } from '@baton/proto';
import type { BotDefinition } from '../../domain/bot/definition.js';
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

/** A variable's slot and output parameter name: `var_` + the variable's name. */
export const VARIABLE_PREFIX = 'var_';
/** Architect takes at most 50 slots per intent: the five above and up to 45 variables. */
const MAX_VARIABLE_ENTITIES = 50 - HANDOVER_ENTITIES.length;

/**
 * The variables a bot can hand over, known from its definition (questions, setVariable steps, webhook
 * assignments and the offload steps' lists): listed as String slots `var_<name>` of the Handover intent,
 * so Architect offers them as the action's outputs.
 */
export function variableNames(d: BotDefinition): string[] {
  const names = new Set<string>();
  for (const dialog of Object.values(d.dialogs)) {
    for (const step of dialog.steps) {
      if ('question' in step) names.add(step.question.variable);
      if ('setVariable' in step) names.add(step.setVariable.name);
      if ('webhook' in step) for (const n of Object.keys(step.webhook.assign ?? {})) names.add(n);
      if ('offload' in step) for (const n of step.offload.variables ?? []) names.add(n);
    }
  }
  return [...names].sort().slice(0, MAX_VARIABLE_ENTITIES);
}

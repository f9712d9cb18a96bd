// Settings of a Genesys Cloud (Open Messaging) provider, as saved in Settings > Offloading: what the
// server derives from them. Secrets (clientSecret, webhookSecret) are encrypted at rest and masked by
// the API because of their names.
import { GenesysConfig } from '@baton/proto';
import type { z } from 'zod';

/** the provider type in settings */
export const GENESYS_TYPE = 'genesys-cloud';

// the schema and the region list live in proto, with what the desk shows for each field
export { GENESYS_REGIONS, GenesysConfig } from '@baton/proto';

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  return loginConfigProblems(GenesysConfig, config);
}

/** The problems of a config that logs in to Genesys (this provider's, the bot connector's): the schema's, and a missing location. */
export function loginConfigProblems(schema: z.ZodType, config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = schema.safeParse(config);
  if (r.success) return [];
  const problems = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  // the cross-field check only runs on an otherwise valid object: report a missing location anyway
  if (!config.region && !(config.baseUrl && config.loginUrl) && !problems.some((p) => p.path === 'region')) {
    problems.push({ path: 'region', message: 'give a region, or both baseUrl and loginUrl' });
  }
  return problems;
}

const trim = (u: string) => u.replace(/\/+$/, '');

/** What a Platform API call needs: where the org lives and the OAuth client (the bot connector's config has it too). */
export type GenesysLogin = Pick<GenesysConfig, 'region' | 'baseUrl' | 'loginUrl' | 'clientId' | 'clientSecret' | 'timeoutMs'>;

export function apiBase(c: GenesysLogin): string {
  return trim(c.baseUrl ?? `https://api.${c.region}`);
}

export function loginBase(c: GenesysLogin): string {
  return trim(c.loginUrl ?? `https://login.${c.region}`);
}

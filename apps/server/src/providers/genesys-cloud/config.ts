// Settings of a Genesys Cloud (Open Messaging) provider, as saved in Settings > Offloading. Secrets
// (clientSecret, webhookSecret) are encrypted at rest and masked by the API because of their names.
import { z } from 'zod';

/** the provider type in settings */
export const GENESYS_TYPE = 'genesys-cloud';

/** Region hosts from the official SDK's region enum: login.<host> and api.<host>. */
export const GENESYS_REGIONS = [
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'mypurecloud.de',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'apne2.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'use2.us-gov-pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'apne3.pure.cloud',
  'euc2.pure.cloud',
] as const;

const httpUrl = z.url({ protocol: /^https?$/ }).max(500);

export const GenesysConfig = z
  .object({
    /** e.g. "mypurecloud.ie"; leave out when baseUrl and loginUrl are given (simulator, proxies) */
    region: z.enum(GENESYS_REGIONS, { message: `must be one of ${GENESYS_REGIONS.join(', ')}` }).optional(),
    /** overrides https://api.<region> */
    baseUrl: httpUrl.optional(),
    /** overrides https://login.<region> */
    loginUrl: httpUrl.optional(),
    clientId: z.string().min(1, 'the OAuth client id is required').max(200),
    clientSecret: z.string().min(1, 'the OAuth client secret is required').max(500),
    /** the Open Messaging integration (platform) id */
    integrationId: z.string().min(1, 'the Open Messaging integration id is required').max(200),
    /** the integration's Outbound Notification Webhook Signature Secret Token */
    webhookSecret: z.string().min(16, 'use at least 16 characters').max(500),
    /** during a rotation, the old secret token, still accepted until removed */
    previousWebhookSecret: z.string().min(16, 'use at least 16 characters').max(500).optional(),
    /** what Baton does when the Genesys agent ends the conversation: the bot resumes, or it closes */
    onAgentEnd: z.enum(['handback', 'close']).default('handback'),
    /** bot dialog to start when the agent ends and onAgentEnd is "handback" (default: none) */
    handbackDialog: z.string().min(1).max(100).optional(),
    /** how often to ask Genesys whether the agent has ended (no webhook event says so) */
    pollSeconds: z.number().int().min(1).max(600).default(10),
    /** mirror bot answers given while the user waits, so the agent knows what the user was told */
    mirrorBotMessages: z.boolean().default(true),
    timeoutMs: z.number().int().min(500).max(30_000).default(10_000),
    /** read by the outbox worker: how long a failing delivery is retried */
    retryWindowSeconds: z.number().int().min(1).optional(),
  })
  .superRefine((c, ctx) => {
    if (!c.region && !(c.baseUrl && c.loginUrl)) {
      ctx.addIssue({ code: 'custom', path: ['region'], message: 'give a region, or both baseUrl and loginUrl' });
    }
  });
export type GenesysConfig = z.infer<typeof GenesysConfig>;

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = GenesysConfig.safeParse(config);
  if (r.success) return [];
  const problems = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  // the cross-field check only runs on an otherwise valid object: report a missing location anyway
  if (!config.region && !(config.baseUrl && config.loginUrl) && !problems.some((p) => p.path === 'region')) {
    problems.push({ path: 'region', message: 'give a region, or both baseUrl and loginUrl' });
  }
  return problems;
}

const trim = (u: string) => u.replace(/\/+$/, '');

export function apiBase(c: GenesysConfig): string {
  return trim(c.baseUrl ?? `https://api.${c.region}`);
}

export function loginBase(c: GenesysConfig): string {
  return trim(c.loginUrl ?? `https://login.${c.region}`);
}

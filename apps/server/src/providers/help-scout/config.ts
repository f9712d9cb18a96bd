// Settings of a Help Scout provider (Settings > Offloading > providers[].config). clientSecret and
// webhookSecret match the secret-name rule, so they are encrypted at rest and masked by the API.
import { z } from 'zod';

const MailboxId = z.number().int().positive();

export const HelpScoutConfig = z.object({
  /** overridable so tests and `npm run sim:helpscout` can point at the simulator */
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.helpscout.net'),
  /** OAuth app (Your Profile > My apps): App ID and App Secret, used with client credentials */
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(200),
  /** the inbox new handovers land in unless skillMailboxes names another */
  mailboxId: MailboxId,
  /** skill → mailbox id, e.g. { "address_change": 1234 } */
  skillMailboxes: z.record(z.string().min(1).max(64), MailboxId).optional(),
  /** a Help Scout user id to assign new conversations to; absent = the inbox's own rule */
  assignTo: z.number().int().positive().optional(),
  /** the webhook's secret key; Help Scout allows at most 40 characters */
  webhookSecret: z.string().min(8, 'use at least 8 characters').max(40, 'Help Scout allows at most 40 characters'),
  /** during a rotation, the old secret key, still accepted until removed */
  previousWebhookSecret: z.string().min(8, 'use at least 8 characters').max(40, 'Help Scout allows at most 40 characters').optional(),
  /** Baton variable name → Help Scout custom field id (the field must exist in the target inbox) */
  customFields: z.record(z.string().min(1).max(100), z.number().int().positive()).optional(),
  /** what a closed / spam / deleted / merged Help Scout conversation does to the Baton conversation */
  onClose: z.enum(['handback', 'close']).default('handback'),
  timeoutMs: z.number().int().min(500).max(30_000).optional(),
  /** read by the outbox worker: how long a failing delivery is retried */
  retryWindowSeconds: z.number().int().positive().optional(),
});
export type HelpScoutConfig = z.infer<typeof HelpScoutConfig>;

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = HelpScoutConfig.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function mailboxFor(cfg: HelpScoutConfig, skill: string | null | undefined): number {
  return (skill && cfg.skillMailboxes?.[skill]) || cfg.mailboxId;
}

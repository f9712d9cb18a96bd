// The generic webhook provider's settings.
import { z } from 'zod';

export const WebhookConfig = z.object({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(16, 'use at least 16 characters'),
  /** during a rotation, the old secret, still accepted on callbacks until removed */
  previousSecret: z.string().min(16, 'use at least 16 characters').optional(),
  timeoutMs: z.number().int().min(500).max(30_000).optional(),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = WebhookConfig.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

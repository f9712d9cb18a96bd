// The generic webhook provider's settings.
import { WebhookConfig } from '@baton/proto';

// the schema lives in proto, with what the desk shows for each field
export { WebhookConfig } from '@baton/proto';

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = WebhookConfig.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

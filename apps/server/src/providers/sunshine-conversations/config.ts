// Settings of a Sunshine Conversations provider (Settings > Offloading > providers[].config). secret,
// webhookSecret and previousWebhookSecret match the secret-name rule: encrypted at rest, masked by the API.
import { SunshineConversationsConfig } from '@baton/proto';

// the schema lives in proto, with what the desk shows for each field
export { SunshineConversationsConfig } from '@baton/proto';

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = SunshineConversationsConfig.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** `{apiBaseUrl}/v2/apps/{appId}{path}`, the app id and path segments URL-encoded by the caller */
export function appUrl(cfg: SunshineConversationsConfig, path: string): string {
  return `${cfg.apiBaseUrl.replace(/\/+$/, '')}/v2/apps/${encodeURIComponent(cfg.appId)}${path}`;
}

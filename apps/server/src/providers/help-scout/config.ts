// Settings of a Help Scout provider (Settings > Offloading > providers[].config). clientSecret and
// webhookSecret match the secret-name rule, so they are encrypted at rest and masked by the API.
import { HelpScoutConfig } from '@baton/proto';

// the schema lives in proto, with what the desk shows for each field
export { HelpScoutConfig } from '@baton/proto';

export function configProblems(config: Record<string, unknown>): Array<{ path: string; message: string }> {
  const r = HelpScoutConfig.safeParse(config);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

export function mailboxFor(cfg: HelpScoutConfig, skill: string | null | undefined): number {
  return (skill && cfg.skillMailboxes?.[skill]) || cfg.mailboxId;
}

// Settings > Retention (admins): read, and replace (validated, audited in the same transaction). The
// retention worker reads them at the start of every run, so a change applies from the next run.
import { RetentionSettings } from '@baton/proto';
import type { Deps } from '../deps.js';
import { defaultRetentionSettings, validateRetentionSettings } from '../domain/retention.js';
import { AppError } from '../errors.js';
import { writeAudit } from '../store/audit.js';
import type { AgentRow } from '../store/schema.js';
import { readSetting, writeSetting } from '../store/settings.js';
import type { Tx } from '../store/types.js';

const KEY = 'retention';

export async function readRetentionSettings(tx: Tx): Promise<RetentionSettings> {
  const stored = await readSetting<unknown>(tx, KEY);
  const parsed = stored === undefined ? undefined : RetentionSettings.safeParse(stored);
  return parsed?.success ? parsed.data : defaultRetentionSettings();
}

export async function getRetentionSettings(deps: Deps): Promise<RetentionSettings> {
  return readRetentionSettings(deps.store.db);
}

export async function putRetentionSettings(deps: Deps, agent: AgentRow, body: unknown): Promise<RetentionSettings> {
  const r = RetentionSettings.safeParse(body);
  const problems = r.success ? validateRetentionSettings(r.data) : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  if (!r.success || problems.length) throw new AppError('SETTINGS_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
  const next = r.data;
  await deps.store.write.run(async (tx) => {
    const before = await readRetentionSettings(tx);
    const now = deps.clock.now();
    await writeSetting(tx, KEY, next, now);
    await writeAudit(tx, { agentId: agent.id, agentName: agent.name, action: 'retention.updated', target: `settings:${KEY}`, detail: { before, after: next } }, now);
  });
  return next;
}

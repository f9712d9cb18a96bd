// Settings > Offloading: read (secrets masked), replace (validated; a masked secret keeps the stored
// one), and the cached copy commands use on every bot turn.
import { OffloadingSettings, SECRET_MASK } from '@baton/proto';
import { defaultOffloadingSettings, validateOffloadingSettings } from '../domain/offloading-settings.js';
import type { Deps, SettingsCache } from '../deps.js';
import { AppError } from '../errors.js';
import { readSetting, writeSetting } from '../store/settings.js';
import type { Store } from '../store/database.js';
import type { Tx } from '../store/write-queue.js';
import { decryptSecrets, encryptSecrets, isSecretField } from '../secrets.js';
import { assertUrlsAllowed } from '../outbound/save-check.js';

const KEY = 'offloading';

export function createSettingsCache(store: Store, secretKey: () => Buffer): SettingsCache {
  let cached: Promise<OffloadingSettings> | undefined;
  return {
    offloading(tx?: Tx) {
      if (!cached) {
        cached = (async () => {
          const stored = await readSetting<OffloadingSettings>(tx ?? store.db, KEY);
          return stored ? decryptSecrets(OffloadingSettings.parse(stored), secretKey()) : defaultOffloadingSettings();
        })();
        cached.catch(() => (cached = undefined));
      }
      return cached;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/** The settings as the API shows them: every secret replaced by the mask. */
export function maskSecrets(s: OffloadingSettings): OffloadingSettings {
  return {
    ...s,
    providers: s.providers.map((p) => ({
      ...p,
      ...(p.config
        ? { config: Object.fromEntries(Object.entries(p.config).map(([k, v]) => [k, isSecretField(k) && v ? SECRET_MASK : v])) }
        : {}),
    })),
  };
}

export async function getOffloadingSettings(deps: Deps): Promise<OffloadingSettings> {
  return maskSecrets(await deps.settings.offloading());
}

export async function putOffloadingSettings(deps: Deps, body: unknown): Promise<OffloadingSettings> {
  const r = OffloadingSettings.safeParse(body);
  if (!r.success) {
    const problems = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    throw new AppError('SETTINGS_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
  }
  const problems = [...validateOffloadingSettings(r.data), ...(await unknownDialogs(deps, r.data))];
  if (problems.length) {
    throw new AppError('SETTINGS_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
  }
  const current = await deps.settings.offloading();
  // a masked secret sent back means "unchanged" — for the same provider calling the same places: a
  // mask never follows a changed URL (an admin could point loginUrl at a server of theirs and read the
  // OAuth client secret there)
  const moved: Array<{ path: string; message: string }> = [];
  const next: OffloadingSettings = {
    ...r.data,
    providers: r.data.providers.map((p: OffloadingSettings['providers'][number], i: number) => {
      const old = current.providers.find((o) => o.id === p.id);
      if (!p.config) return p;
      const same = old !== undefined && old.type === p.type && urlFieldsOf(old.config) === urlFieldsOf(p.config);
      const config = Object.fromEntries(
        Object.entries(p.config).map(([k, v]) => {
          if (v !== SECRET_MASK) return [k, v];
          if (!same && old?.config?.[k] !== undefined) {
            moved.push({ path: `providers.${i}.config.${k}`, message: 'the provider calls other URLs now: type the secret again (the mask keeps it only while its URLs stay the same)' });
          }
          return [k, same ? (old.config?.[k] ?? null) : null];
        }),
      );
      return { ...p, config };
    }),
  };
  const missing = next.providers.flatMap((p, i) =>
    Object.entries(p.config ?? {})
      .filter(([k, v]) => isSecretField(k) && v === null && !moved.some((m) => m.path === `providers.${i}.config.${k}`))
      .map(([k]) => ({ path: `providers.${i}.config.${k}`, message: 'the mask keeps a stored secret, but none is stored yet' })),
  );
  missing.push(...moved);
  const configProblems = next.providers.flatMap((p, i) =>
    (deps.providerRegistry.get(p.type)?.validateConfig?.(p.config ?? {}) ?? []).map((x) => ({ path: `providers.${i}.config.${x.path}`, message: x.message })),
  );
  // every provider config field named …url / …Url is a URL Baton calls (webhook url, Genesys baseUrl
  // and loginUrl, Help Scout baseUrl): refused targets are 422 URL_NOT_ALLOWED with their path
  // (before the providers' own checks: a file: or internal URL is URL_NOT_ALLOWED, not a schema problem)
  assertUrlsAllowed(
    next.providers.flatMap((p, i) =>
      urlFields(p.config)
        .filter((e): e is [string, string] => typeof e[1] === 'string')
        .map(([k, v]) => ({ path: `providers.${i}.config.${k}`, url: v })),
    ),
    deps.outbound.policy,
  );
  // a secret missing or to type again is said once, not again as the provider's own "expected a string"
  const all = [...missing, ...configProblems.filter((c) => !missing.some((m) => m.path === c.path))];
  if (all.length) throw new AppError('SETTINGS_INVALID', all.map((p) => `${p.path}: ${p.message}`).join('; '), { problems: all });
  await deps.store.write.run((tx) => writeSetting(tx, KEY, encryptSecrets(next, deps.secretKey()), deps.clock.now()));
  deps.settings.invalidate();
  deps.bus.publish({ type: 'settings.changed', key: KEY });
  return maskSecrets(next);
}

/** the config fields naming where Baton calls: …url / …Url (webhook url, Genesys baseUrl and loginUrl, Help Scout baseUrl) */
function urlFields(config: Record<string, unknown> | undefined): Array<[string, unknown]> {
  return Object.entries(config ?? {}).filter(([k]) => /url$/i.test(k));
}

/** the URL fields as one comparable string */
function urlFieldsOf(config: Record<string, unknown> | undefined): string {
  return JSON.stringify(urlFields(config).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * settings.dialogs names dialogs the runtime runs instead of its system dialogs: a name no bot has
 * would silently do nothing, so it is refused with its path (a bot without it runs its own at run time).
 */
async function unknownDialogs(deps: Deps, s: OffloadingSettings): Promise<Array<{ path: string; message: string }>> {
  const named = Object.entries(s.dialogs ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  if (!named.length) return [];
  const rows = await deps.store.db.selectFrom('bots').select('id').execute();
  const bots = await Promise.all(rows.map((b) => deps.bots.get(b.id).catch(() => undefined)));
  return named
    .filter(([, dialog]) => !bots.some((b) => b?.runtime.hasDialog(dialog)))
    .map(([key, dialog]) => ({ path: `dialogs.${key}`, message: `no bot has a dialog named "${dialog}"` }));
}

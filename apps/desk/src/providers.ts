// The Offloading page's provider editor: which config keys a 422 can name, the inbound webhook URL to
// set on the provider's side, and the Help Scout skill → mailbox map as editable rows. The fields
// themselves (labels, kinds, help text, secrets) come from proto, next to the schemas the server
// checks. Pure, so it is unit tested.
import type { ProviderConfig } from '@baton/proto';
import { PROVIDER_FIELDS, PROVIDER_TYPE_LABELS, type ProviderType } from '@baton/proto/provider-fields';

export { GENESYS_REGIONS, PROVIDER_FIELDS, PROVIDER_TYPE_LABELS, PROVIDER_TYPES, type ConfigField, type FieldKind, type ProviderType } from '@baton/proto/provider-fields';

/** The top-level provider fields the 422 problems can name, and the config fields as "config.<key>". */
export function providerFieldKeys(type: ProviderType, config: Record<string, unknown> = {}): string[] {
  const known = PROVIDER_FIELDS[type].map((f) => `config.${f.key}`);
  const extra = Object.keys(config).map((k) => `config.${k}`);
  return ['id', 'name', 'type', 'enabled', 'skills', ...new Set([...known, ...extra])];
}

/** Config keys the typed fields do not cover (kept, shown as plain settings). */
export function extraConfigKeys(type: ProviderType, config: Record<string, unknown> = {}): string[] {
  const known = new Set(PROVIDER_FIELDS[type].map((f) => f.key));
  return Object.keys(config).filter((k) => !known.has(k));
}

/** The URL to configure on the provider's side for its callbacks to Baton; none for the desk. */
export function providerWebhookUrl(origin: string, p: Pick<ProviderConfig, 'id' | 'type'>): string | undefined {
  const id = encodeURIComponent(p.id);
  const base = origin.replace(/\/+$/, '');
  if (p.type === 'webhook') return `${base}/api/v1/providers/webhook/${id}/events`;
  if (p.type === 'genesys-cloud') return `${base}/api/v1/providers/genesys-cloud/${id}/webhook`;
  if (p.type === 'help-scout') return `${base}/api/v1/providers/help-scout/${id}/webhook`;
  if (p.type === 'sunshine-conversations') return `${base}/api/v1/providers/sunshine-conversations/${id}/webhook`;
  // the integration's Bot Connector URI: Genesys appends /bots, /bots/{botId} and /messages
  if (p.type === 'genesys-bot-connector') return `${base}/api/v1/providers/genesys-bot-connector/${id}/botconnector`;
  return undefined;
}

/** A new provider of a type, with the config keys its fields expect. */
export function newProvider(type: ProviderType, n: number): ProviderConfig {
  const id = `${type === 'desk' ? 'desk' : type}${n > 1 ? n : ''}`.replace(/[^a-z0-9_-]/gi, '');
  const base = { id, type, name: `${PROVIDER_TYPE_LABELS[type]}${n > 1 ? ` ${n}` : ''}` };
  if (type === 'webhook') return { ...base, config: { url: '', secret: '' } };
  if (type === 'genesys-cloud') return { ...base, config: { region: 'mypurecloud.com', clientId: '', clientSecret: '', integrationId: '', webhookSecret: '' } };
  if (type === 'help-scout') return { ...base, config: { clientId: '', clientSecret: '', webhookSecret: '' } };
  if (type === 'sunshine-conversations') return { ...base, config: { appId: '', keyId: '', secret: '', webhookSecret: '' } };
  if (type === 'genesys-bot-connector') return { ...base, config: { region: 'mypurecloud.com', clientId: '', clientSecret: '', connectionSecret: '' } };
  return base;
}

// ---- Help Scout: skill → mailbox rows ------------------------------------------------------------

export interface MailboxRow {
  skill: string;
  mailbox: string;
}

export function mapToRows(map: unknown): MailboxRow[] {
  if (!map || typeof map !== 'object' || Array.isArray(map)) return [];
  return Object.entries(map as Record<string, unknown>).map(([skill, mailbox]) => ({ skill, mailbox: mailbox === null || mailbox === undefined ? '' : String(mailbox) }));
}

const MAILBOX_ID = /^\d{1,15}$/;

/** What is wrong with a row, if anything (half-filled rows are only "unfinished", not saved); `what` names the two columns. */
export function mailboxRowProblem(rows: MailboxRow[], i: number, what: { key: string; value: string } = { key: 'skill', value: 'mailbox id' }): string | undefined {
  const r = rows[i];
  if (!r) return undefined;
  const skill = r.skill.trim();
  const mailbox = r.mailbox.trim();
  if (!skill && !mailbox) return undefined;
  if (!skill) return `name a ${what.key}`;
  if (!mailbox) return `enter a ${what.value}`;
  if (!MAILBOX_ID.test(mailbox) || Number(mailbox) < 1) return `a ${what.value} is a whole number`;
  if (rows.findIndex((x) => x.skill.trim() === skill) !== i) return `“${skill}” is already mapped`;
  return undefined;
}

/** The complete, valid rows as the config map (mailbox ids as numbers); others are left out. */
export function rowsToMap(rows: MailboxRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  rows.forEach((r, i) => {
    if (r.skill.trim() && r.mailbox.trim() && !mailboxRowProblem(rows, i)) out[r.skill.trim()] = Number(r.mailbox.trim());
  });
  return out;
}

/** A number field's value from its input: empty removes the key; anything else is sent as a number, or as typed when it is not one (the server says why). */
export function numberValue(raw: string): number | string | undefined {
  const t = raw.trim();
  if (!t) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

// What the Offloading page's provider editor shows for each provider type: the config fields with
// their kind, the inbound webhook URL to set on the provider's side, and the Help Scout
// skill → mailbox map as editable rows. Pure, so it is unit tested.
import type { ProviderConfig } from '@baton/proto';

export type ProviderType = ProviderConfig['type'];
export const PROVIDER_TYPES: ProviderType[] = ['desk', 'webhook', 'genesys-cloud', 'help-scout'];
export const PROVIDER_TYPE_LABELS: Record<ProviderType, string> = {
  desk: 'Baton desk',
  webhook: 'Webhook',
  'genesys-cloud': 'Genesys Cloud',
  'help-scout': 'Help Scout',
};

export const GENESYS_REGIONS = [
  'mypurecloud.com',
  'mypurecloud.ie',
  'mypurecloud.de',
  'mypurecloud.com.au',
  'mypurecloud.jp',
  'usw2.pure.cloud',
  'cac1.pure.cloud',
  'euw2.pure.cloud',
  'aps1.pure.cloud',
  'apne2.pure.cloud',
  'sae1.pure.cloud',
  'mec1.pure.cloud',
  'euc2.pure.cloud',
  'apne3.pure.cloud',
  'use2.us-gov-pure.cloud',
] as const;

export type FieldKind = 'text' | 'url' | 'secret' | 'number' | 'select' | 'boolean' | 'mailboxMap';

export interface ConfigField {
  key: string;
  label: string;
  kind: FieldKind;
  hint?: string;
  placeholder?: string;
  /** shown under "Advanced" (simulator and test overrides) */
  advanced?: boolean;
  optional?: boolean;
  options?: { value: string; label: string }[];
  /** the label of a select's empty choice (the server's default), and a boolean's value when unset */
  defaultLabel?: string;
  defaultValue?: boolean;
  maxLength?: number;
  /** offer a "Generate" button (secrets Baton and the provider share, not ones the provider issues) */
  generate?: boolean;
}

const END_OPTIONS = [
  { value: 'handback', label: 'Hand back to the bot' },
  { value: 'close', label: 'Close the conversation' },
];

export const PROVIDER_FIELDS: Record<ProviderType, ConfigField[]> = {
  desk: [],
  webhook: [
    { key: 'url', label: 'Event URL', kind: 'url', placeholder: 'https://contact-center.example.com/baton', hint: 'Baton POSTs signed handover events here.' },
    { key: 'secret', label: 'Signing secret', kind: 'secret', generate: true, hint: 'At least 16 characters; signs both directions.' },
    { key: 'previousSecret', label: 'Previous signing secret', kind: 'secret', optional: true, advanced: true, hint: 'During a rotation: the old secret, still accepted on callbacks. Remove it once the contact center signs with the new one.' },
    { key: 'timeoutMs', label: 'Timeout (ms)', kind: 'number', optional: true, advanced: true, placeholder: '10000' },
  ],
  'genesys-cloud': [
    { key: 'region', label: 'Region', kind: 'select', optional: true, defaultLabel: 'None (API and login URLs under Advanced)', options: GENESYS_REGIONS.map((r) => ({ value: r, label: r })), hint: 'The host your Genesys Cloud org lives on.' },
    { key: 'clientId', label: 'OAuth client id', kind: 'text', hint: 'A client-credentials OAuth client.' },
    { key: 'clientSecret', label: 'OAuth client secret', kind: 'secret' },
    { key: 'integrationId', label: 'Open Messaging integration id', kind: 'text' },
    { key: 'webhookSecret', label: 'Webhook secret', kind: 'secret', generate: true, hint: 'The outbound webhook secret of the Open Messaging integration.' },
    { key: 'previousWebhookSecret', label: 'Previous webhook secret', kind: 'secret', optional: true, advanced: true, hint: 'During a rotation: the old secret, still accepted. Remove it once Genesys signs with the new one.' },
    { key: 'onAgentEnd', label: 'When the agent ends the chat', kind: 'select', optional: true, defaultLabel: 'Default (hand back to the bot)', options: END_OPTIONS },
    { key: 'handbackDialog', label: 'Dialog after hand-back', kind: 'text', optional: true, placeholder: 'none', hint: 'The bot dialog that starts when the agent ends the chat.' },
    { key: 'pollSeconds', label: 'Poll every (seconds)', kind: 'number', optional: true, placeholder: '10', hint: 'How often Baton asks Genesys whether the agent ended the chat.' },
    { key: 'mirrorBotMessages', label: 'Show the agent what the bot tells a waiting user', kind: 'boolean', optional: true, defaultValue: true },
    { key: 'baseUrl', label: 'API base URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://api.mypurecloud.com', hint: 'Overrides the region (e.g. a simulator).' },
    { key: 'loginUrl', label: 'Login URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://login.mypurecloud.com', hint: 'Overrides the region’s OAuth host.' },
  ],
  'help-scout': [
    { key: 'clientId', label: 'App id', kind: 'text', hint: 'A Help Scout OAuth app (client credentials).' },
    { key: 'clientSecret', label: 'App secret', kind: 'secret' },
    { key: 'mailboxId', label: 'Mailbox id', kind: 'number', hint: 'Where conversations are created by default.' },
    { key: 'skillMailboxes', label: 'Mailbox per skill', kind: 'mailboxMap', optional: true, hint: 'Offloads with one of these skills go to that mailbox instead.' },
    { key: 'assignTo', label: 'Assign to user id', kind: 'number', optional: true },
    { key: 'webhookSecret', label: 'Webhook secret', kind: 'secret', generate: true, maxLength: 40, hint: 'The secret of the Help Scout webhook (at most 40 characters).' },
    { key: 'previousWebhookSecret', label: 'Previous webhook secret', kind: 'secret', optional: true, advanced: true, maxLength: 40, hint: 'During a rotation: the old secret, still accepted. Remove it once Help Scout signs with the new one.' },
    { key: 'onClose', label: 'When the agent closes the conversation', kind: 'select', optional: true, defaultLabel: 'Default (hand back to the bot)', options: END_OPTIONS },
    { key: 'baseUrl', label: 'API base URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://api.helpscout.net', hint: 'Overrides the API host (e.g. a simulator).' },
  ],
};

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
  return undefined;
}

/** A new provider of a type, with the config keys its fields expect. */
export function newProvider(type: ProviderType, n: number): ProviderConfig {
  const id = `${type === 'desk' ? 'desk' : type}${n > 1 ? n : ''}`.replace(/[^a-z0-9_-]/gi, '');
  const base = { id, type, name: `${PROVIDER_TYPE_LABELS[type]}${n > 1 ? ` ${n}` : ''}` };
  if (type === 'webhook') return { ...base, config: { url: '', secret: '' } };
  if (type === 'genesys-cloud') return { ...base, config: { region: 'mypurecloud.com', clientId: '', clientSecret: '', integrationId: '', webhookSecret: '' } };
  if (type === 'help-scout') return { ...base, config: { clientId: '', clientSecret: '', webhookSecret: '' } };
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

/** What is wrong with a row, if anything (half-filled rows are only "unfinished", not saved). */
export function mailboxRowProblem(rows: MailboxRow[], i: number): string | undefined {
  const r = rows[i];
  if (!r) return undefined;
  const skill = r.skill.trim();
  const mailbox = r.mailbox.trim();
  if (!skill && !mailbox) return undefined;
  if (!skill) return 'name a skill';
  if (!mailbox) return 'enter a mailbox id';
  if (!MAILBOX_ID.test(mailbox) || Number(mailbox) < 1) return 'a mailbox id is a whole number';
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

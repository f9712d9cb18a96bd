// What Settings > Offloading shows for each provider type: its label and its config fields with kind,
// help text and defaults. Plain values without zod, so the desk imports '@baton/proto/provider-fields'
// without bundling the schemas; the schemas in providers.ts are checked against these keys.
import type { z } from 'zod';
import type { SignatureScheme } from './constants.js';
import type { GenesysBotConnectorConfig, GenesysConfig, HelpScoutConfig, SunshineConversationsConfig, WebhookConfig } from './providers.js';

export const PROVIDER_TYPES = ['desk', 'webhook', 'genesys-cloud', 'help-scout', 'sunshine-conversations', 'genesys-bot-connector'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const PROVIDER_TYPE_LABELS: Record<ProviderType, string> = {
  desk: 'Baton desk',
  webhook: 'Webhook',
  'genesys-cloud': 'Genesys Cloud',
  'help-scout': 'Help Scout',
  'sunshine-conversations': 'Zendesk (Sunshine Conversations)',
  'genesys-bot-connector': 'Genesys Cloud (Baton as the bot)',
};

/** Region hosts from the official Genesys Cloud SDK's region enum: login.<host> and api.<host>. */
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

/** How a Sunshine Conversations handover moves control: offerControl (the bot answers until an agent accepts) or passControl (at once). */
export const SUNSHINE_HANDOVER_MODES = ['offer', 'pass'] as const;

/** What Baton does when the provider's agent ends or closes the conversation. */
export const END_ACTIONS = ['handback', 'close'] as const;

export type FieldKind = 'text' | 'url' | 'secret' | 'number' | 'select' | 'boolean' | 'mailboxMap' | 'idMap';

export interface ConfigField<K extends string = string> {
  key: K;
  label: string;
  /** 'secret': shown masked, and the API answers the mask instead of the stored value */
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
  /** an 'idMap' (name → numeric id rows): what its two columns and its add button say */
  mapLabels?: { key: string; value: string; add: string };
}

type FieldsOf<S extends z.ZodType> = ConfigField<keyof z.input<S> & string>[];

const END_OPTIONS = [
  { value: 'handback', label: 'Hand back to the bot' },
  { value: 'close', label: 'Close the conversation' },
] satisfies { value: (typeof END_ACTIONS)[number]; label: string }[];

/** The choices of a signature scheme field (the provider's and the channel's). */
export const SIGNATURE_SCHEME_OPTIONS = [
  { value: 'baton', label: 'Baton (X-Baton-Signature, Stripe-compatible)' },
  { value: 'standard-webhooks', label: 'Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)' },
] satisfies { value: SignatureScheme; label: string }[];

// a key that is not in the provider's config schema fails to compile
export const PROVIDER_FIELDS: {
  desk: ConfigField[];
  webhook: FieldsOf<typeof WebhookConfig>;
  'genesys-cloud': FieldsOf<typeof GenesysConfig>;
  'help-scout': FieldsOf<typeof HelpScoutConfig>;
  'sunshine-conversations': FieldsOf<typeof SunshineConversationsConfig>;
  'genesys-bot-connector': FieldsOf<typeof GenesysBotConnectorConfig>;
} = {
  desk: [],
  webhook: [
    { key: 'url', label: 'Event URL', kind: 'url', placeholder: 'https://contact-center.example.com/baton', hint: 'Baton POSTs signed handover events here.' },
    { key: 'secret', label: 'Signing secret', kind: 'secret', generate: true, hint: 'At least 16 characters; signs both directions.' },
    { key: 'previousSecret', label: 'Previous signing secret', kind: 'secret', optional: true, advanced: true, hint: 'During a rotation: the old secret. Baton signs its events with both and accepts either on callbacks. Remove it once the contact center verifies and signs with the new one.' },
    {
      key: 'signatureScheme',
      label: 'Signature scheme',
      kind: 'select',
      optional: true,
      advanced: true,
      defaultLabel: 'Default (Baton, X-Baton-Signature)',
      options: SIGNATURE_SCHEME_OPTIONS,
      hint: 'Standard Webhooks: give the receiver whsec_ followed by the secret in base64 (or use a whsec_ secret here). Callbacks may be signed either way.',
    },
    { key: 'channelId', label: 'Platform of channel', kind: 'text', optional: true, placeholder: 'none', hint: 'The id of a channel webhook whose users this system serves itself: its conversations are handed over here, the bot stops answering once the handover is sent, and agent messages you report are recorded in Baton without being sent back to the channel.' },
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
  'sunshine-conversations': [
    { key: 'appId', label: 'App id', kind: 'text', hint: 'Admin Center > Apps and integrations > Conversations API: the app id.' },
    { key: 'keyId', label: 'API key id', kind: 'text', hint: 'The key id of a Conversations API key (app_…).' },
    { key: 'secret', label: 'API key secret', kind: 'secret' },
    { key: 'webhookSecret', label: 'Webhook secret', kind: 'secret', hint: 'The secret Sunshine Conversations shows for the webhook of Baton’s integration (sent as X-API-Key).' },
    { key: 'previousWebhookSecret', label: 'Previous webhook secret', kind: 'secret', optional: true, advanced: true, hint: 'During a rotation: the old secret, still accepted. Remove it once the webhook uses the new one.' },
    {
      key: 'handover',
      label: 'Handover',
      kind: 'select',
      optional: true,
      defaultLabel: 'Default (offer: the bot answers until an agent accepts)',
      options: [
        { value: 'offer', label: 'Offer control (the bot answers until an agent accepts)' },
        { value: 'pass', label: 'Pass control (the agents take over at once)' },
      ],
    },
    { key: 'agentIntegration', label: 'Agent switchboard integration', kind: 'text', optional: true, placeholder: 'next', hint: 'The switchboard integration that gets control: its id, name or type (zd:agentWorkspace), or next.' },
    { key: 'switchboardIntegration', label: 'Baton’s switchboard integration', kind: 'text', optional: true, placeholder: 'learned', hint: 'Baton’s own switchboard integration (id or name): control passed to it resumes the bot, and a withdrawn offer returns to it. Learned from the webhooks when empty.' },
    { key: 'botId', label: 'Bot', kind: 'text', optional: true, placeholder: 'default bot', hint: 'The bot that answers this app’s users.' },
    { key: 'ticketTags', label: 'Send tags, skill and language as ticket tags', kind: 'boolean', optional: true, defaultValue: true },
    {
      key: 'ticketFields',
      label: 'Ticket field per variable',
      kind: 'idMap',
      optional: true,
      mapLabels: { key: 'variable', value: 'ticket field id', add: 'Ticket field for a variable' },
      hint: 'Baton variable → Zendesk custom ticket field id: the variable’s value is set on the ticket at handover.',
    },
    { key: 'apiBaseUrl', label: 'API base URL', kind: 'url', optional: true, placeholder: 'https://api.smooch.io', hint: 'Zendesk customers: https://<subdomain>.zendesk.com/sc. Legacy EU: https://api.eu-1.smooch.io.' },
  ],
  'genesys-bot-connector': [
    { key: 'credentialName', label: 'Credential field name', kind: 'text', optional: true, placeholder: 'X-Baton-Connection-Secret', hint: 'The Field Name of the credential in the Digital Bot Connector integration; Genesys sends it as a header.' },
    { key: 'connectionSecret', label: 'Credential field value', kind: 'secret', generate: true, hint: 'The Value of that credential: at least 16 characters.' },
    { key: 'previousConnectionSecret', label: 'Previous credential value', kind: 'secret', optional: true, advanced: true, hint: 'During a rotation: the old value, still accepted. Remove it once the integration sends the new one.' },
    { key: 'region', label: 'Region', kind: 'select', optional: true, defaultLabel: 'None (API and login URLs under Advanced)', options: GENESYS_REGIONS.map((r) => ({ value: r, label: r })), hint: 'For replies that come after the answer (outgoing messages).' },
    { key: 'clientId', label: 'OAuth client id', kind: 'text', hint: 'A client-credentials OAuth client with the integration:botconnector:send permission.' },
    { key: 'clientSecret', label: 'OAuth client secret', kind: 'secret' },
    { key: 'answerWithinMs', label: 'Answer within (ms)', kind: 'number', optional: true, placeholder: '5000', hint: 'Keep it below the Bot Response Timeout of the Call Digital Bot Connector action (default 30 s). A slower bot answers MoreData; its replies follow as outgoing messages.' },
    { key: 'languageCodes', label: 'Language codes', kind: 'text', optional: true, placeholder: 'en-us, nl-be', hint: 'The languages of your Architect flows, as they name them. Default: the bot’s languages (en, nl, …).' },
    { key: 'richMessages', label: 'Quick replies and cards', kind: 'boolean', optional: true, defaultValue: true, hint: 'Off: buttons and cards are sent as numbered text.' },
    { key: 'timeoutMs', label: 'Timeout (ms)', kind: 'number', optional: true, advanced: true, placeholder: '10000', hint: 'For calls to the Genesys Platform API.' },
    { key: 'baseUrl', label: 'API base URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://api.mypurecloud.com', hint: 'Overrides the region (e.g. a simulator).' },
    { key: 'loginUrl', label: 'Login URL', kind: 'url', optional: true, advanced: true, placeholder: 'https://login.mypurecloud.com', hint: 'Overrides the region’s OAuth host.' },
  ],
};

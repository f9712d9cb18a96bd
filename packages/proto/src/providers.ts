// The config schema of each offloading provider type (Settings > Offloading > providers[].config).
// Secret fields (by name: …secret) are encrypted at rest and masked by the API; provider-fields.ts
// holds what the desk shows for each field.
import { z } from 'zod';
import { MAX_TEXT_LENGTH, SIGNATURE_SCHEMES } from './constants.js';
import { Button, Card, Variables } from './conversation.js';
import { END_ACTIONS, GENESYS_REGIONS, SUNSHINE_HANDOVER_MODES } from './provider-fields.js';

export * from './provider-fields.js';

const httpUrl = z.url({ protocol: /^https?$/ });

/**
 * A shared signing secret. One that starts with `whsec_` is a Standard Webhooks secret: base64 after
 * the prefix (the scheme's HMAC key is those bytes), so a malformed one is refused when saved.
 */
export const SigningSecret = z
  .string()
  .min(16, 'use at least 16 characters')
  .refine((s) => !s.startsWith('whsec_') || isStandardWebhooksSecret(s), { message: 'a whsec_ secret is base64 after the prefix (at least 16 bytes)' });

function isStandardWebhooksSecret(s: string): boolean {
  const b64 = s.slice('whsec_'.length);
  return b64.length >= 24 && b64.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(b64);
}

export const SignatureSchemeField = z.enum(SIGNATURE_SCHEMES, { message: `must be one of ${SIGNATURE_SCHEMES.join(', ')}` });

export const WebhookConfig = z.object({
  url: httpUrl,
  secret: SigningSecret,
  /** during a rotation, the old secret: deliveries are signed with both, callbacks may use either, until removed */
  previousSecret: SigningSecret.optional(),
  /** how deliveries are signed (default "baton"); callbacks are accepted in either scheme */
  signatureScheme: SignatureSchemeField.optional(),
  /**
   * platform mode: the channel webhook (its id) whose own platform this receiver is. That channel's
   * conversations are handed over here, the bot stops answering once the handover is delivered, and
   * the agent messages the platform reports are recorded without being sent back to the channel.
   */
  channelId: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only').optional(),
  timeoutMs: z.number().int().min(500).max(30_000).optional(),
});
export type WebhookConfig = z.infer<typeof WebhookConfig>;

/** Where a Genesys Cloud org lives and the OAuth client Baton logs in with (both Genesys providers). */
const GenesysLogin = {
  /** e.g. "mypurecloud.ie"; leave out when baseUrl and loginUrl are given (simulator, proxies) */
  region: z.enum(GENESYS_REGIONS, { message: `must be one of ${GENESYS_REGIONS.join(', ')}` }).optional(),
  /** overrides https://api.<region> */
  baseUrl: httpUrl.max(500).optional(),
  /** overrides https://login.<region> */
  loginUrl: httpUrl.max(500).optional(),
  clientId: z.string().min(1, 'the OAuth client id is required').max(200),
  clientSecret: z.string().min(1, 'the OAuth client secret is required').max(500),
  timeoutMs: z.number().int().min(500).max(30_000).default(10_000),
  /** read by the outbox worker: how long a failing delivery is retried */
  retryWindowSeconds: z.number().int().min(1).optional(),
};

function genesysLocation(c: { region?: string; baseUrl?: string; loginUrl?: string }, ctx: z.RefinementCtx): void {
  if (!c.region && !(c.baseUrl && c.loginUrl)) {
    ctx.addIssue({ code: 'custom', path: ['region'], message: 'give a region, or both baseUrl and loginUrl' });
  }
}

export const GenesysConfig = z
  .object({
    ...GenesysLogin,
    /** the Open Messaging integration (platform) id */
    integrationId: z.string().min(1, 'the Open Messaging integration id is required').max(200),
    /** the integration's Outbound Notification Webhook Signature Secret Token */
    webhookSecret: z.string().min(16, 'use at least 16 characters').max(500),
    /** during a rotation, the old secret token, still accepted until removed */
    previousWebhookSecret: z.string().min(16, 'use at least 16 characters').max(500).optional(),
    /** what Baton does when the Genesys agent ends the conversation: the bot resumes, or it closes */
    onAgentEnd: z.enum(END_ACTIONS).default('handback'),
    /** bot dialog to start when the agent ends and onAgentEnd is "handback" (default: none) */
    handbackDialog: z.string().min(1).max(100).optional(),
    /** how often to ask Genesys whether the agent has ended (no webhook event says so) */
    pollSeconds: z.number().int().min(1).max(600).default(10),
    /** mirror bot answers given while the user waits, so the agent knows what the user was told */
    mirrorBotMessages: z.boolean().default(true),
  })
  .superRefine(genesysLocation);
export type GenesysConfig = z.infer<typeof GenesysConfig>;

/** A header name as Genesys's credential fields take it (token characters only). */
const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, 'a header name: letters, digits and - only');

/**
 * Genesys Cloud Web Messaging with Baton as the bot, through the Digital Bot Connector (v2): Genesys
 * calls Baton's bot endpoints with the connection secret header configured in the integration's
 * credentials; replies later than the request's answer go out through the Platform API with the OAuth
 * client (permission integration:botconnector:send). See docs/providers/genesys-bot-connector.md.
 */
export const GenesysBotConnectorConfig = z
  .object({
    /** the credential field's name in the Digital Bot Connector integration (sent as a header) */
    credentialName: HeaderName.default('X-Baton-Connection-Secret'),
    /** the credential field's value */
    connectionSecret: z.string().min(16, 'use at least 16 characters').max(500),
    /** during a rotation, the old value, still accepted until removed */
    previousConnectionSecret: z.string().min(16, 'use at least 16 characters').max(500).optional(),
    /** how long a request waits for the bot before answering MoreData (the rest follows as outgoing messages) */
    answerWithinMs: z.number().int().min(500).max(55_000).default(5_000),
    /** the OAuth client for outgoing messages (permission integration:botconnector:send) */
    ...GenesysLogin,
    /** the language codes Architect's flows use (e.g. "en-us, nl-be"); default: the bot's languages */
    languageCodes: z.string().max(500).optional(),
    /** false: buttons and cards are sent as numbered text instead of quick replies and cards */
    richMessages: z.boolean().default(true),
  })
  .superRefine(genesysLocation);
export type GenesysBotConnectorConfig = z.infer<typeof GenesysBotConnectorConfig>;

const MailboxId = z.number().int().positive();

export const HelpScoutConfig = z.object({
  /** overridable so tests and `npm run sim:helpscout` can point at the simulator */
  baseUrl: httpUrl.default('https://api.helpscout.net'),
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
  onClose: z.enum(END_ACTIONS).default('handback'),
  timeoutMs: z.number().int().min(500).max(30_000).optional(),
  /** read by the outbox worker: how long a failing delivery is retried */
  retryWindowSeconds: z.number().int().positive().optional(),
});
export type HelpScoutConfig = z.infer<typeof HelpScoutConfig>;

/** A Sunshine Conversations switchboard integration reference: id, name, integration type (zd:agentWorkspace) or `next`. */
const SwitchboardRef = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9:_-]+$/, 'an id, a name (letters, digits, - and _), an integration type such as zd:agentWorkspace, or next');

/** Zendesk messaging through Sunshine Conversations Switchboard: Baton is the bot integration of the app's own messenger. */
export const SunshineConversationsConfig = z.object({
  appId: z.string().min(1, 'the app id is required').max(100),
  /** a Conversations API key (Basic auth: key id as user, secret as password) */
  keyId: z.string().min(1, 'the API key id is required').max(100),
  secret: z.string().min(1, 'the API key secret is required').max(500),
  /** the secret of the webhook of Baton's integration: Sunshine sends it as X-API-Key on every call */
  webhookSecret: z.string().min(8, 'use at least 8 characters').max(500),
  /** during a rotation, the old webhook secret, still accepted until removed */
  previousWebhookSecret: z.string().min(8, 'use at least 8 characters').max(500).optional(),
  /** https://<subdomain>.zendesk.com/sc for Zendesk customers; legacy https://api.smooch.io (default) or https://api.eu-1.smooch.io */
  apiBaseUrl: httpUrl.max(500).default('https://api.smooch.io'),
  /** who gets control at a handover: a switchboard integration id, name or type, or `next` (the switchboard's next one) */
  agentIntegration: SwitchboardRef.default('next'),
  /** offer: the bot keeps answering until the agent side accepts; pass: control moves at once */
  handover: z.enum(SUNSHINE_HANDOVER_MODES).default('offer'),
  /** Baton's own switchboard integration (id or name): learned from the webhooks when absent */
  switchboardIntegration: SwitchboardRef.optional(),
  /** the bot that answers this app's users (default: the default bot) */
  botId: z.string().min(1).max(64).optional(),
  /** tags, skill and language also as the ticket's tags (dataCapture.systemField.tags) */
  ticketTags: z.boolean().default(true),
  /** Baton variable → Zendesk custom ticket field id (dataCapture.ticketField.<id>) */
  ticketFields: z.record(z.string().min(1).max(100), z.number().int().positive().max(Number.MAX_SAFE_INTEGER)).optional(),
  timeoutMs: z.number().int().min(500).max(30_000).optional(),
  /** read by the outbox worker: how long a failing delivery is retried */
  retryWindowSeconds: z.number().int().positive().optional(),
});
export type SunshineConversationsConfig = z.infer<typeof SunshineConversationsConfig>;

const ExternalAgent = z.object({ id: z.string().min(1), name: z.string().max(200).optional() });
const eventId = z.string().min(1).max(200);

/** POST /api/v1/providers/webhook/{providerId}/events: what the Offloading Webhook's receiver sends back, signed with X-Baton-Signature. */
export const WebhookProviderCallback = z.discriminatedUnion('type', [
  z.object({ id: eventId, type: z.literal('agent.accepted'), conversationId: z.string(), agent: ExternalAgent }),
  z.object({
    id: eventId,
    type: z.literal('agent.message'),
    conversationId: z.string(),
    agent: ExternalAgent,
    text: z.string().max(MAX_TEXT_LENGTH).optional(),
    buttons: z.array(Button).max(10).optional(),
    cards: z.array(Card).max(10).optional(),
  }),
  z.object({ id: eventId, type: z.literal('agent.typing'), conversationId: z.string(), agent: ExternalAgent, on: z.boolean().default(true) }),
  z.object({ id: eventId, type: z.literal('conversation.handback'), conversationId: z.string(), agent: z.object({ id: z.string(), name: z.string().optional() }).optional(), dialog: z.string().max(100).optional(), variables: Variables.optional() }),
  z.object({ id: eventId, type: z.literal('conversation.closed'), conversationId: z.string(), agent: z.object({ id: z.string(), name: z.string().optional() }).optional() }),
  z.object({ id: eventId, type: z.literal('handover.refused'), conversationId: z.string(), reason: z.string().max(500).optional() }),
]);
export type WebhookProviderCallback = z.infer<typeof WebhookProviderCallback>;

/** How Baton acknowledges a provider's callback: applied, a repeat (`duplicate`), or `ignored` with why. */
export const ProviderCallbackAck = z.object({
  ok: z.literal(true),
  duplicate: z.boolean().optional(),
  /** why nothing was applied (an event Baton does not act on, a conversation no longer handed over, …) */
  ignored: z.string().optional(),
  /** false when the user has left: the provider is told the message was not delivered */
  delivered: z.boolean().optional(),
  reason: z.string().optional(),
});
export type ProviderCallbackAck = z.infer<typeof ProviderCallbackAck>;

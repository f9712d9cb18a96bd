// Channel webhooks: the admin's configuration, and what a channel (an external messaging front end)
// posts to its signed inbound endpoint.
import { z } from 'zod';
import { MAX_TEXT_LENGTH, SECRET_MASK } from './constants.js';
import { Message } from './conversation.js';
import { SignatureSchemeField, SigningSecret } from './providers.js';
import { CHANNEL_TYPES } from './channel-fields.js';

export * from './channel-fields.js';

const ChannelSecret = SigningSecret.max(200);
const ChannelId = z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only');
const ChannelTypeField = z.enum(CHANNEL_TYPES, { message: `must be one of ${CHANNEL_TYPES.join(', ')}` });

/** An approved WhatsApp message template: its name and language code as WhatsApp Manager shows them. */
export const WhatsAppTemplateRef = z.object({ name: z.string().min(1).max(512).regex(/^[a-z0-9_]+$/, 'lower-case letters, digits and _ (as WhatsApp names templates)'), language: z.string().min(2).max(15) }).strict();

/** DESIGN §10.6: the WhatsApp Cloud API channel. Secret fields (token, secret) are encrypted at rest and masked in views. */
export const WhatsAppChannelConfig = z
  .object({
    phoneNumberId: z.string().min(1).max(64).regex(/^\d+$/, 'the numeric phone number id'),
    accessToken: z.string().min(1).max(2000),
    appSecret: z.string().min(1).max(200),
    verifyToken: z.string().min(1).max(200),
    graphApiUrl: z.url().max(2000).optional(),
    /** sent instead of free text outside the 24-hour customer-service window, per use */
    templates: z.object({ followUp: WhatsAppTemplateRef.optional() }).strict().optional(),
  })
  .strict();
export type WhatsAppChannelConfig = z.infer<typeof WhatsAppChannelConfig>;

/** The Telegram Bot API channel: the bot's token and the secret Telegram echoes on every webhook call. */
export const TelegramChannelConfig = z
  .object({
    botToken: z.string().min(1).max(200).regex(/^\d+:[A-Za-z0-9_-]+$/, 'the token @BotFather gave (digits, a colon, then letters)'),
    secretToken: z.string().min(16).max(256).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only (Telegram’s rule)'),
    apiBaseUrl: z.url().max(2000).optional(),
  })
  .strict();
export type TelegramChannelConfig = z.infer<typeof TelegramChannelConfig>;

/** Twilio Programmable Messaging (SMS/MMS): the account, the sender (a number or a Messaging Service), and where Twilio calls Baton. */
export const SmsTwilioChannelConfig = z
  .object({
    accountSid: z.string().regex(/^AC[0-9a-f]{32}$/, 'the Account SID (AC and 32 hex digits)'),
    authToken: z.string().min(16).max(200),
    /** the sending number in E.164 (+15551234567) … */
    from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'a number in E.164 form (+ and up to 15 digits)').optional(),
    /** … or a Messaging Service that picks one */
    messagingServiceSid: z.string().regex(/^MG[0-9a-f]{32}$/, 'the Messaging Service SID (MG and 32 hex digits)').optional(),
    /** Baton's public base URL as Twilio calls it (signatures cover the whole URL); default: PUBLIC_URL, else the request's host */
    publicUrl: z.url().max(2000).optional(),
    /** segments one SMS may use before a long text goes as several messages (1–10; default 3) */
    maxSegments: z.number().int().min(1).max(10).optional(),
    /** false: the number cannot send MMS (outside the US and Canada), so agents' pictures go as links; default true */
    mms: z.boolean().optional(),
    apiBaseUrl: z.url().max(2000).optional(),
  })
  .strict()
  .refine((c) => c.from || c.messagingServiceSid, { message: 'set from (a Twilio number) or messagingServiceSid', path: ['from'] });
export type SmsTwilioChannelConfig = z.infer<typeof SmsTwilioChannelConfig>;

/** E-mail: inbound by Mailgun's raw-MIME route (signed with the webhook signing key), outbound by SMTP. */
export const EmailChannelConfig = z
  .object({
    /** the address users write to and Baton answers from: "Support <support@example.com>" */
    from: z.string().min(3).max(300).regex(/^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>?$/, 'an address, optionally with a name: Support <support@example.com>'),
    /** smtp://user@host:587 or smtps://user@host:465, the password apart (smtpPassword) so it is never shown */
    smtpUrl: z
      .string()
      .max(2000)
      .regex(/^smtps?:\/\/[^\s/]+(?::\d+)?\/?$/, 'smtp://[user@]host[:port] or smtps://…')
      .refine((u) => !/^smtps?:\/\/[^@/]*:[^@/]*@/.test(u), 'put the password in smtpPassword, not in the URL'),
    smtpPassword: z.string().min(1).max(500).optional(),
    /** Mailgun's HTTP webhook signing key (Settings > API security) */
    webhookSigningSecret: z.string().min(8).max(200),
    /** what a new thread's subject is when Baton writes first (a follow-up); replies keep the user's subject */
    subject: z.string().min(1).max(200).optional(),
  })
  .strict();
export type EmailChannelConfig = z.infer<typeof EmailChannelConfig>;

/** The Page Inbox's app id in Meta's Handover Protocol (the same for every Page). */
export const MESSENGER_PAGE_INBOX_APP_ID = '263902037430900';

/**
 * The Messenger Platform channel (docs/channels/messenger.md): the Page, its token, the app that signs
 * the webhooks. `handoverTarget: "page-inbox"` makes it a channel its own platform owns: every handover
 * passes thread control to the Page Inbox (Handover Protocol) whatever the offload step picks.
 */
export const MessengerChannelConfig = z
  .object({
    pageId: z.string().min(1).max(64).regex(/^\d+$/, 'the numeric Page id'),
    pageAccessToken: z.string().min(1).max(2000),
    appId: z.string().min(1).max(64).regex(/^\d+$/, 'the numeric app id'),
    appSecret: z.string().min(1).max(200),
    verifyToken: z.string().min(1).max(200),
    handoverTarget: z.enum(['baton', 'page-inbox']).optional(),
    pageInboxAppId: z.string().regex(/^\d+$/, 'a numeric app id').max(64).optional(),
    graphApiUrl: z.url().max(2000).optional(),
  })
  .strict();
export type MessengerChannelConfig = z.infer<typeof MessengerChannelConfig>;

/** The config schema of each channel type but `webhook` (whose url and secret stay top-level). */
export const CHANNEL_CONFIG_SCHEMAS = { whatsapp: WhatsAppChannelConfig, telegram: TelegramChannelConfig, 'sms-twilio': SmsTwilioChannelConfig, email: EmailChannelConfig, messenger: MessengerChannelConfig } as const;

const CommonChannelFields = {
  id: ChannelId,
  name: z.string().min(1).max(200),
  botId: z.string().max(64).nullable().optional(),
  enabled: z.boolean().default(true),
};

/** A channel of a messaging service Baton speaks itself: `{ id, type, name, botId, enabled, config }`. */
const typedChannel = <T extends Exclude<(typeof CHANNEL_TYPES)[number], 'webhook'>>(type: T) =>
  z.object({ ...CommonChannelFields, type: z.literal(type), config: CHANNEL_CONFIG_SCHEMAS[type] }).strict();

/** A channel webhook: an external messaging front end that posts signed events to Baton (the type before types). */
export const WebhookChannelBody = z
  .object({
    id: ChannelId,
    /** absent: a channel webhook, as before types existed */
    type: z.literal('webhook').optional(),
    name: z.string().min(1).max(200),
    /** any URL here; which ones Baton may call (http and https, no internal addresses) is the server's 422 URL_NOT_ALLOWED */
    url: z.url().max(2000),
    secret: ChannelSecret,
    /** how deliveries to the channel are signed (default "baton"); inbound events are accepted in either scheme */
    signatureScheme: SignatureSchemeField.default('baton'),
    botId: z.string().max(64).nullable().optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

/** POST /api/v1/channels: a channel webhook (the default type) or a messaging service, told apart by `type`. */
export const ChannelBody = z.discriminatedUnion('type', [WebhookChannelBody, typedChannel('whatsapp'), typedChannel('telegram'), typedChannel('sms-twilio'), typedChannel('email'), typedChannel('messenger')]);
export type ChannelBody = z.input<typeof ChannelBody>;
/** PATCH /api/v1/channels/:id: only what it names; no secret, or the mask, keeps the stored one */
export const ChannelPatch = z
  .object({
    name: z.string().min(1).max(200),
    url: z.url().max(2000),
    secret: z.union([z.literal(SECRET_MASK), ChannelSecret]),
    /** during a secret rotation, the old secret: deliveries carry a signature with each, inbound events may use either; null ends the rotation */
    previousSecret: z.union([z.literal(SECRET_MASK), ChannelSecret]).nullable(),
    /** with a new `secret`: the current secret becomes previousSecret (a rotation begins without knowing the old one) */
    keepPreviousSecret: z.boolean(),
    signatureScheme: SignatureSchemeField,
    botId: z.string().max(64).nullable(),
    // no default here: a PATCH without `enabled` must not switch a channel back on
    enabled: z.boolean(),
    /** a typed channel's config, merged over the stored one key by key (the mask keeps a secret; null removes an optional key); the whole is then checked against the type's schema */
    config: z.record(z.string().max(100), z.unknown()),
  })
  .partial()
  .strict();
export type ChannelPatch = z.input<typeof ChannelPatch>;

/** A channel as the API shows it: the secret is always the mask, the inbound URL is a path. */
export const ChannelView = z.object({
  id: z.string(),
  type: ChannelTypeField,
  name: z.string(),
  url: z.string(),
  secret: z.literal(SECRET_MASK),
  /** the mask while a previous secret is still accepted, else null */
  previousSecret: z.literal(SECRET_MASK).nullable(),
  signatureScheme: SignatureSchemeField,
  botId: z.string().nullable(),
  enabled: z.boolean(),
  inboundUrl: z.string(),
  /** a typed channel's config with its secrets masked (absent for `webhook`) */
  config: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string(),
});
export type ChannelView = z.infer<typeof ChannelView>;

/** POST /api/v1/channels/:id/events: one user message, or a button's postback */
export const ChannelInbound = z
  .object({
    id: z.string().min(1).max(200),
    type: z.literal('message'),
    user: z.object({ id: z.string().min(1).max(200), name: z.string().max(200).optional(), email: z.email().optional() }).strict(),
    locale: z.string().min(2).max(35).optional(),
    text: z.string().trim().min(1).max(MAX_TEXT_LENGTH).optional(),
    postback: z.string().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => b.text || b.postback, { message: 'a message needs text or a postback' });
export type ChannelInbound = z.infer<typeof ChannelInbound>;

/** The answer to a channel's inbound event: 201 when stored, 200 with `duplicate: true` for a repeated event id. */
export const ChannelInboundResult = z.object({
  conversationId: z.string(),
  /** a new conversation was started for this channel user */
  created: z.boolean(),
  message: Message,
  duplicate: z.boolean(),
});
export type ChannelInboundResult = z.infer<typeof ChannelInboundResult>;

/** POST /api/v1/channels/:id/test: whether Baton reaches the service with this channel's credentials. */
export const ChannelTestResult = z.object({ ok: z.boolean(), message: z.string() });
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;

/** What became of a message Baton sent on a channel, as the service reported it. */
export const CHANNEL_DELIVERY_STATUSES = ['pending', 'sent', 'delivered', 'read', 'failed'] as const;
export const ChannelDeliveryStatus = z.enum(CHANNEL_DELIVERY_STATUSES);
export type ChannelDeliveryStatus = z.infer<typeof ChannelDeliveryStatus>;

/** GET /api/v1/agent/conversations/:id/channel-statuses: the delivery status of its latest messages on the channel. */
export const ChannelStatusesResponse = z.object({
  statuses: z.array(z.object({ messageId: z.string(), status: ChannelDeliveryStatus, error: z.string().nullable(), updatedAt: z.string() })),
});
export type ChannelStatusesResponse = z.infer<typeof ChannelStatusesResponse>;

/** What Baton answers a messaging service's webhook call: how many user messages it stored, how many it had already. */
export const ChannelWebhookResult = z.object({ received: z.number().int(), duplicates: z.number().int() });
export type ChannelWebhookResult = z.infer<typeof ChannelWebhookResult>;

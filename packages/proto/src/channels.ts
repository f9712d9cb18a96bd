// Channel webhooks: the admin's configuration, and what a channel (an external messaging front end)
// posts to its signed inbound endpoint.
import { z } from 'zod';
import { MAX_TEXT_LENGTH, SECRET_MASK } from './constants.js';
import { Message } from './conversation.js';
import { SignatureSchemeField, SigningSecret } from './providers.js';

const ChannelSecret = SigningSecret.max(200);

/** POST /api/v1/channels: an external messaging front end that posts signed events to Baton. */
export const ChannelBody = z
  .object({
    id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only'),
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
  })
  .partial()
  .strict();
export type ChannelPatch = z.input<typeof ChannelPatch>;

/** A channel as the API shows it: the secret is always the mask, the inbound URL is a path. */
export const ChannelView = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  secret: z.literal(SECRET_MASK),
  /** the mask while a previous secret is still accepted, else null */
  previousSecret: z.literal(SECRET_MASK).nullable(),
  signatureScheme: SignatureSchemeField,
  botId: z.string().nullable(),
  enabled: z.boolean(),
  inboundUrl: z.string(),
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

// The one definition of every payload that crosses Baton's public boundary: REST bodies, views and
// WebSocket events. Server, desk and widget all import from here.
import { z } from 'zod';
import { MAX_TEXT_LENGTH, SECRET_MASK, WEEKDAYS } from './constants.js';

export * from './constants.js';
export const ConversationStatus = z.enum(['bot', 'offloaded', 'agent', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const Locale = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 locale such as "en" or "nl-BE"');

export const Button = z.object({
  title: z.string().min(1).max(80),
  payload: z.string().min(1).max(1000),
});
export type Button = z.infer<typeof Button>;

export const Card = z.object({
  title: z.string().min(1).max(200),
  subtitle: z.string().max(500).optional(),
  imageUrl: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  buttons: z.array(Button).max(5).optional(),
});
export type Card = z.infer<typeof Card>;

export const AuthorType = z.enum(['user', 'bot', 'agent', 'system']);
export type AuthorType = z.infer<typeof AuthorType>;
export const Author = z.object({
  type: AuthorType,
  id: z.string().optional(),
  name: z.string().optional(),
});
export type Author = z.infer<typeof Author>;

export const Message = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int(),
  author: Author,
  text: z.string().optional(),
  buttons: z.array(Button).optional(),
  cards: z.array(Card).optional(),
  postback: z.string().optional(),
  /** system events in the transcript carry their stable event name, e.g. "conversation.offloaded" */
  event: z.string().optional(),
  /** internal notes are visible to agents only */
  internal: z.boolean().optional(),
  createdAt: z.string(),
});
export type Message = z.infer<typeof Message>;

export const Conversation = z.object({
  id: z.string(),
  status: ConversationStatus,
  language: z.string(),
  botId: z.string().optional(),
  skill: z.string().nullable().optional(),
  queuePosition: z.number().int().nullable().optional(),
  estimatedWaitSeconds: z.number().int().nullable().optional(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
  lastSeq: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

// ---- Channel API bodies ------------------------------------------------------------------------

export const Variables = z.record(z.string().min(1).max(100), z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]));
export type Variables = z.infer<typeof Variables>;

export const CreateConversationBody = z
  .object({
    locale: Locale.optional(),
    botId: z.string().min(1).max(100).optional(),
    /** accepted only to be refused with 403 CHANNEL_INBOUND_ONLY: channel conversations come from signed inbound events */
    channelId: z.string().min(1).max(100).optional(),
    user: z
      .object({
        id: z.string().max(200).optional(),
        name: z.string().max(200).optional(),
        email: z.email().max(320).optional(),
      })
      .strict()
      .optional(),
    /** hex HMAC-SHA256(IDENTITY_VERIFICATION_SECRET, user.id), computed by the site's server: proves user.id */
    userHash: z.string().max(128).optional(),
    variables: Variables.optional(),
  })
  .strict();
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

export const CreateConversationResponse = z.object({ conversation: Conversation, token: z.string() });
export type CreateConversationResponse = z.infer<typeof CreateConversationResponse>;

export const SendMessageBody = z.union([
  z.object({ text: z.string().trim().min(1, 'text must not be empty').max(MAX_TEXT_LENGTH) }).strict(),
  z.object({ postback: z.string().min(1).max(1000), text: z.string().max(MAX_TEXT_LENGTH).optional() }).strict(),
]);
export type SendMessageBody = z.infer<typeof SendMessageBody>;

export const MessageResponse = z.object({ message: Message });
export const MessagesResponse = z.object({ messages: z.array(Message) });
export const ConversationResponse = z.object({ conversation: Conversation });

export const ListMessagesQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- WebSocket events ---------------------------------------------------------------------------

export const TypingEvent = z.object({
  type: z.literal('typing'),
  conversationId: z.string(),
  author: Author,
  on: z.boolean(),
});

/** An agent's presence (declared here: the agent socket pushes it). */
export const AgentStatus = z.enum(['online', 'away', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;

/** Events the server pushes. One map, used by the server to send and by clients to switch on. */
export const ServerEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.created'), message: Message }),
  z.object({ type: z.literal('conversation.updated'), conversation: Conversation }),
  TypingEvent,
  /** sent once after (re)connect and resume: everything up to lastSeq has been sent */
  z.object({ type: z.literal('ready'), conversationId: z.string().optional(), lastSeq: z.number().int().optional() }),
  /** agent desk: something in the queue or in my chats changed */
  z.object({ type: z.literal('queue.updated'), conversationId: z.string(), status: ConversationStatus }),
  /** agent desk: a colleague went online, away or offline (the desk refreshes loads and transfer lists) */
  z.object({ type: z.literal('agent.status'), agentId: z.string(), status: AgentStatus }),
  z.object({ type: z.literal('error'), error: ErrorBody.shape.error }),
  z.object({ type: z.literal('pong') }),
  /** a `message.send` is durable (duplicate: this clientMessageId was stored before) */
  z.object({ type: z.literal('message.ack'), clientMessageId: z.string(), message: Message, duplicate: z.boolean() }),
  /** a `message.send` was refused and not stored; the error says why (e.g. RATE_LIMITED, TEXT_TOO_LONG) */
  z.object({ type: z.literal('message.rejected'), clientMessageId: z.string(), error: ErrorBody.shape.error }),
]);
export type ServerEvent = z.infer<typeof ServerEvent>;
export type ServerEventType = ServerEvent['type'];
export type ServerEventOf<T extends ServerEventType> = Extract<ServerEvent, { type: T }>;

/** Messages a client may send on the socket. */
export const ClientEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), afterSeq: z.number().int().min(0), conversationId: z.string().optional() }),
  z.object({ type: z.literal('typing'), on: z.boolean(), conversationId: z.string().optional() }),
  z.object({ type: z.literal('subscribe'), conversationId: z.string() }),
  z.object({ type: z.literal('unsubscribe'), conversationId: z.string() }),
  z.object({ type: z.literal('ping') }),
  /**
   * End users: send a message over the socket instead of POST /messages. `clientMessageId` is the
   * idempotency key (a resend after a reconnect stores one message); answered by message.ack once
   * durable, or message.rejected.
   */
  z.object({ type: z.literal('message.send'), clientMessageId: z.string().min(1).max(200), message: SendMessageBody }),
  /**
   * Browsers: the token as the FIRST frame instead of `?token=` (a URL ends up in proxy and access
   * logs). A conversation token (`cu_…`) or an agent session token (`as_…`).
   */
  z.object({ type: z.literal('auth'), token: z.string().min(1).max(200) }),
]);
export type ClientEvent = z.infer<typeof ClientEvent>;

// ---- Agent side ---------------------------------------------------------------------------------

export const AgentRole = z.enum(['admin', 'supervisor', 'agent']);
export type AgentRole = z.infer<typeof AgentRole>;

export const Agent = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: AgentRole,
  skills: z.array(z.string()),
  languages: z.array(z.string()),
  maxConcurrent: z.number().int(),
  status: AgentStatus,
  createdAt: z.string(),
});
export type Agent = z.infer<typeof Agent>;

/** What every agent may see of the others (for transfers): no e-mail address. */
export const Colleague = z.object({
  agent: Agent.omit({ email: true, createdAt: true }),
  activeChats: z.number().int(),
});
export type Colleague = z.infer<typeof Colleague>;

export const LoginBody = z.object({ email: z.string().min(3).max(320), password: z.string().min(1).max(200) }).strict();
export const LoginResponse = z.object({ token: z.string(), agent: Agent, expiresAt: z.string() });

const Skill = z.string().min(1).max(64).regex(/^[a-z0-9_.-]+$/i, 'letters, digits, _ . - only');
export const CreateAgentBody = z
  .object({
    email: z.email().max(320),
    password: z.string().min(8, 'at least 8 characters').max(200),
    name: z.string().min(1).max(200),
    role: AgentRole.default('agent'),
    skills: z.array(Skill).max(50).default([]),
    languages: z.array(z.string().min(2).max(10)).max(20).default([]),
    maxConcurrent: z.number().int().min(1).max(50).default(3),
  })
  .strict();
// no defaults here: a PATCH changes only what it names
export const UpdateAgentBody = z
  .object({
    email: z.email().max(320),
    password: z.string().min(8, 'at least 8 characters').max(200),
    name: z.string().min(1).max(200),
    role: AgentRole,
    skills: z.array(Skill).max(50),
    languages: z.array(z.string().min(2).max(10)).max(20),
    maxConcurrent: z.number().int().min(1).max(50),
  })
  .partial()
  .strict();
export const SetAgentStatusBody = z.object({ status: AgentStatus }).strict();

export const Handover = z.object({
  reason: z.string(),
  trigger: z.string().optional(),
  dialog: z.string().nullable().optional(),
  providerId: z.string(),
  requestedAt: z.string(),
  waitingSeconds: z.number().int(),
  note: z.string().nullable().optional(),
});
export type Handover = z.infer<typeof Handover>;

export const AgentConversation = Conversation.extend({
  tags: z.array(z.string()),
  variables: Variables,
  handover: Handover.nullable(),
  /** verified: user.id proven by userHash or a signed channel; false: what the user claimed */
  user: z.object({ id: z.string().nullable(), name: z.string().nullable(), email: z.string().nullable(), verified: z.boolean() }),
  lastMessage: Message.nullable().optional(),
  providerId: z.string().nullable().optional(),
});
export type AgentConversation = z.infer<typeof AgentConversation>;

export const AgentMessageBody = z
  .object({
    text: z.string().trim().max(MAX_TEXT_LENGTH).optional(),
    buttons: z.array(Button).max(10).optional(),
    cards: z.array(Card).max(10).optional(),
    internal: z.boolean().optional(),
  })
  .strict()
  .refine((b) => Boolean(b.text) || (b.buttons?.length ?? 0) > 0 || (b.cards?.length ?? 0) > 0, {
    message: 'a message needs text, buttons or cards',
  });
export type AgentMessageBody = z.infer<typeof AgentMessageBody>;

export const TransferBody = z.union([
  z.object({ agentId: z.string().min(1) }).strict(),
  z.object({ skill: Skill }).strict(),
]);
export const HandbackBody = z
  .object({ dialog: z.string().min(1).max(100).optional(), variables: Variables.optional() })
  .strict();

// ---- Offloading settings ------------------------------------------------------------------------


const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (00:00-24:00)');
export const TimeRange = z.object({ from: HHMM, to: HHMM }).strict();
export type TimeRange = z.infer<typeof TimeRange>;

export const Closure = z
  .object({
    date: z.iso.date(),
    name: z.string().max(200).optional(),
    /** optional partial-day closure; without it the whole day is closed */
    from: HHMM.optional(),
    to: HHMM.optional(),
  })
  .strict();

export const ProviderConfig = z.object({
  id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only'),
  type: z.enum(['desk', 'webhook', 'genesys-cloud', 'help-scout']),
  name: z.string().min(1).max(200),
  enabled: z.boolean().optional(),
  /** offloads for these skills go to this provider unless the bot's offload plugin names one */
  skills: z.array(z.string().min(1).max(64)).max(100).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

export const OffloadingSettings = z
  .object({
    enabled: z.boolean(),
    timezone: z.string().min(1),
    alwaysOpen: z.boolean().optional(),
    openingHours: z.partialRecord(z.enum(WEEKDAYS), z.array(TimeRange).max(12)),
    closures: z.array(Closure).max(1000).default([]),
    waitingTimeoutSeconds: z.number().int().min(10).max(7 * 24 * 3600).default(600),
    defaultProviderId: z.string().min(1).default('desk'),
    providers: z.array(ProviderConfig).min(1).max(50),
    routing: z
      .object({
        mode: z.enum(['auto', 'broadcast']).default('auto'),
        overflowAfterSeconds: z.number().int().min(0).max(86400).nullable().default(null),
        overflowSkill: z.string().nullable().default(null),
      })
      .strict()
      .optional(),
    dialogs: z
      .object({
        disabled: z.string().optional(),
        closed: z.string().optional(),
        opened: z.string().optional(),
        cancelled: z.string().optional(),
        timeout: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type OffloadingSettings = z.infer<typeof OffloadingSettings>;

export const BotInfo = z.object({ id: z.string(), version: z.number().int(), updatedAt: z.string(), name: z.string().optional() });

// ---- Channel webhooks (admin) -------------------------------------------------------------------

/** POST /api/v1/channels: an external messaging front end that posts signed events to Baton. */
export const ChannelBody = z
  .object({
    id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only'),
    name: z.string().min(1).max(200),
    /** any URL here; which ones Baton may call (http and https, no internal addresses) is the server's 422 URL_NOT_ALLOWED */
    url: z.url().max(2000),
    secret: z.string().min(16, 'use at least 16 characters').max(200),
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
    secret: z.union([z.literal(SECRET_MASK), z.string().min(16, 'use at least 16 characters').max(200)]),
    /** during a secret rotation, the old secret still accepted on inbound events; null ends the rotation */
    previousSecret: z.union([z.literal(SECRET_MASK), z.string().min(16, 'use at least 16 characters').max(200)]).nullable(),
    /** with a new `secret`: the current secret becomes previousSecret (a rotation begins without knowing the old one) */
    keepPreviousSecret: z.boolean(),
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
  botId: z.string().nullable(),
  enabled: z.boolean(),
  inboundUrl: z.string(),
  createdAt: z.string(),
});
export type ChannelView = z.infer<typeof ChannelView>;
export * from './requests.js';
export * from './channels.js';

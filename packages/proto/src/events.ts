// WebSocket events: one map per direction, used by the server to send and by clients to switch on.
import { z } from 'zod';
import { AgentStatus } from './agents.js';
import { SendMessageBody } from './channel-api.js';
import { Author, Conversation, ConversationStatus, Message } from './conversation.js';
import { ErrorBody } from './errors.js';
import { FollowupStatus } from './followups.js';

export const TypingEvent = z.object({
  type: z.literal('typing'),
  conversationId: z.string(),
  author: Author,
  on: z.boolean(),
});

/** Events the server pushes. One map, used by the server to send and by clients to switch on. */
export const ServerEvent = z.discriminatedUnion('type', [
  /**
   * `updated`: a message the client already has, sent again with something added (a channel user's file
   * attached once downloaded): replace it by id; not a new message
   */
  z.object({ type: z.literal('message.created'), message: Message, updated: z.boolean().optional() }),
  z.object({ type: z.literal('conversation.updated'), conversation: Conversation }),
  TypingEvent,
  /** sent once after (re)connect and resume: everything up to lastSeq has been sent */
  z.object({ type: z.literal('ready'), conversationId: z.string().optional(), lastSeq: z.number().int().optional() }),
  /** agent desk: something in the queue or in my chats changed */
  z.object({ type: z.literal('queue.updated'), conversationId: z.string(), status: ConversationStatus }),
  /** agent desk: a colleague went online, away or offline (the desk refreshes loads and transfer lists) */
  z.object({ type: z.literal('agent.status'), agentId: z.string(), status: AgentStatus }),
  /** agent desk: a follow-up was left, assigned, answered or marked done (the desk reads its count again) */
  z.object({ type: z.literal('followups.updated'), followupId: z.string(), status: FollowupStatus }),
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


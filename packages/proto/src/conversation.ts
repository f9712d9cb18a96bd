// A conversation and its transcript as every client sees them: messages, buttons, cards and the
// stable names of the system lines.
import { z } from 'zod';
import { Attachment } from './attachments.js';

export const ConversationStatus = z.enum(['bot', 'offloaded', 'agent', 'closed']);
export type ConversationStatus = z.infer<typeof ConversationStatus>;

export const Locale = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'must be a BCP-47 locale such as "en" or "nl-BE"');

export const Variables = z.record(z.string().min(1).max(100), z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]));
export type Variables = z.infer<typeof Variables>;

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

/**
 * The stable name of every conversation event: the transcript's system lines, the analytics rows and
 * the state machine's transitions all use these. Adding one makes every exhaustive switch over them
 * (analytics, the desk's labels) fail to compile until it is handled.
 */
export const TRANSCRIPT_EVENTS = [
  // written as system lines and analytics rows
  'conversation.offloaded',
  'conversation.assigned',
  'conversation.transferred',
  'conversation.overflowed',
  'conversation.cancelled',
  'conversation.timed_out',
  'conversation.refused',
  'conversation.handed_back',
  'conversation.closed',
  'conversation.ended',
  /** closed by retention: idle with the bot past idleCloseHours, or open past closedAfterDays */
  'conversation.idle_closed',
  'conversation.reopened',
  /** analytics only: a conversation was created (no transcript line) */
  'conversation.started',
  /** the user rated the agent's episode (a repeat replaces the score: the row says which it replaced) */
  'conversation.rated',
  /** a file the user sent on a channel could not be downloaded, or was refused (type, size): a line for the agent */
  'channel.media_failed',
  /** a user nobody could take left an e-mail and a question (DESIGN §10.3) */
  'followup.created',
  // transitions that write no system line: the message itself, or the bot's dialog, is the record
  'offload.disabled',
  'offload.closed',
  /** the offload plugin was reached while nobody eligible was online and routing.closeWhenNoAgents is on */
  'offload.no_agent',
  'offload.already_waiting',
  'message.user',
  'message.bot',
  'message.agent',
  /** analytics only: the bot did not understand a user's message (no transcript line; the bot's answer is the record) */
  'bot.not_understood',
] as const;
export const TranscriptEvent = z.enum(TRANSCRIPT_EVENTS);
export type TranscriptEvent = z.infer<typeof TranscriptEvent>;

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
  event: TranscriptEvent.optional(),
  /** internal notes are visible to agents only */
  internal: z.boolean().optional(),
  /** files the message carries (DESIGN §10.6) */
  attachments: z.array(Attachment).optional(),
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
  /**
   * while waiting for the desk: false when no eligible agent (skill, language, online, capacity) is
   * online, and then no estimate is given (DESIGN §10.3); null when unknown (an external provider)
   */
  agentsAvailable: z.boolean().nullable().optional(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
  lastSeq: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Conversation = z.infer<typeof Conversation>;

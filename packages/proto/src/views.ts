// What the desk's screens read beyond the core shapes: an opened conversation, canned responses, the
// supervisor overview, analytics, the provider delivery log and bots.
import { z } from 'zod';
import { Agent, AgentConversation } from './agents.js';
import { Message } from './conversation.js';
import { Episode } from './episodes.js';

/** One conversation as the desk opens it: the agent's view and the whole transcript, notes included. */
export const AgentConversationDetail = z.object({
  conversation: AgentConversation,
  messages: z.array(Message),
  /** every time an agent handled it, the first first, each with its close and rating */
  episodes: z.array(Episode).optional(),
});
export type AgentConversationDetail = z.infer<typeof AgentConversationDetail>;

/** A saved reply agents insert with "/shortcut". */
export const CannedResponse = z.object({ id: z.string(), shortcut: z.string(), title: z.string(), text: z.string() });
export type CannedResponse = z.infer<typeof CannedResponse>;

/** An agent with the number of live chats they own (supervisors see the e-mail address). */
export const AgentLoad = z.object({ agent: Agent, activeChats: z.number().int() });
export type AgentLoad = z.infer<typeof AgentLoad>;

/** `nextCursor` of a page: pass it as `cursor` for the next one; null after the last. */
export const NextCursor = z.string().nullable();

/** GET /api/v1/agent/conversations and /agent/conversations/{id}/history: a page of conversations. */
export const ConversationPage = z.object({ conversations: z.array(AgentConversation), nextCursor: NextCursor });
export type ConversationPage = z.infer<typeof ConversationPage>;

/** The first 500 waiting (first in line first) and live (longest first); the totals count them all. */
export const SupervisorOverview = z.object({
  queue: z.array(AgentConversation),
  live: z.array(AgentConversation),
  agents: z.array(AgentLoad),
  totals: z.object({ queue: z.number().int(), live: z.number().int() }),
});
export type SupervisorOverview = z.infer<typeof SupervisorOverview>;

const Percentiles = { p50: z.number().nullable(), p90: z.number().nullable() };
const Counts = z.record(z.string(), z.number().int());
const Score = z.object({ count: z.number().int(), average: z.number().nullable() });

/**
 * Handovers by trigger, reason, skill, language and provider; wait times; abandonment; handling time
 * (GET /api/v1/analytics, and per day /analytics.csv). Counts are exact at any size; percentiles come
 * from histograms: exact below 256 s, within 0.4 % above (docs/api.md, Analytics).
 */
export const Analytics = z.object({
  from: z.string(),
  to: z.string(),
  handovers: z.object({
    total: z.number().int(),
    byTrigger: Counts,
    byReason: Counts,
    bySkill: Counts,
    byLanguage: Counts,
    byProvider: Counts,
  }),
  waitSeconds: z.object({ ...Percentiles, count: z.number().int() }),
  abandonment: z.object({ count: z.number().int(), rate: z.number() }),
  handlingSeconds: z.object({
    ...Percentiles,
    byAgent: z.array(z.object({ agentId: z.string(), name: z.string(), p50: z.number().nullable(), count: z.number().int() })),
  }),
  /** conversations started in the range */
  conversations: z.number().int(),
  /** closes in the range (the user ended it, or it closed idle) of conversations that never asked for a person */
  containedByBot: z.number().int(),
  /** containedByBot / conversations */
  containmentRate: z.number(),
  /** handovers (in total and per trigger) / conversations */
  handoverRate: z.object({ total: z.number(), byTrigger: z.record(z.string(), z.number()) }),
  /** user messages the bot did not understand; conversations with one; that / conversations */
  notUnderstood: z.object({ messages: z.number().int(), conversations: z.number().int(), rate: z.number() }),
  /** satisfaction ratings given in the range (1–5), overall and per agent, skill and trigger of the rated episode */
  csat: Score.extend({
    byAgent: z.array(Score.extend({ agentId: z.string(), name: z.string() })),
    bySkill: z.record(z.string(), Score),
    byTrigger: z.record(z.string(), Score),
  }),
});
export type Analytics = z.infer<typeof Analytics>;

export const DeliveryStatus = z.enum(['pending', 'delivered', 'dead']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** One row of the provider (and channel) delivery log. */
export const Delivery = z.object({
  id: z.string(),
  /** the X-Baton-Delivery id: the same on every retry and redelivery, so receivers dedupe on it */
  deliveryId: z.string(),
  providerId: z.string(),
  event: z.string(),
  conversationId: z.string().nullable(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const BotInfo = z.object({ id: z.string(), version: z.number().int(), updatedAt: z.string(), name: z.string().optional() });
export type BotInfo = z.infer<typeof BotInfo>;

/** A bot with its source (webhook header values masked, as provider secrets are). */
export const BotDetail = BotInfo.extend({ source: z.string(), format: z.enum(['yaml', 'json']) });
export type BotDetail = z.infer<typeof BotDetail>;

/** One problem of a BOT_INVALID or SETTINGS_INVALID answer: where, and what is wrong. */
export const BotProblem = z.object({ path: z.string(), message: z.string() });
export type BotProblem = z.infer<typeof BotProblem>;

/** A JSON document whose shape is its own standard's (the OpenAPI document, the bot format's JSON Schema). */
export const JsonDocument = z.record(z.string(), z.unknown());
export type JsonDocument = z.infer<typeof JsonDocument>;

/** GET /api/v1/agent/canned-responses */
export const CannedResponsesResponse = z.object({ cannedResponses: z.array(CannedResponse), nextCursor: NextCursor });
export type CannedResponsesResponse = z.infer<typeof CannedResponsesResponse>;

/** POST /api/v1/canned-responses, PUT /api/v1/canned-responses/{id} */
export const CannedResponseResponse = z.object({ cannedResponse: CannedResponse });
export type CannedResponseResponse = z.infer<typeof CannedResponseResponse>;

/** GET /api/v1/providers/deliveries */
export const DeliveriesResponse = z.object({ deliveries: z.array(Delivery), nextCursor: NextCursor });
export type DeliveriesResponse = z.infer<typeof DeliveriesResponse>;

/** GET /api/v1/bots/{id} */
export const BotResponse = z.object({ bot: BotDetail });
export type BotResponse = z.infer<typeof BotResponse>;

/** A dialog a person may hand a conversation back to: its name and its label (the name when it has none). */
export const HandbackTarget = z.object({ name: z.string(), label: z.string() });
export type HandbackTarget = z.infer<typeof HandbackTarget>;

/**
 * GET /api/v1/bots/{id}/dialogs: every dialog name (hand back accepts any of them), and the targets the
 * desk lists: no system dialog (welcome, not_understood, offloading_* …) and none that only hands over
 * again, sorted by label.
 */
export const BotDialogsResponse = z.object({ dialogs: z.array(z.string()), targets: z.array(HandbackTarget) });
export type BotDialogsResponse = z.infer<typeof BotDialogsResponse>;

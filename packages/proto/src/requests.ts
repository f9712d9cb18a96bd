// Path parameters, query strings and small bodies of the REST routes that are not payloads of their
// own topic: declared here once so the server parses with them and clients can type their calls.
import { z } from 'zod';

/** `:id` of a conversation, agent, canned response or delivery */
export const IdParams = z.object({ id: z.string().min(1).max(100) });
export type IdParams = z.infer<typeof IdParams>;

/** `:id` of a channel webhook */
export const ChannelIdParams = z.object({ id: z.string().min(1).max(64) });
export type ChannelIdParams = z.infer<typeof ChannelIdParams>;

/** `:id` of a bot */
export const BotIdParams = z.object({ id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only') });
export type BotIdParams = z.infer<typeof BotIdParams>;

/** the Idempotency-Key header of a user's message: a retry with the same key stores one message */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe('A key of the client\'s choosing: a retry with the same key stores one message (201 the first time, 200 with the same body for a repeat)');

/** POST /api/v1/agent/conversations/{id}/typing */
export const TypingBody = z.object({ on: z.boolean() }).strict();
export type TypingBody = z.infer<typeof TypingBody>;

/** POST /api/v1/canned-responses, PUT /api/v1/canned-responses/{id} */
export const CannedResponseBody = z
  .object({
    shortcut: z.string().min(1).max(40).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only'),
    title: z.string().min(1).max(200),
    text: z.string().min(1).max(4000),
  })
  .strict();
export type CannedResponseBody = z.infer<typeof CannedResponseBody>;

/** The `cursor` of a list: `nextCursor` of the page before, as it was given (opaque). */
export const Cursor = z.string().min(1).max(300).optional().describe('nextCursor of the previous page, as given; a malformed cursor or one of another list is 400 INVALID_CURSOR');

/** `cursor` and `limit` of a list whose answer carries `nextCursor`. */
export const PageQuery = z.object({ cursor: Cursor, limit: z.coerce.number().int().min(1).max(500).default(100) });
export type PageQuery = z.infer<typeof PageQuery>;

/** GET /api/v1/providers/deliveries */
export const DeliveriesQuery = z.object({
  status: z.enum(['pending', 'delivered', 'dead']).optional(),
  providerId: z.string().max(64).optional(),
  conversationId: z.string().max(100).optional(),
  cursor: Cursor,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

/** A day (YYYY-MM-DD, a real date) or an ISO timestamp, as list and analytics filters take them. */
const Day = z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })], { error: 'must be a real date (YYYY-MM-DD) or an ISO timestamp' });

/** GET /api/v1/agent/conversations: the queue, my chats, history (filters), or everything for supervisors. */
export const ConversationListQuery = z.object({
  status: z.enum(['offloaded', 'agent', 'closed', 'bot']).default('agent'),
  scope: z.enum(['mine', 'all']).optional(),
  q: z.string().max(200).optional().describe('Substring (3 characters or more, any case, accents folded) of a user or agent message or note, the user\'s name or e-mail, or a variable value; shorter is 400 SEARCH_TOO_SHORT'),
  agentId: z.string().max(100).optional(),
  skill: z.string().max(64).optional(),
  tag: z.string().max(100).optional(),
  from: Day.optional(),
  to: Day.optional(),
  cursor: Cursor,
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuery>;

/** GET /api/v1/analytics */
export const RangeQuery = z.object({ from: Day.optional(), to: Day.optional() });
export type RangeQuery = z.infer<typeof RangeQuery>;

/** `:providerId` of a provider's signed callback route (the id given in Settings > Offloading) */
export const ProviderIdParams = z.object({ providerId: z.string().min(1).max(64) });
export type ProviderIdParams = z.infer<typeof ProviderIdParams>;

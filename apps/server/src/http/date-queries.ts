// Query strings with dates. They stay on the server, not in proto: a date is checked with luxon,
// which the shared package does not depend on.
import { DateTime } from 'luxon';
import { z } from 'zod';

const day = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && DateTime.fromISO(s).isValid, 'must be a real date (YYYY-MM-DD) or an ISO timestamp');

/** GET /api/v1/agent/conversations */
export const ConversationListQuery = z.object({
  status: z.enum(['offloaded', 'agent', 'closed', 'bot']).default('agent'),
  scope: z.enum(['mine', 'all']).optional(),
  q: z.string().max(200).optional(),
  agentId: z.string().max(100).optional(),
  skill: z.string().max(64).optional(),
  tag: z.string().max(100).optional(),
  from: day.optional(),
  to: day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** GET /api/v1/analytics */
export const RangeQuery = z.object({ from: day.optional(), to: day.optional() });

// Follow-ups (DESIGN §10.3): a user nobody could take now left an e-mail and a question; agents answer
// later from the desk's Follow-ups page or the API.
import { z } from 'zod';

/** why nobody could take the chat: offloading closed, the wait timed out, or no eligible agent online */
export const FollowupReason = z.enum(['closed', 'timeout', 'no_agent']);
export type FollowupReason = z.infer<typeof FollowupReason>;

export const FollowupStatus = z.enum(['open', 'done']);
export type FollowupStatus = z.infer<typeof FollowupStatus>;

export const Followup = z.object({
  id: z.string(),
  conversationId: z.string(),
  status: FollowupStatus,
  /** null when the user gave none (the bot's dialog may skip the question); replies then reach the conversation only */
  email: z.string().nullable(),
  question: z.string(),
  reason: FollowupReason,
  language: z.string(),
  skill: z.string(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  doneAt: z.string().nullable(),
});
export type Followup = z.infer<typeof Followup>;

/** GET /api/v1/agent/followups: oldest first (the one waiting longest on top), keyset-paged */
export const FollowupListQuery = z
  .object({
    status: FollowupStatus.default('open'),
    reason: FollowupReason.optional(),
    skill: z.string().min(1).max(64).optional(),
    /** `me`, or an agent id: only follow-ups assigned to them */
    assignee: z.string().min(1).max(64).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();
export type FollowupListQuery = z.infer<typeof FollowupListQuery>;

export const FollowupList = z.object({ followups: z.array(Followup), nextCursor: z.string().nullable() });
export type FollowupList = z.infer<typeof FollowupList>;

/** GET /api/v1/agent/followups/count: open follow-ups the caller may answer, counted up to `capped` (the desk's badge shows "99+") */
export const FollowupCount = z.object({ open: z.number().int(), capped: z.boolean() });
export type FollowupCount = z.infer<typeof FollowupCount>;

export const FollowupParams = z.object({ id: z.string().min(1).max(64) });

/** POST /api/v1/agent/followups/{id}/reply */
export const FollowupReplyBody = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
export type FollowupReplyBody = z.infer<typeof FollowupReplyBody>;

/** POST /api/v1/agent/followups/{id}/assign: to the caller when agentId is absent */
export const FollowupAssignBody = z.object({ agentId: z.string().min(1).max(64).optional() }).strict();
export type FollowupAssignBody = z.infer<typeof FollowupAssignBody>;

export const FollowupView = z.object({ followup: Followup });
export type FollowupView = z.infer<typeof FollowupView>;

/** The reply's result: the follow-up, and whether an e-mail was queued (SMTP configured and the e-mail known) */
export const FollowupReplyResult = z.object({ followup: Followup, emailed: z.boolean() });
export type FollowupReplyResult = z.infer<typeof FollowupReplyResult>;

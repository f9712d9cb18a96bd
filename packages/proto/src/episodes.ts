// Episodes (each time an agent handled a conversation) and the user's satisfaction rating of one
// (DESIGN §10.3; docs/api.md "History" and "Satisfaction").
import { z } from 'zod';

export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const MAX_RATING_COMMENT = 1000;

/** POST /api/v1/conversations/{id}/rating: 1–5 and an optional comment; a repeat replaces the rating. */
export const RatingBody = z
  .object({
    score: z.number().int().min(RATING_MIN).max(RATING_MAX),
    comment: z.string().trim().max(MAX_RATING_COMMENT).optional(),
  })
  .strict();
export type RatingBody = z.infer<typeof RatingBody>;

export const Rating = z.object({
  conversationId: z.string(),
  /** the episode rated: its number in the conversation */
  episode: z.number().int(),
  score: z.number().int().min(RATING_MIN).max(RATING_MAX),
  comment: z.string().nullable(),
  ratedAt: z.string(),
});
export type Rating = z.infer<typeof Rating>;
export const RatingResponse = z.object({ rating: Rating });

/** How an episode ended: the conversation closed (by the agent, the user or idle), or went back to the bot. */
export const EpisodeEnd = z.enum(['closed', 'handed_back']);
export const EpisodeEndedBy = z.enum(['agent', 'user', 'idle']);

/** One time an agent handled the conversation, from the accept to the close or hand-back. */
export const Episode = z.object({
  number: z.number().int(),
  agent: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  trigger: z.string().nullable(),
  skill: z.string().nullable(),
  requestedAt: z.string().nullable(),
  acceptedAt: z.string(),
  endedAt: z.string().nullable(),
  /** null while the agent still has it */
  ended: EpisodeEnd.nullable(),
  endedBy: EpisodeEndedBy.nullable(),
  rating: z.object({ score: z.number().int(), comment: z.string().nullable(), ratedAt: z.string() }).nullable(),
});
export type Episode = z.infer<typeof Episode>;

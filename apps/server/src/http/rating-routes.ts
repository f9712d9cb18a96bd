// Satisfaction (DESIGN §10.3): the user rates the agent's latest finished episode with the user token.
import { IdParams, RatingBody, RatingResponse } from '@baton/proto';
import { rateConversation } from '../commands/satisfaction.js';
import type { Deps } from '../deps.js';
import { perBearerToken } from './parse.js';
import { defineRoute } from './route.js';

export function ratingRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations/:id/rating',
      access: 'user',
      name: 'rateConversation',
      summary: 'Rate the latest episode an agent finished (1–5, optional comment); a repeat replaces the rating',
      tag: 'Channel',
      rateLimit: { max: deps.config.RATE_LIMIT_MESSAGES_PER_MINUTE, timeWindow: 60_000, keyGenerator: perBearerToken },
      params: IdParams,
      body: RatingBody,
      response: RatingResponse,
      status: 201,
      errors: ['NOTHING_TO_RATE'],
      handler: async ({ params, body }) => ({ rating: await rateConversation(deps, params.id, body) }),
    }),
  ];
}

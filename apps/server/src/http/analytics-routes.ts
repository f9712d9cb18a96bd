// Handover analytics over a date range (supervisors and admins).
import { Analytics, RangeQuery } from '@baton/proto';
import { analytics } from '../commands/analytics.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function analyticsRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/analytics',
      access: 'supervisor',
      name: 'getAnalytics',
      summary: 'Handovers per trigger/reason/skill/language/provider, wait p50/p90, abandonment, handling time',
      tag: 'Supervisor',
      query: RangeQuery,
      response: Analytics,
      handler: async ({ query }) => analytics(deps, query),
    }),
  ];
}

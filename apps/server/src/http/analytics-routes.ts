// Handover analytics over a date range (supervisors and admins), as JSON or as a CSV download.
import { Analytics, RangeQuery } from '@baton/proto';
import { analytics, analyticsCsv, CSV_COLUMNS } from '../commands/analytics.js';
import type { Deps } from '../deps.js';
import { csvStream } from '../presenters/csv.js';
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
    defineRoute({
      method: 'GET',
      url: '/api/v1/analytics.csv',
      access: 'supervisor',
      name: 'getAnalyticsCsv',
      summary: 'The same figures per UTC day as CSV (date, metric, key, name, count, p50_seconds, p90_seconds), streamed',
      tag: 'Supervisor',
      query: RangeQuery,
      responseMedia: 'text/csv',
      handler: async ({ query, reply }) => {
        const csv = analyticsCsv(deps, query);
        reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${csv.filename}"`);
        return csvStream(CSV_COLUMNS, csv.rows);
      },
    }),
  ];
}

// The supervisor's live overview: the queue, live chats and agent load.
import { SupervisorOverview } from '@baton/proto';
import { supervisorOverview } from '../commands/agent-queries.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function supervisorRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/supervisor/overview',
      access: 'supervisor',
      name: 'getSupervisorOverview',
      summary: 'Queue, live chats and agent load',
      tag: 'Supervisor',
      response: SupervisorOverview,
      handler: async () => supervisorOverview(deps),
    }),
  ];
}

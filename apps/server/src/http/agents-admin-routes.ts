// Agents admin: supervisors read the team, admins change it.
import { Agent, CreateAgentBody, IdParams, UpdateAgentBody } from '@baton/proto';
import { z } from 'zod';
import { createAgent, deleteAgent, getAgent, updateAgent } from '../commands/agents-admin.js';
import { presentAgent } from '../commands/auth.js';
import { listAgents } from '../commands/list-agents.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

const TAG = 'Admin';
const OneAgent = z.object({ agent: Agent });

export function agentsAdminRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/agents',
      access: 'supervisor',
      name: 'listAgents',
      summary: 'List agents',
      tag: TAG,
      response: z.object({ agents: z.array(Agent) }),
      handler: async () => ({ agents: await listAgents(deps) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agents',
      access: 'admin',
      name: 'createAgent',
      summary: 'Create an agent',
      tag: TAG,
      body: CreateAgentBody,
      response: OneAgent,
      status: 201,
      errors: ['EMAIL_TAKEN'],
      handler: async ({ body }) => ({ agent: await createAgent(deps, body) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agents/:id',
      access: 'supervisor',
      name: 'getAgent',
      summary: 'One agent',
      tag: TAG,
      params: IdParams,
      response: OneAgent,
      handler: async ({ params }) => ({ agent: presentAgent(await getAgent(deps, params.id)) }),
    }),
    defineRoute({
      method: 'PATCH',
      url: '/api/v1/agents/:id',
      access: 'admin',
      name: 'updateAgent',
      summary: 'Change an agent (a new password ends its sessions)',
      tag: TAG,
      params: IdParams,
      body: UpdateAgentBody,
      response: OneAgent,
      errors: ['EMAIL_TAKEN', 'LAST_ADMIN'],
      handler: async ({ params, body }) => ({ agent: await updateAgent(deps, params.id, body) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/agents/:id',
      access: 'admin',
      name: 'deleteAgent',
      summary: 'Remove an agent (its live chats return to the queue; the last admin cannot be removed)',
      tag: TAG,
      params: IdParams,
      response: z.object({ ok: z.literal(true) }),
      errors: ['LAST_ADMIN'],
      handler: async ({ params }) => {
        await deleteAgent(deps, params.id);
        return { ok: true as const };
      },
    }),
  ];
}

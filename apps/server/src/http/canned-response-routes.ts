// Canned responses: agents read them; supervisors and admins keep them.
import { CannedResponseBody, CannedResponseResponse, CannedResponsesResponse, IdParams, PageQuery } from '@baton/proto';
import { z } from 'zod';
import { deleteCanned, listCanned, saveCanned } from '../commands/canned-responses.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function cannedResponseRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/canned-responses',
      access: 'agent',
      name: 'listCannedResponses',
      summary: 'Canned responses by shortcut, paged with cursor',
      tag: 'Agent',
      query: PageQuery,
      response: CannedResponsesResponse,
      errors: ['INVALID_CURSOR'],
      handler: async ({ query }) => listCanned(deps, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/canned-responses',
      access: 'supervisor',
      name: 'createCannedResponse',
      summary: 'Create a canned response',
      tag: 'Admin',
      body: CannedResponseBody,
      response: CannedResponseResponse,
      status: 201,
      handler: async ({ body }) => ({ cannedResponse: await saveCanned(deps, undefined, body) }),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/canned-responses/:id',
      access: 'supervisor',
      name: 'replaceCannedResponse',
      summary: 'Replace a canned response',
      tag: 'Admin',
      params: IdParams,
      body: CannedResponseBody,
      response: CannedResponseResponse,
      handler: async ({ params, body }) => ({ cannedResponse: await saveCanned(deps, params.id, body) }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/canned-responses/:id',
      access: 'supervisor',
      name: 'deleteCannedResponse',
      summary: 'Delete a canned response',
      tag: 'Admin',
      params: IdParams,
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ params }) => {
        await deleteCanned(deps, params.id);
        return { ok: true as const };
      },
    }),
  ];
}

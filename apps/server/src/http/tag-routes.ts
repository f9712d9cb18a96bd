// Agents' tags on a conversation: add one, remove one. Who may is the command's rule (agent-access.ts).
import { AddTagBody, IdParams, TagParams, TagsResponse } from '@baton/proto';
import { addTag, removeTag } from '../commands/conversation-tags.js';
import type { Deps } from '../deps.js';
import { defineRoute } from './route.js';

export function tagRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/tags',
      access: 'agent',
      name: 'addConversationTag',
      summary: 'Add a tag (letters, digits, spaces, _ . -; at most 50 characters and 20 tags): the owner, an agent who handled it, or a supervisor',
      tag: 'Agent',
      params: IdParams,
      body: AddTagBody,
      errors: ['CONVERSATION_NOT_FOUND', 'TOO_MANY_TAGS'],
      response: TagsResponse,
      handler: async ({ params, body, agent }) => addTag(deps, agent, params.id, body.tag),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/agent/conversations/:id/tags/:tag',
      access: 'agent',
      name: 'removeConversationTag',
      summary: 'Remove a tag, the bot\'s or an agent\'s (not there: unchanged)',
      tag: 'Agent',
      params: TagParams,
      errors: ['CONVERSATION_NOT_FOUND'],
      response: TagsResponse,
      handler: async ({ params, agent }) => removeTag(deps, agent, params.id, params.tag),
    }),
  ];
}

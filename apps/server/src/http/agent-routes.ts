// The agent's side: presence, the queue and my chats, a transcript, and what an agent does with a
// conversation (accept, reply, typing, transfer, hand back, close).
import { Agent, AgentConversationDetail, AgentMessageBody, Colleague, ConversationListQuery, ConversationPage, HandbackBody, IdParams, MessageResponse, PageQuery, SetAgentStatusBody, TransferBody, TypingBody } from '@baton/proto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { acceptConversation, agentMessage, agentTyping, closeConversation, handBack, setAgentStatus, transferConversation } from '../commands/agent-actions.js';
import { agentConversationDetail, listAgentConversations, listColleagues, userHistory } from '../commands/agent-queries.js';
import { presentAgent } from '../commands/auth.js';
import type { Deps } from '../deps.js';
import { TypingThrottle } from '../domain/typing-throttle.js';
import { hashToken } from '../tokens.js';
import { sessionToken } from './auth-guard.js';
import { defineRoute } from './route.js';

const TAG = 'Agent';
const Ok = z.object({ ok: z.literal(true) });
const ConversationDetail = AgentConversationDetail;

export function agentRoutes(deps: Deps) {
  // REST typing for API clients: throttled like the sockets' frames, and a budget per session
  const typing = new TypingThrottle(10_000);
  const perSession = (req: FastifyRequest) => {
    const token = sessionToken(req).token;
    // a hash: with REDIS_URL the key is stored there, and tokens are never stored as they are
    return `typing:${token ? hashToken(token) : req.ip}`;
  };

  return [
    defineRoute({
      method: 'PUT',
      url: '/api/v1/agent/status',
      access: 'agent',
      name: 'setAgentStatus',
      summary: 'Presence: online, away or offline (agents start offline)',
      tag: TAG,
      body: SetAgentStatusBody,
      response: z.object({ agent: Agent }),
      handler: async ({ agent, body }) => {
        await setAgentStatus(deps, agent.id, body.status);
        return { agent: presentAgent({ ...agent, status: body.status }) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/conversations',
      access: 'agent',
      name: 'listAgentConversations',
      summary: 'status=offloaded: the queue routed to me; agent: my chats; closed: history (q, agentId, skill, tag, from, to); scope=all for supervisors; paged with cursor',
      tag: TAG,
      query: ConversationListQuery,
      response: ConversationPage,
      errors: ['INVALID_CURSOR', 'SEARCH_TOO_SHORT'],
      handler: async ({ agent, query }) => listAgentConversations(deps, agent, query),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/conversations/:id',
      access: 'agent',
      name: 'getAgentConversation',
      summary: 'A conversation with its full transcript (bot turns, system events, notes)',
      tag: TAG,
      params: IdParams,
      response: ConversationDetail,
      handler: async ({ agent, params }) => agentConversationDetail(deps, agent, params.id),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/conversations/:id/history',
      access: 'agent',
      name: 'getUserHistory',
      summary: "The same (verified) user's earlier conversations, the latest first, paged with cursor",
      tag: TAG,
      params: IdParams,
      query: PageQuery,
      response: ConversationPage,
      errors: ['INVALID_CURSOR'],
      handler: async ({ agent, params, query }) => userHistory(deps, agent, params.id, query),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/accept',
      access: 'agent',
      name: 'acceptConversation',
      summary: 'Take a waiting conversation: 200 for the winner (and on a repeat), 409 ALREADY_ASSIGNED for everyone else',
      tag: TAG,
      params: IdParams,
      response: ConversationDetail,
      errors: ['ALREADY_ASSIGNED', 'AGENT_UNAVAILABLE'],
      handler: async ({ agent, params }) => {
        await acceptConversation(deps, agent, params.id);
        return agentConversationDetail(deps, agent, params.id);
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/messages',
      access: 'agent',
      name: 'sendAgentMessage',
      summary: 'Reply (owner only) with text, buttons and cards; internal:true makes a note the user never sees',
      tag: TAG,
      params: IdParams,
      body: AgentMessageBody,
      response: MessageResponse,
      status: 201,
      errors: ['NOT_OWNER', 'CONVERSATION_CLOSED'],
      handler: async ({ agent, params, body }) => ({ message: await agentMessage(deps, agent, params.id, body) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/typing',
      access: 'agent',
      name: 'sendAgentTyping',
      summary: 'Typing indicator to the user',
      tag: TAG,
      rateLimit: { max: 120, timeWindow: 60_000, keyGenerator: perSession },
      params: IdParams,
      body: TypingBody,
      response: Ok,
      errors: ['NOT_OWNER', 'INVALID_TRANSITION'],
      handler: async ({ agent, params, body }) => {
        await agentTyping(deps, agent, params.id, body.on, typing);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/transfer',
      access: 'agent',
      name: 'transferConversation',
      summary: 'Transfer to an agent or back to the queue of a skill',
      tag: TAG,
      params: IdParams,
      body: TransferBody,
      response: Ok,
      errors: ['NOT_OWNER', 'AGENT_NOT_FOUND', 'AGENT_UNAVAILABLE', 'INVALID_TRANSITION'],
      handler: async ({ agent, params, body }) => {
        await transferConversation(deps, agent, params.id, body);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/handback',
      access: 'agent',
      name: 'handBack',
      summary: 'Hand the user back to the bot, optionally at a dialog with variables set',
      tag: TAG,
      params: IdParams,
      body: HandbackBody,
      bodyOptional: true,
      response: Ok,
      errors: ['NOT_OWNER', 'DIALOG_NOT_FOUND', 'INVALID_TRANSITION'],
      handler: async ({ agent, params, body }) => {
        await handBack(deps, agent, params.id, body);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/agent/conversations/:id/close',
      access: 'agent',
      name: 'closeConversation',
      summary: 'Close; a later user message reopens it with the bot',
      tag: TAG,
      params: IdParams,
      response: Ok,
      errors: ['NOT_OWNER', 'INVALID_TRANSITION'],
      handler: async ({ agent, params }) => {
        await closeConversation(deps, agent, params.id);
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/colleagues',
      access: 'agent',
      name: 'listColleagues',
      summary: 'Colleagues with status and load, for transfers (no e-mail addresses)',
      tag: TAG,
      response: z.object({ agents: z.array(Colleague) }),
      handler: async () => listColleagues(deps),
    }),
  ];
}

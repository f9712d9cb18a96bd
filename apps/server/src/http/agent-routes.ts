// Agent and supervisor side of DESIGN.md §3: queue, my chats, transcript, accept, reply, transfer,
// hand back, close, presence, canned responses, history, overview, analytics; plus agents admin.
import { AgentMessageBody, CreateAgentBody, HandbackBody, SetAgentStatusBody, TransferBody, UpdateAgentBody } from '@baton/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { acceptConversation, agentMessage, agentTyping, closeConversation, handBack, setAgentStatus, transferConversation } from '../commands/agent-actions.js';
import { agentConversationDetail, listAgentConversations, listColleagues, supervisorOverview, userHistory } from '../commands/agent-queries.js';
import { createAgent, deleteAgent, getAgent, updateAgent } from '../commands/agents-admin.js';
import { analytics } from '../commands/analytics.js';
import { presentAgent } from '../commands/auth.js';
import { CannedResponseBody, deleteCanned, listCanned, saveCanned } from '../commands/canned-responses.js';
import type { Deps } from '../deps.js';
import { TypingThrottle } from '../domain/typing-throttle.js';
import { hashToken } from '../tokens.js';
import { requireAgent, sessionToken } from './auth-guard.js';
import { parse } from './parse.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const day = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && DateTime.fromISO(s).isValid, 'must be a real date (YYYY-MM-DD) or an ISO timestamp');
const ListQuery = z.object({
  status: z.enum(['offloaded', 'agent', 'closed', 'bot']).default('agent'),
  scope: z.enum(['mine', 'all']).optional(),
  q: z.string().max(200).optional(),
  agentId: z.string().max(100).optional(),
  skill: z.string().max(64).optional(),
  tag: z.string().max(100).optional(),
  from: day.optional(),
  to: day.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const TypingBody = z.object({ on: z.boolean() }).strict();
const RangeQuery = z.object({ from: day.optional(), to: day.optional() });

export function registerAgentRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/v1/agent/conversations', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    return { conversations: await listAgentConversations(deps, agent, parse(ListQuery, req.query)) };
  });
  app.get('/api/v1/agent/conversations/:id', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    return agentConversationDetail(deps, agent, parse(IdParams, req.params).id);
  });
  app.get('/api/v1/agent/conversations/:id/history', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    return { conversations: await userHistory(deps, agent, parse(IdParams, req.params).id) };
  });
  app.post('/api/v1/agent/conversations/:id/accept', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    const { id } = parse(IdParams, req.params);
    await acceptConversation(deps, agent, id);
    return agentConversationDetail(deps, agent, id);
  });
  app.post('/api/v1/agent/conversations/:id/messages', { config: { access: 'agent' } }, async (req, reply) => {
    const agent = await requireAgent(deps, req);
    const { id } = parse(IdParams, req.params);
    const message = await agentMessage(deps, agent, id, parse(AgentMessageBody, req.body));
    return reply.status(201).send({ message });
  });
  // REST typing for API clients: throttled like the sockets' frames, and a budget per session
  const typing = new TypingThrottle(10_000);
  const perSession = (req: FastifyRequest) => {
    const token = sessionToken(req).token;
    // a hash: with REDIS_URL the key is stored there, and tokens are never stored as they are
    return `typing:${token ? hashToken(token) : req.ip}`;
  };
  app.post('/api/v1/agent/conversations/:id/typing', { config: { access: 'agent', rateLimit: { max: 120, timeWindow: 60_000, keyGenerator: perSession } } }, async (req) => {
    const agent = await requireAgent(deps, req);
    await agentTyping(deps, agent, parse(IdParams, req.params).id, parse(TypingBody, req.body).on, typing);
    return { ok: true };
  });
  app.post('/api/v1/agent/conversations/:id/transfer', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    const { id } = parse(IdParams, req.params);
    await transferConversation(deps, agent, id, parse(TransferBody, req.body));
    return { ok: true };
  });
  app.post('/api/v1/agent/conversations/:id/handback', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    const { id } = parse(IdParams, req.params);
    await handBack(deps, agent, id, parse(HandbackBody, req.body ?? {}));
    return { ok: true };
  });
  app.post('/api/v1/agent/conversations/:id/close', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    await closeConversation(deps, agent, parse(IdParams, req.params).id);
    return { ok: true };
  });
  app.put('/api/v1/agent/status', { config: { access: 'agent' } }, async (req) => {
    const agent = await requireAgent(deps, req);
    const { status } = parse(SetAgentStatusBody, req.body);
    await setAgentStatus(deps, agent.id, status);
    return { agent: presentAgent({ ...agent, status }) };
  });
  app.get('/api/v1/agent/canned-responses', { config: { access: 'agent' } }, async () => {
    return { cannedResponses: await listCanned(deps) };
  });
  app.post('/api/v1/canned-responses', { config: { access: 'supervisor' } }, async (req, reply) => {
    return reply.status(201).send({ cannedResponse: await saveCanned(deps, undefined, parse(CannedResponseBody, req.body)) });
  });
  app.put('/api/v1/canned-responses/:id', { config: { access: 'supervisor' } }, async (req) => {
    return { cannedResponse: await saveCanned(deps, parse(IdParams, req.params).id, parse(CannedResponseBody, req.body)) };
  });
  app.delete('/api/v1/canned-responses/:id', { config: { access: 'supervisor' } }, async (req) => {
    await deleteCanned(deps, parse(IdParams, req.params).id);
    return { ok: true };
  });
  app.get('/api/v1/agent/colleagues', { config: { access: 'agent' } }, async () => {
    return listColleagues(deps);
  });
  app.get('/api/v1/supervisor/overview', { config: { access: 'supervisor' } }, async () => {
    return supervisorOverview(deps);
  });
  app.get('/api/v1/analytics', { config: { access: 'supervisor' } }, async (req) => {
    return analytics(deps, parse(RangeQuery, req.query));
  });

  // agents admin
  app.get('/api/v1/agents', { config: { access: 'supervisor' } }, async () => {
    const rows = await deps.store.db.selectFrom('agents').selectAll().where('deleted_at', 'is', null).orderBy('name').execute();
    return { agents: rows.map(presentAgent) };
  });
  app.post('/api/v1/agents', { config: { access: 'admin' } }, async (req, reply) => {
    return reply.status(201).send({ agent: await createAgent(deps, parse(CreateAgentBody, req.body)) });
  });
  app.get('/api/v1/agents/:id', { config: { access: 'supervisor' } }, async (req) => {
    return { agent: presentAgent(await getAgent(deps, parse(IdParams, req.params).id)) };
  });
  app.patch('/api/v1/agents/:id', { config: { access: 'admin' } }, async (req) => {
    return { agent: await updateAgent(deps, parse(IdParams, req.params).id, parse(UpdateAgentBody, req.body)) };
  });
  app.delete('/api/v1/agents/:id', { config: { access: 'admin' } }, async (req) => {
    await deleteAgent(deps, parse(IdParams, req.params).id);
    return { ok: true };
  });
}

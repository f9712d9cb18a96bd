// The Channel API of DESIGN.md §3 (end users; the widget uses exactly this). Thin: parse → command → presenter.
import { CreateConversationBody, ListMessagesQuery, SendMessageBody } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { createConversation } from '../commands/create-conversation.js';
import { endConversationByUser } from '../commands/end-conversation.js';
import { endWaiting } from '../commands/end-waiting.js';
import { authorizeUser, getConversationView, listConversationMessages } from '../commands/read-conversation.js';
import { sendUserMessage } from '../commands/send-user-message.js';
import type { Deps } from '../deps.js';
import { hashToken } from '../tokens.js';
import { AppError } from '../errors.js';
import { bearer, parse } from './parse.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const IdempotencyKey = z.string().min(1).max(200).optional();

export function registerChannelRoutes(app: FastifyInstance, deps: Deps) {
  const c = deps.config;
  // the limit's key is the token's hash: with REDIS_URL keys are stored there, and tokens never are
  const perToken = (req: { headers: Record<string, unknown>; ip: string }) => {
    const token = bearer(req.headers.authorization as string | undefined);
    return token ? hashToken(token) : req.ip;
  };

  app.post(
    '/api/v1/conversations',
    { config: { access: 'public', rateLimit: { max: c.RATE_LIMIT_CONVERSATIONS_PER_MINUTE, timeWindow: 60_000 } } },
    async (req, reply) => {
      const body = parse(CreateConversationBody, req.body);
      const result = await createConversation(deps, body);
      return reply.status(201).send(result);
    },
  );

  app.get('/api/v1/conversations/:id', { config: { access: 'user' } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    await authorizeUser(deps, bearer(req.headers.authorization), id);
    return { conversation: await getConversationView(deps, id) };
  });

  app.post(
    '/api/v1/conversations/:id/messages',
    { config: { access: 'user', rateLimit: { max: c.RATE_LIMIT_MESSAGES_PER_MINUTE, timeWindow: 60_000, keyGenerator: perToken } } },
    async (req, reply) => {
      const { id } = parse(IdParams, req.params);
      await authorizeUser(deps, bearer(req.headers.authorization), id);
      const key = parse(IdempotencyKey, req.headers['idempotency-key']);
      const body = parse(SendMessageBody, req.body);
      const { message, duplicate } = await sendUserMessage(deps, id, body, key);
      return reply.status(duplicate ? 200 : 201).send({ message });
    },
  );

  app.get('/api/v1/conversations/:id/messages', { config: { access: 'user' } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    await authorizeUser(deps, bearer(req.headers.authorization), id);
    const q = parse(ListMessagesQuery, req.query);
    return { messages: await listConversationMessages(deps, id, q) };
  });

  app.post('/api/v1/conversations/:id/cancel', { config: { access: 'user' } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    const conv = await authorizeUser(deps, bearer(req.headers.authorization), id);
    if (conv.status !== 'offloaded') throw new AppError('NOT_WAITING');
    await endWaiting(deps, id, 'wait.cancel');
    return { conversation: await getConversationView(deps, id) };
  });

  app.post('/api/v1/conversations/:id/end', { config: { access: 'user' } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    await authorizeUser(deps, bearer(req.headers.authorization), id);
    await endConversationByUser(deps, id);
    return { conversation: await getConversationView(deps, id) };
  });
}

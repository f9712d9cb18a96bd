// The Channel API (end users; the widget uses exactly this): /api/v1/conversations.
import { ConversationResponse, CreateConversationBody, CreateConversationResponse, IdempotencyKey, IdParams, ListMessagesQuery, MessageResponse, MessagesResponse, SendMessageBody } from '@baton/proto';
import { createConversation } from '../commands/create-conversation.js';
import { endConversationByUser } from '../commands/end-conversation.js';
import { endWaiting } from '../commands/end-waiting.js';
import { getConversationView, listConversationMessages } from '../commands/read-conversation.js';
import { sendUserMessage } from '../commands/send-user-message.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { perBearerToken } from './parse.js';
import { defineRoute } from './route.js';

const TAG = 'Channel';

export function conversationRoutes(deps: Deps) {
  const c = deps.config;
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations',
      access: 'public',
      name: 'createConversation',
      summary: 'Start a conversation; returns a token for this conversation only. The bot welcome follows.',
      tag: TAG,
      rateLimit: { max: c.RATE_LIMIT_CONVERSATIONS_PER_MINUTE, timeWindow: 60_000 },
      body: CreateConversationBody,
      response: CreateConversationResponse,
      status: 201,
      errors: ['IDENTITY_INVALID', 'CHANNEL_INBOUND_ONLY', 'BOT_NOT_FOUND'],
      handler: async ({ body }) => createConversation(deps, body),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/conversations/:id',
      access: 'user',
      name: 'getConversation',
      summary: 'Read a conversation (status, language, queue position…)',
      tag: TAG,
      params: IdParams,
      response: ConversationResponse,
      handler: async ({ params }) => ({ conversation: await getConversationView(deps, params.id) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations/:id/messages',
      access: 'user',
      name: 'sendMessage',
      summary: 'Send a text or a button postback. Optional Idempotency-Key header: a retry stores one message (201 first, 200 for a repeat).',
      tag: TAG,
      rateLimit: { max: c.RATE_LIMIT_MESSAGES_PER_MINUTE, timeWindow: 60_000, keyGenerator: perBearerToken },
      params: IdParams,
      headers: { 'Idempotency-Key': IdempotencyKey },
      body: SendMessageBody,
      response: MessageResponse,
      status: 201,
      repeatStatus: 200,
      errors: ['IDEMPOTENCY_KEY_REUSED'],
      handler: async ({ params, headers, body, reply }) => {
        const { message, duplicate } = await sendUserMessage(deps, params.id, body, headers['Idempotency-Key']);
        if (duplicate) reply.code(200);
        return { message };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/conversations/:id/messages',
      access: 'user',
      name: 'listMessages',
      summary: 'Messages after a seq, oldest first, paged (limit ≤ 500)',
      tag: TAG,
      params: IdParams,
      query: ListMessagesQuery,
      response: MessagesResponse,
      handler: async ({ params, query }) => ({ messages: await listConversationMessages(deps, params.id, query) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations/:id/cancel',
      access: 'user',
      name: 'cancelWaiting',
      summary: 'Stop waiting for an agent; back to the bot',
      tag: TAG,
      params: IdParams,
      response: ConversationResponse,
      errors: ['NOT_WAITING'],
      handler: async ({ params, conversation }) => {
        if (conversation.status !== 'offloaded') throw new AppError('NOT_WAITING');
        await endWaiting(deps, params.id, 'wait.cancel');
        return { conversation: await getConversationView(deps, params.id) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/conversations/:id/end',
      access: 'user',
      name: 'endConversation',
      summary: 'The user ends the conversation (a later message reopens it with the bot)',
      tag: TAG,
      params: IdParams,
      response: ConversationResponse,
      errors: ['INVALID_TRANSITION'],
      handler: async ({ params }) => {
        await endConversationByUser(deps, params.id);
        return { conversation: await getConversationView(deps, params.id) };
      },
    }),
  ];
}

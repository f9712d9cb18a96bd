// GET /api/v1/openapi.json, generated from the same zod schemas the routes parse with. A test checks
// that every registered /api/v1 route is documented here.
import * as P from '@baton/proto';
import { z } from 'zod';
import { ERRORS } from '../errors.js';

interface Op {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  auth?: 'user' | 'agent' | 'admin' | 'signature' | 'none';
  body?: z.ZodType;
  bodyMedia?: string[];
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: number;
}

const Ok = z.object({ ok: z.literal(true) });

export const OPERATIONS: Op[] = [
  { method: 'post', path: '/api/v1/conversations', summary: 'Start a conversation; returns a token for this conversation only. The bot welcome follows.', tag: 'Channel', auth: 'none', body: P.CreateConversationBody, response: P.CreateConversationResponse, status: 201 },
  { method: 'get', path: '/api/v1/conversations/{id}', summary: 'Read a conversation (status, language, queue position…)', tag: 'Channel', auth: 'user', response: P.ConversationResponse },
  { method: 'post', path: '/api/v1/conversations/{id}/messages', summary: 'Send a text or a button postback. Optional Idempotency-Key header: a retry stores one message (201 first, 200 for a repeat).', tag: 'Channel', auth: 'user', body: P.SendMessageBody, response: P.MessageResponse, status: 201 },
  { method: 'get', path: '/api/v1/conversations/{id}/messages', summary: 'Messages after a seq, oldest first, paged (limit ≤ 500)', tag: 'Channel', auth: 'user', query: P.ListMessagesQuery, response: P.MessagesResponse },
  { method: 'post', path: '/api/v1/conversations/{id}/cancel', summary: 'Stop waiting for an agent; back to the bot', tag: 'Channel', auth: 'user', response: P.ConversationResponse },
  { method: 'post', path: '/api/v1/conversations/{id}/end', summary: 'The user ends the conversation (a later message reopens it with the bot)', tag: 'Channel', auth: 'user', response: P.ConversationResponse },
  { method: 'get', path: '/api/v1/ws', summary: 'WebSocket (?token=…). Server events: message.created, conversation.updated, typing, ready, queue.updated, error, pong. Client events: resume {afterSeq}, typing {on}, subscribe/unsubscribe {conversationId} (agents), ping.', tag: 'Channel', auth: 'user' },
  { method: 'get', path: '/api/v1/settings/offloading', summary: 'Offloading settings (secrets masked); the output is valid PUT input', tag: 'Admin', auth: 'admin', response: P.OffloadingSettings },
  { method: 'put', path: '/api/v1/settings/offloading', summary: 'Replace the offloading settings (validated; a masked secret keeps the stored one)', tag: 'Admin', auth: 'admin', body: P.OffloadingSettings, response: P.OffloadingSettings },
  { method: 'get', path: '/api/v1/bots', summary: 'List bots', tag: 'Admin', auth: 'admin', response: z.object({ bots: z.array(P.BotInfo) }) },
  { method: 'get', path: '/api/v1/bots/{id}', summary: 'A bot with its source', tag: 'Admin', auth: 'admin' },
  { method: 'put', path: '/api/v1/bots/{id}', summary: 'Create or replace a bot (YAML or JSON body); 422 BOT_INVALID lists each problem with its path', tag: 'Admin', auth: 'admin', bodyMedia: ['application/yaml', 'application/json', 'text/plain'] },
  { method: 'post', path: '/api/v1/bots/validate', summary: 'Validate a bot definition without saving it', tag: 'Admin', auth: 'admin', bodyMedia: ['application/yaml', 'application/json', 'text/plain'], response: Ok },
  { method: 'get', path: '/api/v1/bots/{id}/dialogs', summary: 'Dialog names of a bot (hand-back targets)', tag: 'Admin', auth: 'agent', response: z.object({ dialogs: z.array(z.string()) }) },
  { method: 'get', path: '/api/v1/bots/schema.json', summary: 'JSON Schema of the bot definition format, for editors', tag: 'Admin', auth: 'none' },
];

function jsonSchema(s: z.ZodType) {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
}

export function buildOpenApi(publicUrl?: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (op.query) {
      for (const [name, s] of Object.entries(op.query.shape)) {
        params.push({ name, in: 'query', required: false, schema: jsonSchema(s as z.ZodType) as never });
      }
    }
    if (op.path.endsWith('/messages') && op.method === 'post' && op.tag === 'Channel') {
      params.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } } as never);
    }
    const security =
      op.auth === 'user' ? [{ userToken: [] }] : op.auth === 'agent' || op.auth === 'admin' ? [{ agentToken: [] }, { deskCookie: [] }] : op.auth === 'signature' ? [{ signature: [] }] : [];
    const content = op.body
      ? { 'application/json': { schema: jsonSchema(op.body) } }
      : op.bodyMedia
        ? Object.fromEntries(op.bodyMedia.map((m) => [m, { schema: { type: m.includes('json') ? 'object' : 'string' } }]))
        : undefined;
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(params.length ? { parameters: params } : {}),
      ...(content ? { requestBody: { required: true, content } } : {}),
      security,
      responses: {
        [String(op.status ?? 200)]: {
          description: 'OK',
          ...(op.response ? { content: { 'application/json': { schema: jsonSchema(op.response) } } } : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Baton API',
      version: '1.0.0',
      description:
        'Chatbot platform with human handover. Errors are `{ "error": { "code", "message", "details?" } }`; the codes are listed under x-error-codes. Text is limited to 4000 characters.',
    },
    servers: [{ url: publicUrl ?? '/' }],
    paths,
    components: {
      schemas: { Error: jsonSchema(P.ErrorBody), Message: jsonSchema(P.Message), Conversation: jsonSchema(P.Conversation), ServerEvent: jsonSchema(P.ServerEvent), ClientEvent: jsonSchema(P.ClientEvent) },
      securitySchemes: {
        userToken: { type: 'http', scheme: 'bearer', description: 'The token returned when the conversation was created' },
        agentToken: { type: 'http', scheme: 'bearer', description: 'An agent session token from POST /api/v1/auth/login' },
        deskCookie: { type: 'apiKey', in: 'cookie', name: 'baton_session', description: 'Desk session; mutating requests also need X-Requested-With: baton-desk' },
        signature: { type: 'apiKey', in: 'header', name: 'X-Baton-Signature', description: 't=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">' },
      },
    },
    'x-error-codes': Object.fromEntries(Object.entries(ERRORS).map(([code, e]) => [code, e])),
  };
}


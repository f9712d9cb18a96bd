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
  { method: 'get', path: '/api/v1/ws', summary: 'WebSocket (?token=…, or the first frame {type:auth, token}; the desk cookie only from the desk\'s origin). Server events: message.created, conversation.updated, typing, ready, queue.updated, error, pong. Client events: auth {token}, resume {afterSeq}, typing {on}, subscribe/unsubscribe {conversationId} (agents), ping. Per-socket frame limits and per-IP connection cap (429 TOO_MANY_CONNECTIONS); close codes in docs/api.md.', tag: 'Channel', auth: 'user' },
  { method: 'post', path: '/api/v1/auth/login', summary: 'Agent login: a session token (and the httpOnly desk cookie baton_session)', tag: 'Agent', auth: 'none', body: P.LoginBody, response: P.LoginResponse },
  { method: 'post', path: '/api/v1/auth/logout', summary: 'End the session', tag: 'Agent', auth: 'agent', response: Ok },
  { method: 'get', path: '/api/v1/agent/me', summary: 'The logged-in agent', tag: 'Agent', auth: 'agent', response: z.object({ agent: P.Agent }) },
  { method: 'put', path: '/api/v1/agent/status', summary: 'Presence: online, away or offline (agents start offline)', tag: 'Agent', auth: 'agent', body: P.SetAgentStatusBody, response: z.object({ agent: P.Agent }) },
  { method: 'get', path: '/api/v1/agent/conversations', summary: 'status=offloaded: the queue routed to me; agent: my chats; closed: history (q, agentId, skill, tag, from, to); scope=all for supervisors', tag: 'Agent', auth: 'agent', response: z.object({ conversations: z.array(P.AgentConversation) }) },
  { method: 'get', path: '/api/v1/agent/conversations/{id}', summary: 'A conversation with its full transcript (bot turns, system events, notes)', tag: 'Agent', auth: 'agent', response: z.object({ conversation: P.AgentConversation, messages: z.array(P.Message) }) },
  { method: 'get', path: '/api/v1/agent/conversations/{id}/history', summary: "The same user's earlier conversations", tag: 'Agent', auth: 'agent', response: z.object({ conversations: z.array(P.AgentConversation) }) },
  { method: 'post', path: '/api/v1/agent/conversations/{id}/accept', summary: 'Take a waiting conversation: 200 for the winner (and on a repeat), 409 ALREADY_ASSIGNED for everyone else', tag: 'Agent', auth: 'agent' },
  { method: 'post', path: '/api/v1/agent/conversations/{id}/messages', summary: 'Reply (owner only) with text, buttons and cards; internal:true makes a note the user never sees', tag: 'Agent', auth: 'agent', body: P.AgentMessageBody, response: P.MessageResponse, status: 201 },
  { method: 'post', path: '/api/v1/agent/conversations/{id}/typing', summary: 'Typing indicator to the user', tag: 'Agent', auth: 'agent', body: z.object({ on: z.boolean() }), response: Ok },
  { method: 'post', path: '/api/v1/agent/conversations/{id}/transfer', summary: 'Transfer to an agent or back to the queue of a skill', tag: 'Agent', auth: 'agent', body: P.TransferBody, response: Ok },
  { method: 'post', path: '/api/v1/agent/conversations/{id}/handback', summary: 'Hand the user back to the bot, optionally at a dialog with variables set', tag: 'Agent', auth: 'agent', body: P.HandbackBody, response: Ok },
  { method: 'post', path: '/api/v1/agent/conversations/{id}/close', summary: 'Close; a later user message reopens it with the bot', tag: 'Agent', auth: 'agent', response: Ok },
  { method: 'get', path: '/api/v1/agent/canned-responses', summary: 'Canned responses', tag: 'Agent', auth: 'agent' },
  { method: 'post', path: '/api/v1/canned-responses', summary: 'Create a canned response', tag: 'Admin', auth: 'admin', status: 201 },
  { method: 'put', path: '/api/v1/canned-responses/{id}', summary: 'Replace a canned response', tag: 'Admin', auth: 'admin' },
  { method: 'delete', path: '/api/v1/canned-responses/{id}', summary: 'Delete a canned response', tag: 'Admin', auth: 'admin', response: Ok },
  { method: 'post', path: '/api/v1/providers/genesys-cloud/{providerId}/webhook', summary: 'Genesys Cloud Open Messaging outbound notifications (agent Text messages, Typing events; receipts and bot-flow messages acknowledged), signed with X-Hub-Signature-256 (sha256= + base64 HMAC-SHA256 of the raw body); a repeated message id is applied once; a message for a user who has left gets 200 and a Failed receipt', tag: 'Providers', auth: 'signature' },
  { method: 'post', path: '/api/v1/providers/help-scout/{providerId}/webhook', summary: 'Help Scout webhooks (convo.assigned, convo.agent.reply.created, convo.status, convo.deleted, convo.merged), signed with X-HelpScout-Signature (base64 HMAC-SHA1 of the raw body); other events are acknowledged with 200', tag: 'Providers', auth: 'signature' },
  { method: 'get', path: '/api/v1/agent/colleagues', summary: 'Colleagues with status and load, for transfers (no e-mail addresses)', tag: 'Agent', auth: 'agent', response: z.object({ agents: z.array(P.Colleague) }) },
  { method: 'get', path: '/api/v1/supervisor/overview', summary: 'Queue, live chats and agent load', tag: 'Supervisor', auth: 'admin' },
  { method: 'get', path: '/api/v1/analytics', summary: 'Handovers per trigger/reason/skill/language/provider, wait p50/p90, abandonment, handling time', tag: 'Supervisor', auth: 'admin' },
  { method: 'get', path: '/api/v1/agents', summary: 'List agents', tag: 'Admin', auth: 'admin', response: z.object({ agents: z.array(P.Agent) }) },
  { method: 'post', path: '/api/v1/agents', summary: 'Create an agent', tag: 'Admin', auth: 'admin', body: P.CreateAgentBody, response: z.object({ agent: P.Agent }), status: 201 },
  { method: 'get', path: '/api/v1/agents/{id}', summary: 'One agent', tag: 'Admin', auth: 'admin', response: z.object({ agent: P.Agent }) },
  { method: 'patch', path: '/api/v1/agents/{id}', summary: 'Change an agent (a new password ends its sessions)', tag: 'Admin', auth: 'admin', body: P.UpdateAgentBody, response: z.object({ agent: P.Agent }) },
  { method: 'delete', path: '/api/v1/agents/{id}', summary: 'Remove an agent (its live chats return to the queue; the last admin cannot be removed)', tag: 'Admin', auth: 'admin', response: Ok },
  { method: 'get', path: '/api/v1/providers/deliveries', summary: 'Webhook delivery log (status pending|delivered|dead, attempts, last error)', tag: 'Admin', auth: 'admin' },
  { method: 'post', path: '/api/v1/providers/deliveries/{id}/redeliver', summary: 'Send a delivery again (same X-Baton-Delivery id)', tag: 'Admin', auth: 'admin', response: Ok },
  { method: 'post', path: '/api/v1/providers/webhook/{providerId}/events', summary: 'Offloading Webhook callbacks (agent.accepted, agent.message, agent.typing, conversation.handback, conversation.closed, handover.refused), signed with X-Baton-Signature; a repeated event id is acknowledged and not applied twice', tag: 'Providers', auth: 'signature' },
  { method: 'get', path: '/api/v1/channels', summary: 'Channel webhooks (secrets masked)', tag: 'Admin', auth: 'admin' },
  { method: 'post', path: '/api/v1/channels', summary: 'Add a channel webhook {id, name, url, secret, botId?, enabled}', tag: 'Admin', auth: 'admin', status: 201 },
  { method: 'get', path: '/api/v1/channels/{id}', summary: 'One channel', tag: 'Admin', auth: 'admin' },
  { method: 'patch', path: '/api/v1/channels/{id}', summary: 'Change a channel (the secret mask keeps the stored secret)', tag: 'Admin', auth: 'admin' },
  { method: 'delete', path: '/api/v1/channels/{id}', summary: 'Remove a channel', tag: 'Admin', auth: 'admin', response: Ok },
  { method: 'post', path: '/api/v1/channels/{id}/events', summary: 'Inbound user message from a channel {id, type:"message", user:{id,name?,email?}, text?|postback?, locale?}, signed with X-Baton-Signature. Outbound bot/agent messages are POSTed to the channel URL as {type:"message.created", conversationId, user, message, fallbackText}', tag: 'Channels', auth: 'signature', status: 201 },
  { method: 'get', path: '/api/v1/settings/offloading', summary: 'Offloading settings (secrets masked); the output is valid PUT input', tag: 'Admin', auth: 'admin', response: P.OffloadingSettings },
  { method: 'put', path: '/api/v1/settings/offloading', summary: 'Replace the offloading settings (validated; a masked secret keeps the stored one)', tag: 'Admin', auth: 'admin', body: P.OffloadingSettings, response: P.OffloadingSettings },
  { method: 'get', path: '/api/v1/bots', summary: 'List bots', tag: 'Admin', auth: 'admin', response: z.object({ bots: z.array(P.BotInfo) }) },
  { method: 'get', path: '/api/v1/bots/{id}', summary: 'A bot with its source', tag: 'Admin', auth: 'admin' },
  { method: 'put', path: '/api/v1/bots/{id}', summary: 'Create or replace a bot (YAML or JSON body); 422 BOT_INVALID lists each problem with its path', tag: 'Admin', auth: 'admin', bodyMedia: ['application/yaml', 'application/json', 'text/plain'] },
  { method: 'post', path: '/api/v1/bots/validate', summary: 'Validate a bot definition without saving it', tag: 'Admin', auth: 'admin', bodyMedia: ['application/yaml', 'application/json', 'text/plain'], response: Ok },
  { method: 'get', path: '/api/v1/bots/{id}/dialogs', summary: 'Dialog names of a bot (hand-back targets)', tag: 'Admin', auth: 'agent', response: z.object({ dialogs: z.array(z.string()) }) },
  { method: 'get', path: '/api/v1/openapi.json', summary: 'This OpenAPI document', tag: 'Meta', auth: 'none' },
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


// A contract-faithful stand-in for the parts of Genesys Cloud that Baton uses (tests and
// `npm run sim:genesys`): the OAuth client-credentials login, the Open Messaging inbound API, the
// messaging conversation read and disconnect, and the signed outbound webhook with Genesys's retry policy. The
// agent is played in-process (agentJoins/agentSays/agentEnds…), never through Baton's own code.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './shared.js';
import { genesysSignature } from '../../apps/server/src/providers/genesys-cloud/signature.js';

export interface GenesysSimulatorOptions {
  port?: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  integrationId: string;
  integrationName?: string;
  webhookUrl: string;
  webhookSecret: string;
  /** lifetime of issued tokens (Genesys: 86400 by default) */
  tokenTtlSeconds?: number;
  /** pause between webhook retries (Genesys: about 5 s) */
  retryDelayMs?: number;
  /** Genesys gives the webhook 10 s to answer */
  webhookTimeoutMs?: number;
}

export interface SimParticipant {
  id: string;
  name?: string;
  purpose: 'customer' | 'acd' | 'agent';
  state: 'alerting' | 'connected' | 'disconnected';
  startTime: string;
  connectedTime?: string;
  endTime?: string;
  disconnectType?: string;
  user?: { id: string; name?: string; selfUri: string };
  queue?: { id: string; selfUri: string };
}

export interface SimInboundMessage {
  id: string;
  conversationId: string;
  messageId: string;
  time: string;
  text?: string;
  from: Record<string, unknown>;
  customAttributes?: Record<string, string>;
}

export interface SimOutboundMessage {
  id: string;
  conversationId: string;
  type: 'Text' | 'Event';
  text?: string;
  /** set by a receipt Baton posts for this message */
  receipt?: { status: string; reasons?: unknown };
  webhook: { status: number; attempts: number };
}

export interface SimConversation {
  id: string;
  customerId: string;
  participants: SimParticipant[];
  /** participant data: customAttributes merged over the conversation's messages */
  attributes: Record<string, string>;
  inbound: SimInboundMessage[];
  outbound: SimOutboundMessage[];
}

export interface SimState {
  conversations: SimConversation[];
  tokensIssued: number;
  /** API calls refused for a missing, wrong or expired token */
  unauthorized: number;
  /** every inbound call to the message endpoint, duplicates and failures included */
  inboundCalls: number;
  /** duplicates (same messageId and time) acknowledged without a new message */
  duplicates: number;
  /** failures injected by failNext */
  injectedFailures: number;
  /** conversations disconnected through PATCH /api/v2/conversations/messages/{id} */
  disconnectedByApi: number;
}

const API = '/api/v2/conversations/messages/';

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

function genesysError(status: number, code: string, message: string) {
  // the shape of Genesys Platform API errors
  return { message, code, status, messageParams: {}, contextId: randomUUID(), details: [], errors: [] };
}

export async function startGenesysSimulator(opts: GenesysSimulatorOptions) {
  const ttl = opts.tokenTtlSeconds ?? 86_400;
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const seen = new Map<string, unknown>(); // messageId|time → the first answer
  const outboundIndex = new Map<string, SimOutboundMessage>();
  const sentBodies = new Map<string, string>(); // outbound id → exact bytes (for redelivery)
  const state: SimState = { conversations: [], tokensIssued: 0, unauthorized: 0, inboundCalls: 0, duplicates: 0, injectedFailures: 0, disconnectedByApi: 0 };
  let failures: { left: number; status: number; method?: string; path?: string } = { left: 0, status: 503 };
  let tokenTtl = ttl;

  const now = () => new Date().toISOString();
  const current = (customerId: string) => [...state.conversations].reverse().find((c) => c.customerId === customerId);
  const active = (c: SimConversation | undefined) => (c && c.participants.some((p) => p.purpose === 'customer' && p.state !== 'disconnected') ? c : undefined);

  function newConversation(customerId: string, nickname: string | undefined): SimConversation {
    const t = now();
    const c: SimConversation = {
      id: randomUUID(),
      customerId,
      participants: [
        { id: randomUUID(), name: nickname, purpose: 'customer', state: 'connected', startTime: t, connectedTime: t },
        // the Architect inbound message flow put it in a queue: an acd leg until an agent answers
        { id: randomUUID(), name: 'Support', purpose: 'acd', state: 'connected', startTime: t, connectedTime: t, queue: { id: 'queue-1', selfUri: '/api/v2/routing/queues/queue-1' } },
      ],
      attributes: {},
      inbound: [],
      outbound: [],
    };
    state.conversations.push(c);
    return c;
  }

  function send(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  function login(req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
    if (auth !== expected) return send(res, 401, { error: 'invalid_client', description: 'client not found', error_description: 'client not found' });
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return send(res, 400, { error: 'invalid_request', description: 'content type must be application/x-www-form-urlencoded' });
    }
    if (new URLSearchParams(raw).get('grant_type') !== 'client_credentials') {
      return send(res, 400, { error: 'unsupported_grant_type', description: 'grant type is not supported', error_description: 'grant type is not supported' });
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + tokenTtl * 1000);
    state.tokensIssued++;
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: tokenTtl });
  }

  function authorized(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m) {
      state.unauthorized++;
      send(res, 401, genesysError(401, 'authentication.required', 'No authentication bearer token specified in authorization header.'));
      return false;
    }
    const exp = tokens.get(m[1]!);
    if (!exp || exp < Date.now()) {
      state.unauthorized++;
      send(res, 401, genesysError(401, 'bad.credentials', 'Invalid login credentials.'));
      return false;
    }
    return true;
  }

  const view = (c: SimConversation) => ({ id: c.id, participants: c.participants, selfUri: `${API}${c.id}` });

  function disconnectAll(c: SimConversation, agentDisconnectType: string) {
    const t = now();
    for (const p of c.participants) {
      if (p.state !== 'disconnected') Object.assign(p, { state: 'disconnected', endTime: t, disconnectType: p.purpose === 'agent' ? agentDisconnectType : 'peer' });
    }
  }

  function inboundMessage(integrationId: string, raw: string, res: http.ServerResponse, prefetch: boolean) {
    state.inboundCalls++;
    if (integrationId !== opts.integrationId) return send(res, 404, genesysError(404, 'not.found', `Integration ${integrationId} not found`));
    const bad = (message: string) => send(res, 400, genesysError(400, 'bad.request', message));
    const body = obj(parseJson(raw));
    if (!body) return bad('The request could not be understood by the server due to malformed syntax.');
    const ch = obj(body.channel);
    if (!ch) return bad("should have required property 'channel'");
    const from = obj(ch.from);
    if (!from || typeof from.id !== 'string' || !from.id) return bad("channel.from should have required property 'id'");
    if (body.type !== 'Text') return bad('type should be equal to one of the allowed values: Text');
    if (typeof body.text !== 'string' && !Array.isArray(body.content)) return bad("should have required property '.text' or 'content'");
    // custom attributes belong in channel.metadata; a top-level metadata object is refused
    if ('metadata' in body) return bad('The request could not be understood by the server due to malformed syntax.');
    const attrs = obj(ch.metadata)?.customAttributes;
    if (attrs !== undefined && (!obj(attrs) || Object.values(attrs as object).some((v) => typeof v !== 'string'))) {
      return bad('channel.metadata.customAttributes values must be strings');
    }
    const messageId = typeof ch.messageId === 'string' ? ch.messageId : randomUUID();
    const time = typeof ch.time === 'string' ? ch.time : now();
    const key = `${messageId}|${time}`;
    if (seen.has(key)) {
      // a message is unique by (messageId, time): a repeat is acknowledged, not shown twice
      state.duplicates++;
      return send(res, 200, seen.get(key));
    }
    const customer = from.id;
    const conv = active(current(customer)) ?? newConversation(customer, typeof from.nickname === 'string' ? from.nickname : undefined);
    const customAttributes = attrs as Record<string, string> | undefined;
    Object.assign(conv.attributes, customAttributes ?? {});
    const id = randomBytes(16).toString('hex');
    const text = typeof body.text === 'string' ? body.text : undefined;
    conv.inbound.push({ id, conversationId: conv.id, messageId, time, text, from, customAttributes });
    const answer = {
      id,
      channel: { ...ch, id: opts.integrationId, platform: 'Open', type: 'Private' },
      type: 'Text',
      text,
      direction: 'Inbound',
      // Genesys fills conversationId only when asked to (?prefetchConversationId=true)
      ...(prefetch ? { conversationId: conv.id } : {}),
    };
    seen.set(key, answer);
    send(res, 200, answer);
  }

  function inboundReceipt(integrationId: string, raw: string, res: http.ServerResponse) {
    if (integrationId !== opts.integrationId) return send(res, 404, genesysError(404, 'not.found', `Integration ${integrationId} not found`));
    const body = obj(parseJson(raw));
    const to = obj(obj(body?.channel)?.to);
    if (!body || typeof body.id !== 'string' || !['Delivered', 'Failed', 'Read'].includes(String(body.status)) || !to?.id) {
      return send(res, 400, genesysError(400, 'bad.request', "a receipt needs 'id', 'status' (Delivered|Failed|Read) and channel.to.id"));
    }
    const m = outboundIndex.get(body.id);
    if (!m) return send(res, 404, genesysError(404, 'not.found', `Message ${body.id} not found`));
    m.receipt = { status: String(body.status), reasons: body.reasons };
    send(res, 202, { id: body.id, status: body.status });
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      const raw = await readBody(req);
      if (req.method === 'POST' && url.pathname === '/oauth/token') return login(req, raw, res);
      if (!url.pathname.startsWith('/api/v2/')) return send(res, 404, genesysError(404, 'not.found', 'No such resource'));
      if (!authorized(req, res)) return;
      const matches = (!failures.method || failures.method === req.method) && (!failures.path || url.pathname.includes(failures.path));
      if (failures.left > 0 && matches) {
        failures.left--;
        state.injectedFailures++;
        return send(res, failures.status, genesysError(failures.status, failures.status === 429 ? 'too.many.requests' : 'service.unavailable', 'Simulated outage'));
      }
      const inbound = /^\/api\/v2\/conversations\/messages\/([^/]+)\/inbound\/open\/(message|receipt)$/.exec(url.pathname);
      if (req.method === 'POST' && inbound) {
        const integrationId = decodeURIComponent(inbound[1]!);
        const prefetch = url.searchParams.get('prefetchConversationId') === 'true';
        return inbound[2] === 'message' ? inboundMessage(integrationId, raw, res, prefetch) : inboundReceipt(integrationId, raw, res);
      }
      const one = /^\/api\/v2\/conversations\/messages\/([^/]+)$/.exec(url.pathname);
      const c = one ? state.conversations.find((x) => x.id === decodeURIComponent(one[1]!)) : undefined;
      if (one && (req.method === 'GET' || req.method === 'PATCH') && !c) return send(res, 404, genesysError(404, 'not.found', 'The requested conversation was not found.'));
      if (c && req.method === 'GET') return send(res, 200, view(c));
      if (c && req.method === 'PATCH') {
        // "Update a conversation by disconnecting all of the participants": only state=disconnected
        if (obj(parseJson(raw))?.state !== 'disconnected') return send(res, 400, genesysError(400, 'bad.request', 'Only state "disconnected" may be set'));
        disconnectAll(c, 'client');
        state.disconnectedByApi++;
        return send(res, 200, view(c));
      }
      send(res, 404, genesysError(404, 'not.found', 'No such resource'));
    })().catch((err) => send(res, 500, genesysError(500, 'internal.server.error', String(err))));
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  /** POSTs exactly these bytes, signed, retrying like Genesys: up to 5 retries on 429, 5xx or timeout. */
  async function post(raw: string): Promise<{ status: number; attempts: number }> {
    let status = 0;
    for (let attempt = 1; attempt <= 6; attempt++) {
      try {
        const r = await fetch(opts.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': genesysSignature(opts.webhookSecret, raw) },
          body: raw,
          signal: AbortSignal.timeout(opts.webhookTimeoutMs ?? 10_000),
        });
        await r.arrayBuffer();
        status = r.status;
      } catch {
        status = 0; // timeout or connection refused
      }
      if (status !== 0 && status !== 429 && status < 500) return { status, attempts: attempt };
      if (attempt < 6) await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 5000));
    }
    return { status, attempts: 6 };
  }

  function requireConversation(customerId: string): SimConversation {
    const c = active(current(customerId));
    if (!c) throw new Error(`no active Genesys conversation for customer ${customerId}`);
    return c;
  }

  function agentJoins(customerId: string, agent: { id: string; name: string } = { id: 'agent-1', name: 'Alex' }): SimConversation {
    const c = requireConversation(customerId);
    const t = now();
    for (const p of c.participants) {
      if ((p.purpose === 'acd' || p.purpose === 'agent') && p.state !== 'disconnected') Object.assign(p, { state: 'disconnected', endTime: t, disconnectType: 'transfer' });
    }
    c.participants.push({ id: randomUUID(), name: agent.name, purpose: 'agent', state: 'connected', startTime: t, connectedTime: t, user: { id: agent.id, name: agent.name, selfUri: `/api/v2/users/${agent.id}` } });
    return c;
  }

  function outbound(c: SimConversation, fields: Record<string, unknown>, withConversationId: boolean): { id: string; raw: string } {
    const id = randomBytes(16).toString('hex');
    const payload = {
      id,
      channel: {
        id: opts.integrationId,
        platform: 'Open',
        type: 'Private',
        to: { id: c.customerId, idType: 'Opaque' },
        from: { nickname: opts.integrationName ?? 'Baton', id: opts.integrationId, idType: 'Opaque' },
        time: now(),
        messageId: id,
      },
      ...fields,
      direction: 'Outbound',
      ...(withConversationId ? { conversationId: c.id } : {}),
    };
    const raw = JSON.stringify(payload);
    sentBodies.set(id, raw);
    return { id, raw };
  }

  const sim = {
    url,
    loginUrl: url,
    apiUrl: url,
    state,
    /** the provider settings that point Baton at this simulator */
    providerConfig: () => ({ baseUrl: url, loginUrl: url, clientId: opts.clientId, clientSecret: opts.clientSecret, integrationId: opts.integrationId, webhookSecret: opts.webhookSecret }),
    conversation: (customerId: string) => current(customerId),
    /** what the agent has seen from this customer, oldest first, across conversations */
    inbox: (customerId: string) => state.conversations.filter((c) => c.customerId === customerId).flatMap((c) => c.inbound),
    agentJoins,
    /** the agent answers (joining first if nobody has); resolves when the webhook answered or gave up */
    async agentSays(customerId: string, text: string, agent?: { id: string; name: string }) {
      let c = requireConversation(customerId);
      if (!c.participants.some((p) => p.purpose === 'agent' && p.state === 'connected')) c = agentJoins(customerId, agent);
      const { id, raw } = outbound(c, { type: 'Text', text, originatingEntity: 'Human' }, true);
      const m: SimOutboundMessage = { id, conversationId: c.id, type: 'Text', text, webhook: { status: 0, attempts: 0 } };
      c.outbound.push(m);
      outboundIndex.set(id, m);
      m.webhook = await post(raw);
      return m;
    },
    /** a typing notification, shaped like Genesys's (no conversationId on events) */
    async agentTyping(customerId: string) {
      const c = requireConversation(customerId);
      const { id, raw } = outbound(c, { type: 'Event', events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }] }, false);
      const m: SimOutboundMessage = { id, conversationId: c.id, type: 'Event', webhook: { status: 0, attempts: 0 } };
      c.outbound.push(m);
      m.webhook = await post(raw);
      return m;
    },
    /** Genesys sends the same notification again now and then: the same bytes, the same id */
    async redeliver(messageId: string) {
      const raw = sentBodies.get(messageId);
      if (!raw) throw new Error(`no outbound message ${messageId}`);
      return post(raw);
    },
    /** the agent clicks End: agent and customer legs disconnected; no webhook event is sent */
    agentEnds(customerId: string) {
      const c = requireConversation(customerId);
      disconnectAll(c, 'client');
      return c;
    },
    /** the next n API calls (not logins) fail with this status; optionally only calls with this method and path part */
    failNext(n: number, status = 503, only: { method?: string; path?: string } = {}) {
      failures = { left: n, status, ...only };
    },
    /** invalidates every issued token (Genesys may revoke tokens early) */
    revokeTokens() {
      tokens.clear();
    },
    setTokenTtl(seconds: number) {
      tokenTtl = seconds;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return sim;
}

export type GenesysSimulator = Awaited<ReturnType<typeof startGenesysSimulator>>;

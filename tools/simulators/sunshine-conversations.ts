// A contract-faithful stand-in for Sunshine Conversations (Zendesk messaging, API v2 + Switchboard)
// for tests and local demos: Basic auth with an app API key, the Post Message endpoint validated as
// the OpenAPI spec 17.x documents it (text ≤ 4096, postback/reply/link actions, carousel and list
// items 1–10 with 1–3 actions and titles ≤ 128, flat metadata ≤ 4 KB, JSON ≤ 100 KB), the four
// switchboard actions with their state rules (offer cannot target the active integration, accept needs
// a pending one), and v2 webhooks `{ app, webhook, events }` with X-API-Key, retried up to 5 times
// except on 400/401/403/404/406. Test helpers play the end user and the Zendesk agent, and inject
// outages.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSender } from './shared.js';

export interface SimSwitchboardIntegration {
  id: string;
  name: string;
  integrationId?: string;
  integrationType: string;
  nextSwitchboardIntegrationId?: string;
}

export interface SimMessage {
  id: string;
  received: string;
  author: { type: 'user' | 'business'; userId?: string; displayName?: string; subtypes?: string[] };
  content: Record<string, unknown>;
  source: { type: string; integrationId?: string };
  metadata?: Record<string, unknown>;
}

export interface SimConversation {
  id: string;
  type: 'personal';
  userId: string;
  userName: string;
  locale?: string;
  messages: SimMessage[];
  active: SimSwitchboardIntegration | null;
  pending: SimSwitchboardIntegration | null;
  /** every switchboard action called through the API, with its body */
  actions: Array<{ action: string; switchboardIntegration?: string; metadata?: Record<string, unknown> }>;
}

export interface WebhookDelivery {
  body: string;
  events: Array<{ id: string; type: string }>;
  statuses: number[];
  delivered: boolean;
}

export interface SunshineSimulatorOptions {
  port?: number;
  host?: string;
  appId: string;
  keyId: string;
  secret: string;
  webhookUrl?: string;
  webhookSecret?: string;
  /** attempts per webhook call (Sunshine: up to 5 in 15 minutes; tests want them quick) */
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
}

const MAX_JSON_BYTES = 100 * 1024;
const MAX_TEXT = 4096;
const MAX_METADATA_BYTES = 4096;
const NON_RECOVERABLE = [400, 401, 403, 404, 406];

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const hexId = () => randomBytes(12).toString('hex');
const bad = (title: string): never => {
  throw new HttpError(400, 'bad_request', title);
};

/** Flat object of strings, numbers and booleans, at most 4 KB (metadata everywhere in the API). */
function checkMetadata(v: unknown, where: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) bad(`${where} must be an object`);
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!['string', 'number', 'boolean'].includes(typeof x)) bad(`${where}.${k}: only strings, numbers and booleans are supported`);
  }
  if (Buffer.byteLength(JSON.stringify(v), 'utf8') > MAX_METADATA_BYTES) bad(`${where} is limited to 4KB`);
  return v as Record<string, unknown>;
}

function checkAction(a: unknown, where: string, allowed: string[]): void {
  if (!isObject(a) || typeof a.type !== 'string') return bad(`${where}.type is required`);
  if (!allowed.includes(a.type)) bad(`${where}.type must be one of ${allowed.join(', ')}`);
  if (typeof a.text !== 'string') bad(`${where}.text is required`);
  if ((a.type === 'postback' || a.type === 'reply') && typeof a.payload !== 'string') bad(`${where}.payload is required`);
  if ((a.type === 'link' || a.type === 'webview') && typeof a.uri !== 'string') bad(`${where}.uri is required`);
  if (a.type === 'webview' && typeof a.fallback !== 'string') bad(`${where}.fallback is required`);
  if (a.type === 'buy' && typeof a.amount !== 'number') bad(`${where}.amount is required`);
}

const ITEM_ACTIONS = ['buy', 'link', 'postback', 'webview'];
const TEXT_ACTIONS = ['buy', 'link', 'locationRequest', 'postback', 'reply', 'webview'];

function checkItems(items: unknown, where: string): void {
  if (!Array.isArray(items) || items.length < 1 || items.length > 10) bad(`${where} must hold 1 to 10 items`);
  (items as unknown[]).forEach((it, i) => {
    const w = `${where}[${i}]`;
    if (!isObject(it)) return bad(`${w} must be an object`);
    if (typeof it.title !== 'string' || it.title.length < 1 || it.title.length > 128) bad(`${w}.title must be 1 to 128 characters`);
    if (it.description !== undefined && (typeof it.description !== 'string' || it.description.length > 128)) bad(`${w}.description must be at most 128 characters`);
    if (it.mediaUrl !== undefined && (typeof it.mediaUrl !== 'string' || !/^https?:\/\//.test(it.mediaUrl) || it.mediaUrl.length > 2048)) bad(`${w}.mediaUrl must be a URI`);
    if (!Array.isArray(it.actions) || it.actions.length < 1 || it.actions.length > 3) bad(`${w}.actions must hold 1 to 3 actions`);
    (it.actions as unknown[]).forEach((a, j) => checkAction(a, `${w}.actions[${j}]`, ITEM_ACTIONS));
  });
}

/** messagePost as the spec documents it (the content types Baton may send, and image). */
function checkMessagePost(b: unknown): { author: SimMessage['author']; content: Record<string, unknown>; metadata?: Record<string, unknown> } {
  if (!isObject(b)) return bad('body must be an object');
  if (!isObject(b.author)) bad('author is required');
  const author = b.author as Record<string, unknown>;
  if (author.type !== 'business' && author.type !== 'user') bad('author.type must be business or user');
  if (author.type === 'user' && typeof author.userId !== 'string' && typeof author.userExternalId !== 'string') bad('author.userId or author.userExternalId is required for user messages');
  if (author.displayName !== undefined && typeof author.displayName !== 'string') bad('author.displayName must be a string');
  if (!isObject(b.content)) bad('content is required');
  const c = b.content as Record<string, unknown>;
  switch (c.type) {
    case 'text': {
      const hasText = typeof c.text === 'string' && c.text.length > 0;
      if (c.text !== undefined && typeof c.text !== 'string') bad('content.text must be a string');
      if (typeof c.text === 'string' && c.text.length > MAX_TEXT) bad(`content.text must be at most ${MAX_TEXT} characters`);
      if (c.actions !== undefined && !Array.isArray(c.actions)) bad('content.actions must be an array');
      const actions = (c.actions as unknown[] | undefined) ?? [];
      if (!hasText && !actions.length && c.htmlText === undefined && c.markdownText === undefined) bad('content.text is required unless actions, htmlText or markdownText is provided');
      actions.forEach((a, i) => checkAction(a, `content.actions[${i}]`, TEXT_ACTIONS));
      break;
    }
    case 'carousel':
      checkItems(c.items, 'content.items');
      break;
    case 'list':
      checkItems(c.items, 'content.items');
      if (c.actions !== undefined) {
        if (!Array.isArray(c.actions) || c.actions.length < 1 || c.actions.length > 10) bad('content.actions must hold 1 to 10 actions');
        (c.actions as unknown[]).forEach((a, i) => checkAction(a, `content.actions[${i}]`, ITEM_ACTIONS));
      }
      break;
    case 'image':
    case 'file':
      // both carry the media as a URL (https://developer.zendesk.com/documentation/conversations/messaging-platform/programmable-conversations/structured-messages)
      if (typeof c.mediaUrl !== 'string' || !/^https?:\/\//.test(c.mediaUrl)) bad('content.mediaUrl is required');
      break;
    default:
      bad('content.type must be one of text, carousel, file, form, formResponse, image, list, location, template');
  }
  return {
    author: { type: author.type as 'business' | 'user', ...(typeof author.displayName === 'string' ? { displayName: author.displayName } : {}), ...(typeof author.userId === 'string' ? { userId: author.userId } : {}) },
    content: c,
    metadata: checkMetadata(b.metadata, 'metadata'),
  };
}

export async function startSunshineSimulator(opts: SunshineSimulatorOptions) {
  let webhookUrl = opts.webhookUrl;
  let webhookSecret = opts.webhookSecret;
  const webhookId = hexId();
  const agentWorkspace: SimSwitchboardIntegration = { id: hexId(), name: 'zd-agentWorkspace', integrationType: 'zd:agentWorkspace' };
  const bot: SimSwitchboardIntegration = { id: hexId(), name: 'baton', integrationId: hexId(), integrationType: 'custom', nextSwitchboardIntegrationId: agentWorkspace.id };
  const integrations = [bot, agentWorkspace];
  const state = {
    conversations: new Map<string, SimConversation>(),
    requests: [] as Array<{ method: string; path: string; status: number; body?: unknown }>,
    webhooks: [] as WebhookDelivery[],
    failures: [] as Array<{ status: number; retryAfter: number }>,
    /** while true the API drops every connection, as a host that is down */
    down: false,
  };
  const now = () => new Date().toISOString();

  // ---- webhooks -------------------------------------------------------------------------------------

  const siView = (si: SimSwitchboardIntegration) => ({ id: si.id, name: si.name, ...(si.integrationId ? { integrationId: si.integrationId } : {}), integrationType: si.integrationType });
  const convView = (c: SimConversation) => ({ id: c.id, type: c.type, ...(c.active ? { activeSwitchboardIntegration: siView(c.active) } : {}), ...(c.pending ? { pendingSwitchboardIntegration: siView(c.pending) } : {}) });

  const webhooks = webhookSender<WebhookDelivery>({
    url: () => webhookUrl,
    headers: () => ({ 'X-API-Key': webhookSecret ?? '', 'User-Agent': 'Sunshine Conversations Webhooks' }),
    record: (d) => state.webhooks.push(d),
    attempts: opts.webhookAttempts ?? 5,
    retryDelayMs: opts.webhookRetryDelayMs ?? 50,
    timeoutMs: 20_000,
    gaveUp: (status) => NON_RECOVERABLE.includes(status),
  });

  function fire(type: string, payload: Record<string, unknown>): Promise<WebhookDelivery> {
    const events = [{ id: hexId(), type, createdAt: now(), payload }];
    // Sunshine calls webhooks after the API call has answered
    return webhooks.fire({ body: JSON.stringify({ app: { id: opts.appId }, webhook: { id: webhookId, version: 'v2' }, events }), events, statuses: [], delivered: false });
  }

  const messageEvent = (c: SimConversation, m: SimMessage) => fire('conversation:message', { conversation: convView(c), message: m });

  // ---- switchboard ----------------------------------------------------------------------------------

  /** by id, name or integrationType, in that order; `next`: the active one's next */
  function resolve(c: SimConversation, ref: unknown): SimSwitchboardIntegration {
    if (typeof ref !== 'string' || !ref) return bad('switchboardIntegration is required');
    if (ref === 'next') {
      const next = integrations.find((si) => si.id === c.active?.nextSwitchboardIntegrationId);
      return next ?? bad('There is no next switchboard integration');
    }
    const byType = integrations.filter((si) => si.integrationType === ref);
    if (byType.length > 1) bad(`Ambiguous switchboard integration ${ref}`);
    return integrations.find((si) => si.id === ref) ?? integrations.find((si) => si.name === ref) ?? byType[0] ?? bad(`Switchboard integration ${ref} not found`);
  }

  function switchboardAction(c: SimConversation, action: string, b: unknown): void {
    const body = b === undefined ? {} : b;
    if (!isObject(body)) bad('body must be an object');
    const o = body as Record<string, unknown>;
    const metadata = checkMetadata(o.metadata, 'metadata');
    const record = { action, ...(typeof o.switchboardIntegration === 'string' ? { switchboardIntegration: o.switchboardIntegration } : {}), ...(metadata ? { metadata } : {}) };
    if (action === 'passControl') {
      c.active = resolve(c, o.switchboardIntegration);
      c.pending = null;
      c.actions.push(record);
      void fire('switchboard:passControl', { conversation: convView(c), ...(metadata ? { metadata } : {}) });
    } else if (action === 'offerControl') {
      const target = resolve(c, o.switchboardIntegration);
      if (target.id === c.active?.id) throw new HttpError(400, 'switchboard_invalid_target', 'Cannot offer control to the active switchboard integration.');
      c.pending = target; // invalidates an earlier offer
      c.actions.push(record);
      void fire('switchboard:offerControl', { conversation: convView(c), ...(metadata ? { metadata } : {}) });
    } else if (action === 'acceptControl') {
      if (!c.pending) throw new HttpError(400, 'switchboard_invalid_action', 'There is no pendingSwitchboardIntegration');
      c.active = c.pending;
      c.pending = null;
      c.actions.push(record);
      void fire('switchboard:acceptControl', { conversation: convView(c), ...(metadata ? { metadata } : {}) });
    } else {
      c.active = null;
      c.pending = null;
      c.actions.push(record);
      void fire('switchboard:releaseControl', { conversation: convView(c), ...(metadata ? { metadata } : {}) });
    }
  }

  // ---- HTTP -----------------------------------------------------------------------------------------

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_JSON_BYTES) throw new HttpError(413, 'payload_too_large', 'Request entity too large (JSON is limited to 100kb)');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function authorized(req: http.IncomingMessage): boolean {
    const m = /^Basic\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) return false;
    const [id, ...rest] = Buffer.from(m[1]!, 'base64').toString('utf8').split(':');
    return id === opts.keyId && rest.join(':') === opts.secret;
  }

  type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

  async function route(req: http.IncomingMessage, u: URL): Promise<Answer> {
    const method = req.method ?? 'GET';
    const outage = state.failures.shift();
    if (outage) {
      await readBody(req).catch(() => '');
      return { status: outage.status, body: { errors: [{ code: outage.status === 429 ? 'too_many_requests' : 'service_unavailable', title: 'Try again later' }] }, headers: outage.status === 429 ? { 'Retry-After': String(outage.retryAfter) } : {} };
    }
    if (!authorized(req)) return { status: 401, body: { errors: [{ code: 'unauthorized', title: 'Authorization is required' }] } };
    const m = /^\/v2\/apps\/([^/]+)\/conversations\/([^/]+)\/(messages|passControl|offerControl|acceptControl|releaseControl)$/.exec(u.pathname);
    if (!m || method !== 'POST') throw new HttpError(404, 'not_found', 'Resource not found');
    if (decodeURIComponent(m[1]!) !== opts.appId) throw new HttpError(404, 'app_not_found', 'App not found');
    if (!String(req.headers['content-type'] ?? '').includes('application/json')) throw new HttpError(415, 'unsupported_media_type', 'content-type: application/json is required');
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      throw new HttpError(400, 'bad_request', 'Malformed JSON');
    }
    const c = state.conversations.get(decodeURIComponent(m[2]!));
    if (!c) throw new HttpError(404, 'conversation_not_found', 'Conversation not found');
    if (m[3] === 'messages') {
      const post = checkMessagePost(body);
      if (c.messages.length >= 30_000) throw new HttpError(423, 'locked', 'Message limit of 30000 per conversation reached.');
      const msg: SimMessage = { id: hexId(), received: now(), author: post.author, content: post.content, source: { type: 'api:conversations' }, ...(post.metadata ? { metadata: post.metadata } : {}) };
      c.messages.push(msg);
      void messageEvent(c, msg);
      return { status: 201, body: { messages: [msg] } };
    }
    if (m[3] !== 'releaseControl' && body === undefined) bad('body is required');
    switchboardAction(c, m[3]!, body);
    return { status: 200, body: {} };
  }

  const server = http.createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const u = new URL(req.url ?? '/', 'http://localhost');
    const send = (a: Answer, body?: unknown) => {
      state.requests.push({ method: req.method ?? 'GET', path: u.pathname, status: a.status, body });
      res.writeHead(a.status, { ...a.headers, ...(a.body !== undefined ? { 'Content-Type': 'application/json' } : {}) });
      res.end(a.body === undefined ? undefined : JSON.stringify(a.body));
    };
    route(req, u).then(
      (a) => send(a),
      (err: unknown) => {
        if (err instanceof HttpError) send({ status: err.status, body: { errors: [{ code: err.code, title: err.message }] } });
        else send({ status: 500, body: { errors: [{ code: 'internal_error', title: (err as Error).message }] } });
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  const must = (id: string) => {
    const c = state.conversations.get(id);
    if (!c) throw new Error(`no Sunshine conversation ${id}`);
    return c;
  };

  function businessMessage(c: SimConversation, content: Record<string, unknown>, displayName: string, subtypes: string[]): SimMessage {
    const msg: SimMessage = { id: hexId(), received: now(), author: { type: 'business', displayName, subtypes }, content, source: { type: 'zd:agentWorkspace' } };
    c.messages.push(msg);
    return msg;
  }

  return {
    url,
    state,
    integrations: { bot, agentWorkspace },
    conversation: (id: string) => state.conversations.get(id),
    /** a new end user opens the messenger: a personal conversation with the bot (the default integration) in control */
    newConversation(user: { name?: string; locale?: string } = {}): SimConversation {
      const c: SimConversation = { id: hexId(), type: 'personal', userId: hexId(), userName: user.name ?? 'Messaging user', locale: user.locale, messages: [], active: bot, pending: null, actions: [] };
      state.conversations.set(c.id, c);
      return c;
    },
    /** the end user writes (conversation:message from a user) */
    userSays(id: string, text: string, extra: Record<string, unknown> = {}) {
      const c = must(id);
      const msg: SimMessage = { id: hexId(), received: now(), author: { type: 'user', userId: c.userId, displayName: c.userName }, content: { type: 'text', text, ...extra }, source: { type: 'web', integrationId: hexId() } };
      c.messages.push(msg);
      const author = { ...msg.author, user: { id: c.userId, ...(c.locale ? { profile: { locale: c.locale } } : {}) } };
      return { message: msg, delivery: fire('conversation:message', { conversation: convView(c), message: { ...msg, author } }) };
    },
    /** the end user taps a postback button (conversation:postback) */
    userPostback(id: string, payload: string) {
      const c = must(id);
      return fire('conversation:postback', { conversation: convView(c), postback: { payload }, user: { id: c.userId }, source: { type: 'web' } });
    },
    /** the Zendesk agent takes the offered conversation (acceptControl by the pending integration) */
    acceptControl(id: string) {
      const c = must(id);
      if (!c.pending) throw new Error('nothing was offered');
      c.active = c.pending;
      c.pending = null;
      return fire('switchboard:acceptControl', { conversation: convView(c) });
    },
    /** a Zendesk agent writes in the Agent Workspace (a business message with the agent subtype) */
    agentSays(id: string, text: string, name = 'Alex Agent', content?: Record<string, unknown>) {
      const c = must(id);
      const msg = businessMessage(c, content ?? { type: 'text', text }, name, ['agent']);
      return { message: msg, delivery: messageEvent(c, msg) };
    },
    /** the agent types (conversation:typing from the business side) */
    agentTyping(id: string, on = true, name = 'Alex Agent') {
      const c = must(id);
      return fire('conversation:typing', { conversation: convView(c), activity: { type: on ? 'typing:start' : 'typing:stop', author: { type: 'business', displayName: name } } });
    },
    /** the agent solves the ticket: Zendesk passes control back to the bot with reason ticketClosed */
    closeTicket(id: string) {
      const c = must(id);
      c.active = bot;
      c.pending = null;
      businessMessage(c, { type: 'text', text: 'Ticket closed' }, 'Zendesk', ['activity']);
      return fire('switchboard:passControl', { conversation: convView(c), reason: 'ticketClosed' });
    },
    /** control is released: no active integration until the next activity picks the default (the bot) */
    releaseControl(id: string) {
      const c = must(id);
      c.active = null;
      c.pending = null;
      return fire('switchboard:releaseControl', { conversation: convView(c) });
    },
    /** the next `n` API calls answer `status`; 429s carry Retry-After */
    failNext(n: number, status: number, retryAfterSeconds = 1) {
      for (let i = 0; i < n; i++) state.failures.push({ status, retryAfter: retryAfterSeconds });
    },
    setDown(down: boolean) {
      state.down = down;
    },
    setWebhook(nextUrl: string, secret: string) {
      webhookUrl = nextUrl;
      webhookSecret = secret;
    },
    /** sends a recorded webhook call again, byte for byte (Sunshine retries with the same event ids) */
    redeliver: webhooks.redeliver,
    settled: webhooks.settled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type SunshineSimulator = Awaited<ReturnType<typeof startSunshineSimulator>>;

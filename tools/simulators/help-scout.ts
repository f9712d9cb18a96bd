// A contract-faithful stand-in for Help Scout (Mailbox API 2.0 + webhooks) for tests and local demos:
// OAuth client credentials, Bearer-only /v2, conversation creation validated as documented (400 with a
// Help Scout error body, 412 beyond 100 threads, 201 + Resource-ID/Location), thread endpoints, JSON
// Patch status changes, reads with embedded threads, and webhooks signed exactly over the bytes sent
// (base64 HMAC-SHA1) and retried on non-2xx. Test helpers play the agent and inject outages.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSender } from './shared.js';

export interface SimUser {
  id: number;
  first: string;
  last: string;
  email: string;
}

export interface SimCustomer {
  id: number;
  email: string;
  first: string | null;
  last: string | null;
}

export interface SimThread {
  id: number;
  type: 'chat' | 'customer' | 'reply' | 'note' | 'phone';
  status: 'active';
  state: 'published';
  body: string;
  source: { type: 'api'; via: 'customer' | 'user' };
  customer: { id: number; email: string } | null;
  createdBy: { id: number; type: 'customer' | 'user'; first: string | null; last: string | null; email: string };
  createdAt: string;
}

export interface SimConversation {
  id: number;
  number: number;
  type: 'chat' | 'email' | 'phone';
  status: 'active' | 'pending' | 'closed' | 'spam';
  subject: string;
  mailboxId: number;
  assignee: SimUser | null;
  customerId: number;
  tags: string[];
  customFields: Array<{ id: number; value: string }>;
  createdAt: string;
  closedAt: string | null;
  closedByUser: SimUser | null;
  /** oldest first here; the API and webhooks list them newest first, as Help Scout does */
  threads: SimThread[];
}

export interface WebhookDelivery {
  event: string;
  body: string;
  signature: string;
  statuses: number[];
  delivered: boolean;
}

export interface HelpScoutSimulatorOptions {
  port?: number;
  host?: string;
  clientId: string;
  clientSecret: string;
  mailboxIds: number[];
  users?: SimUser[];
  webhookUrl?: string;
  /** the webhook's secret key (Help Scout allows at most 40 characters) */
  webhookSecret?: string;
  /** expires_in of issued tokens; Help Scout's are 172800 s (48 h) */
  tokenTtlSeconds?: number;
  /** attempts per webhook before giving up (Help Scout retries for hours; tests want seconds) */
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
}

const CONVERSATION_TYPES = ['chat', 'email', 'phone'];
const CREATE_STATUSES = ['active', 'pending', 'closed'];
const ALL_STATUSES = ['active', 'pending', 'closed', 'spam'];
const CREATE_THREAD_TYPES = ['chat', 'customer', 'reply', 'note', 'phone'];
const MAX_THREADS = 100;
const MAX_BODY_BYTES = 512 * 1024;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const DEFAULT_USERS: SimUser[] = [
  { id: 501, first: 'Alex', last: 'Agent', email: 'alex@support.example' },
  { id: 502, first: 'Sam', last: 'Support', email: 'sam@support.example' },
];

type ErrorItem = { path: string; message: string; rejectedValue?: unknown };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: ErrorItem[] = [],
  ) {
    super(message);
  }
}

/** Help Scout's error body (Mailbox API 2.0 "Errors" page): logRef, message, _embedded.errors[]. */
function errorBody(message: string, errors: ErrorItem[]) {
  return {
    logRef: randomUUID(),
    message,
    _embedded: {
      errors: errors.map((e) => ({ ...e, source: 'JSON', _links: { about: { href: 'http://developer.helpscout.net/mailbox-api/overview/errors' } } })),
    },
    _links: { about: { href: 'http://developer.helpscout.net/mailbox-api/overview/errors' } },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

export async function startHelpScoutSimulator(opts: HelpScoutSimulatorOptions) {
  const users = opts.users ?? DEFAULT_USERS;
  const mailboxes = new Set(opts.mailboxIds);
  let webhookUrl = opts.webhookUrl;
  let webhookSecret = opts.webhookSecret;
  const state = {
    conversations: new Map<number, SimConversation>(),
    customers: new Map<number, SimCustomer>(),
    tokens: new Map<string, number>(),
    /** POST /v2/oauth2/token calls that issued a token */
    tokensIssued: 0,
    requests: [] as Array<{ method: string; path: string; status: number }>,
    webhooks: [] as WebhookDelivery[],
    /** set when our receiver answered 410: Help Scout deactivates such a webhook */
    webhookDisabled: false,
    failures: [] as Array<{ status: number; retryAfter: number }>,
  };
  let nextId = 1000;
  let lastTime = 0;
  const id = () => ++nextId;
  // strictly increasing timestamps keep "newest thread" unambiguous even within one millisecond
  const timestamp = () => new Date((lastTime = Math.max(Date.now(), lastTime + 1))).toISOString();

  // ---- presentation (v2 objects) ------------------------------------------------------------------

  const person = (u: SimUser) => ({ id: u.id, type: 'user', first: u.first, last: u.last, email: u.email });
  const customerView = (c: SimCustomer) => ({ id: c.id, type: 'customer', first: c.first, last: c.last, email: c.email });

  function conversationView(c: SimConversation, embedThreads: boolean) {
    const newestFirst = [...c.threads].reverse();
    const last = newestFirst[0];
    return {
      id: c.id,
      number: c.number,
      threads: c.threads.length,
      type: c.type,
      folderId: 1,
      status: c.status,
      state: 'published',
      subject: c.subject,
      preview: (last?.body ?? '').replace(/<[^>]*>/g, '').slice(0, 185),
      mailboxId: c.mailboxId,
      ...(c.assignee ? { assignee: person(c.assignee) } : {}),
      createdBy: { ...customerView(state.customers.get(c.customerId)!) },
      createdAt: c.createdAt,
      closedAt: c.closedAt,
      ...(c.closedByUser ? { closedBy: c.closedByUser.id, closedByUser: person(c.closedByUser) } : {}),
      userUpdatedAt: last?.createdAt ?? c.createdAt,
      source: { type: 'api', via: 'user' },
      tags: c.tags.map((t, i) => ({ id: i + 1, color: '#929499', tag: t })),
      cc: [],
      bcc: [],
      primaryCustomer: customerView(state.customers.get(c.customerId)!),
      customFields: c.customFields.map((f) => ({ id: f.id, name: `field-${f.id}`, value: f.value, text: f.value })),
      ...(embedThreads ? { _embedded: { threads: newestFirst } } : {}),
      _links: { self: { href: `${url}/v2/conversations/${c.id}` } },
    };
  }

  // ---- webhooks -------------------------------------------------------------------------------------

  const webhooks = webhookSender<WebhookDelivery>({
    url: () => (state.webhookDisabled ? undefined : webhookUrl),
    headers: (d) => ({ 'X-HelpScout-Event': d.event, 'X-HelpScout-Signature': d.signature, 'User-Agent': 'Help Scout/Webhooks' }),
    record: (d) => state.webhooks.push(d),
    attempts: opts.webhookAttempts ?? 5,
    retryDelayMs: opts.webhookRetryDelayMs ?? 100,
    timeoutMs: 10_000,
    // a 410 Gone turns the webhook off
    gaveUp: (status) => status === 410 && (state.webhookDisabled = true),
  });

  function fire(event: string, payload: unknown): Promise<WebhookDelivery> {
    const body = JSON.stringify(payload);
    // Help Scout calls webhooks after the API call has answered
    return webhooks.fire({ event, body, signature: sign(body), statuses: [], delivered: false });
  }

  const sign = (body: string) => createHmac('sha1', webhookSecret ?? '').update(body, 'utf8').digest('base64');
  const fireConversation = (event: string, c: SimConversation) => fire(event, conversationView(c, true));

  // ---- domain ---------------------------------------------------------------------------------------

  function findCustomer(ref: unknown, path: string): SimCustomer | ErrorItem {
    if (!isObject(ref)) return { path, message: 'may not be null' };
    if (ref.id !== undefined) {
      const c = positiveInt(ref.id) ? state.customers.get(ref.id) : undefined;
      return c ?? { path: `${path}.id`, message: 'Customer not found', rejectedValue: ref.id };
    }
    if (typeof ref.email !== 'string' || !EMAIL.test(ref.email)) return { path: `${path}.email`, message: 'must be a well-formed email address', rejectedValue: ref.email };
    const email = ref.email.toLowerCase();
    const known = [...state.customers.values()].find((c) => c.email === email);
    if (known) return known;
    const c: SimCustomer = { id: id(), email, first: typeof ref.firstName === 'string' ? ref.firstName : null, last: typeof ref.lastName === 'string' ? ref.lastName : null };
    state.customers.set(c.id, c);
    return c;
  }

  function newThread(type: SimThread['type'], body: string, by: { customer: SimCustomer } | { user: SimUser }): SimThread {
    const createdBy = 'customer' in by ? { ...customerView(by.customer), type: 'customer' as const } : { ...person(by.user), type: 'user' as const };
    const customer = 'customer' in by ? { id: by.customer.id, email: by.customer.email } : null;
    return { id: id(), type, status: 'active', state: 'published', body, source: { type: 'api', via: 'customer' in by ? 'customer' : 'user' }, customer, createdBy, createdAt: timestamp() };
  }

  function createConversation(b: unknown): SimConversation {
    if (!isObject(b)) throw new HttpError(400, 'Bad request', [{ path: '', message: 'must be a JSON object' }]);
    const errors: ErrorItem[] = [];
    if (typeof b.subject !== 'string' || !b.subject.trim()) errors.push({ path: 'subject', message: 'may not be empty' });
    if (!positiveInt(b.mailboxId)) errors.push({ path: 'mailboxId', message: 'may not be null', rejectedValue: b.mailboxId });
    else if (!mailboxes.has(b.mailboxId)) errors.push({ path: 'mailboxId', message: 'Inbox not found', rejectedValue: b.mailboxId });
    if (!CONVERSATION_TYPES.includes(String(b.type))) errors.push({ path: 'type', message: `Expected one of these: ${CONVERSATION_TYPES.map((t) => `'${t}'`).join(', ')}`, rejectedValue: b.type });
    if (!CREATE_STATUSES.includes(String(b.status))) errors.push({ path: 'status', message: `Expected one of these: ${CREATE_STATUSES.map((t) => `'${t}'`).join(', ')}`, rejectedValue: b.status });
    if (b.assignTo !== undefined && b.assignTo !== null && !users.some((u) => u.id === b.assignTo)) errors.push({ path: 'assignTo', message: 'User not found', rejectedValue: b.assignTo });
    if (b.tags !== undefined && (!Array.isArray(b.tags) || b.tags.some((t) => typeof t !== 'string'))) errors.push({ path: 'tags', message: 'must be an array of strings' });
    if (b.fields !== undefined && (!Array.isArray(b.fields) || b.fields.some((f) => !isObject(f) || !positiveInt(f.id) || f.value === undefined))) {
      errors.push({ path: 'fields', message: 'each field needs a numeric id and a value' });
    }
    const threads = Array.isArray(b.threads) ? b.threads : undefined;
    if (!threads || threads.length === 0) errors.push({ path: 'threads', message: 'may not be empty' });
    threads?.forEach((t, i) => {
      if (!isObject(t) || !CREATE_THREAD_TYPES.includes(String(t.type))) errors.push({ path: `threads[${i}].type`, message: `Expected one of these: ${CREATE_THREAD_TYPES.map((x) => `'${x}'`).join(', ')}`, rejectedValue: isObject(t) ? t.type : t });
      else if (typeof t.text !== 'string' || !t.text.trim()) errors.push({ path: `threads[${i}].text`, message: 'may not be empty' });
    });
    const customer = findCustomer(b.customer, 'customer');
    if ('path' in customer) errors.push(customer);
    if (errors.length) throw new HttpError(400, 'Bad request', errors);
    // v1 documented 412 for more than 100 threads; validation passed, so this is the only problem left
    if (threads!.length > MAX_THREADS) throw new HttpError(412, `A conversation can hold at most ${MAX_THREADS} threads`);
    const cust = customer as SimCustomer;
    const conv: SimConversation = {
      id: id(),
      number: state.conversations.size + 1,
      type: b.type as SimConversation['type'],
      status: b.status as SimConversation['status'],
      subject: String(b.subject),
      mailboxId: b.mailboxId as number,
      assignee: users.find((u) => u.id === b.assignTo) ?? null,
      customerId: cust.id,
      tags: [...new Set(((b.tags as string[] | undefined) ?? []).map((t) => t.toLowerCase()))],
      customFields: ((b.fields as Array<{ id: number; value: unknown }> | undefined) ?? []).map((f) => ({ id: f.id, value: String(f.value) })),
      createdAt: timestamp(),
      closedAt: null,
      closedByUser: null,
      threads: [],
    };
    for (const t of threads as Array<Record<string, unknown>>) {
      const type = t.type as SimThread['type'];
      const byUser = type === 'note' || type === 'reply';
      const tc = isObject(t.customer) ? findCustomer(t.customer, 'customer') : cust;
      conv.threads.push(newThread(type, String(t.text), byUser ? { user: users[0]! } : { customer: 'path' in tc ? cust : tc }));
    }
    state.conversations.set(conv.id, conv);
    void fireConversation('convo.created', conv);
    return conv;
  }

  function addThread(c: SimConversation, kind: string, b: unknown): SimThread {
    if (!isObject(b)) throw new HttpError(400, 'Bad request', [{ path: '', message: 'must be a JSON object' }]);
    const errors: ErrorItem[] = [];
    if (typeof b.text !== 'string' || !b.text.trim()) errors.push({ path: 'text', message: 'may not be empty' });
    const needsCustomer = kind !== 'notes';
    const customer = needsCustomer ? findCustomer(b.customer, 'customer') : undefined;
    if (customer && 'path' in customer) errors.push(customer);
    const user = b.user === undefined ? users[0]! : users.find((u) => u.id === b.user);
    if (!user) errors.push({ path: 'user', message: 'User not found', rejectedValue: b.user });
    if (b.status !== undefined && !ALL_STATUSES.includes(String(b.status))) errors.push({ path: 'status', message: `Expected one of these: ${ALL_STATUSES.join(', ')}`, rejectedValue: b.status });
    if (errors.length) throw new HttpError(400, 'Bad request', errors);
    if (c.threads.length >= MAX_THREADS) throw new HttpError(412, `A conversation can hold at most ${MAX_THREADS} threads`);
    const cust = customer as SimCustomer | undefined;
    const kinds: Record<string, SimThread['type']> = { chats: 'chat', customer: 'customer', reply: 'reply', notes: 'note', phones: 'phone' };
    const type = kinds[kind]!;
    const thread = newThread(type, String(b.text), type === 'reply' || type === 'note' ? { user: user! } : { customer: cust! });
    c.threads.push(thread);
    if (type === 'customer' && !b.imported) c.status = 'active'; // a customer thread re-opens the conversation
    if (type === 'reply') c.status = (b.status as SimConversation['status']) ?? 'active';
    if (type === 'chat' || type === 'customer') void fireConversation('convo.customer.reply.created', c);
    if (type === 'note') void fireConversation('convo.note.created', c);
    if (type === 'reply') void fireConversation('convo.agent.reply.created', c);
    return thread;
  }

  function patchConversation(c: SimConversation, b: unknown): void {
    if (!isObject(b)) throw new HttpError(400, 'Bad request', [{ path: '', message: 'must be a JSON Patch object {op, path, value}' }]);
    const op = String(b.op);
    const path = String(b.path);
    const bad = (p: string, m: string, v?: unknown): never => {
      throw new HttpError(400, 'Bad request', [{ path: p, message: m, rejectedValue: v }]);
    };
    if (!['add', 'move', 'remove', 'replace'].includes(op)) bad('op', 'Expected one of these: add, move, remove, replace', b.op);
    if (path === '/status' && op === 'replace') {
      if (!ALL_STATUSES.includes(String(b.value))) bad('value', `Expected one of these: ${ALL_STATUSES.join(', ')}`, b.value);
      if (c.status === b.value) return;
      c.status = b.value as SimConversation['status'];
      c.closedAt = c.status === 'closed' ? timestamp() : null;
      c.closedByUser = c.status === 'closed' ? users[0]! : null;
      void fireConversation('convo.status', c);
    } else if (path === '/subject' && op === 'replace') {
      if (typeof b.value !== 'string' || !b.value.trim()) bad('value', 'may not be empty', b.value);
      c.subject = String(b.value);
    } else if (path === '/assignTo' && op === 'replace') {
      const u = users.find((x) => x.id === b.value) ?? bad('value', 'User not found', b.value);
      c.assignee = u;
      void fireConversation('convo.assigned', c);
    } else if (path === '/assignTo' && op === 'remove') {
      c.assignee = null;
      void fireConversation('convo.assigned', c);
    } else if (path === '/mailboxId' && op === 'move') {
      if (!positiveInt(b.value) || !mailboxes.has(b.value)) bad('value', 'Inbox not found', b.value);
      c.mailboxId = b.value as number;
      void fireConversation('convo.moved', c);
    } else {
      bad('path', `Unsupported operation ${op} on ${path}`, b.path);
    }
  }

  // ---- HTTP -----------------------------------------------------------------------------------------

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, 'Request entity too large');
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function parseJson(raw: string): unknown {
    if (!raw) return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'Bad request', [{ path: '', message: 'Malformed JSON' }]);
    }
  }

  async function token(req: http.IncomingMessage, query: URLSearchParams) {
    const raw = await readBody(req);
    const type = String(req.headers['content-type'] ?? '');
    // form, JSON or query parameters are all accepted
    const params: Record<string, string> = Object.fromEntries(query);
    if (type.includes('application/json')) Object.assign(params, parseJson(raw) ?? {});
    else if (raw) Object.assign(params, Object.fromEntries(new URLSearchParams(raw)));
    if (params.grant_type !== 'client_credentials' && params.grant_type !== 'authorization_code' && params.grant_type !== 'refresh_token') {
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' } };
    }
    if (params.grant_type !== 'client_credentials') return { status: 400, body: { error: 'invalid_grant', error_description: 'this simulator issues client_credentials tokens only' } };
    if (params.client_id !== opts.clientId || params.client_secret !== opts.clientSecret) {
      return { status: 401, body: { error: 'invalid_client', error_description: 'Bad client credentials' } };
    }
    const ttl = opts.tokenTtlSeconds ?? 172_800;
    const access = randomBytes(16).toString('hex');
    state.tokens.set(access, Date.now() + ttl * 1000);
    state.tokensIssued++;
    return { status: 200, body: { token_type: 'bearer', access_token: access, expires_in: ttl } };
  }

  function authorized(req: http.IncomingMessage): boolean {
    const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    const expires = m ? state.tokens.get(m[1]!) : undefined;
    return expires !== undefined && expires > Date.now();
  }

  const conversationOr404 = (raw: string) => {
    const c = state.conversations.get(Number(raw));
    if (!c) throw new HttpError(404, 'Conversation not found');
    return c;
  };

  type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

  async function route(req: http.IncomingMessage, u: URL): Promise<Answer> {
    const method = req.method ?? 'GET';
    const path = u.pathname.replace(/\/+$/, '');
    const outage = state.failures.shift();
    if (outage) {
      await readBody(req).catch(() => '');
      return { status: outage.status, body: errorBody(outage.status === 429 ? 'Too many requests' : 'Service unavailable', []), headers: outage.status === 429 ? { 'X-RateLimit-Retry-After': String(outage.retryAfter) } : {} };
    }
    if (path === '/v2/oauth2/token') {
      if (method !== 'POST') throw new HttpError(405, 'Method not allowed');
      return token(req, u.searchParams);
    }
    if (!path.startsWith('/v2/')) throw new HttpError(404, 'Not found');
    if (!authorized(req)) return { status: 401, body: errorBody('Unauthorized', [{ path: 'Authorization', message: 'missing, invalid or expired access token' }]) };
    const raw = await readBody(req);
    let m: RegExpExecArray | null;
    if (path === '/v2/mailboxes' && method === 'GET') {
      return { status: 200, body: { _embedded: { mailboxes: [...mailboxes].map((id) => ({ id, name: `Inbox ${id}`, slug: `inbox-${id}`, email: `inbox-${id}@support.example` })) }, page: { size: 50, totalElements: mailboxes.size, totalPages: 1, number: 1 } } };
    }
    if (path === '/v2/conversations' && method === 'POST') {
      const c = createConversation(parseJson(raw));
      return { status: 201, headers: { 'Resource-ID': String(c.id), Location: `${url}/v2/conversations/${c.id}` } };
    }
    if ((m = /^\/v2\/conversations\/(\d+)$/.exec(path))) {
      const c = conversationOr404(m[1]!);
      if (method === 'GET') return { status: 200, body: conversationView(c, (u.searchParams.get('embed') ?? '').split(',').includes('threads')) };
      if (method === 'PATCH') {
        patchConversation(c, parseJson(raw));
        return { status: 204 };
      }
      throw new HttpError(405, 'Method not allowed');
    }
    if ((m = /^\/v2\/conversations\/(\d+)\/threads$/.exec(path)) && method === 'GET') {
      const c = conversationOr404(m[1]!);
      return { status: 200, body: { _embedded: { threads: [...c.threads].reverse() }, page: { size: MAX_THREADS, totalElements: c.threads.length, totalPages: 1, number: 1 } } };
    }
    if ((m = /^\/v2\/conversations\/(\d+)\/(chats|customer|reply|notes|phones)$/.exec(path)) && method === 'POST') {
      const c = conversationOr404(m[1]!);
      const t = addThread(c, m[2]!, parseJson(raw));
      return { status: 201, headers: { 'Resource-ID': String(t.id), Location: `${url}/v2/conversations/${c.id}/threads/${t.id}` } };
    }
    throw new HttpError(404, 'Not found');
  }

  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://localhost');
    const send = (a: Answer) => {
      state.requests.push({ method: req.method ?? 'GET', path: u.pathname, status: a.status });
      const headers: Record<string, string> = { ...a.headers };
      if (a.body !== undefined) headers['Content-Type'] = a.status >= 400 && u.pathname !== '/v2/oauth2/token' ? 'application/vnd.error+json' : 'application/json';
      res.writeHead(a.status, headers);
      res.end(a.body === undefined ? undefined : JSON.stringify(a.body));
    };
    route(req, u).then(send, (err: unknown) => {
      if (err instanceof HttpError) send({ status: err.status, body: errorBody(err.message, err.errors) });
      else send({ status: 500, body: errorBody(`Internal error: ${(err as Error).message}`, []) });
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  const must = (convId: number) => {
    const c = state.conversations.get(convId);
    if (!c) throw new Error(`no Help Scout conversation ${convId}`);
    return c;
  };
  const userOf = (u?: SimUser | number) => (typeof u === 'number' ? users.find((x) => x.id === u) : u) ?? users[0]!;

  return {
    url,
    state,
    users,
    conversations: () => [...state.conversations.values()],
    conversation: (convId: number) => state.conversations.get(convId),
    /** oldest first */
    threads: (convId: number) => [...must(convId).threads],
    /** an agent takes the conversation (convo.assigned) */
    assign(convId: number, user?: SimUser | number) {
      const c = must(convId);
      c.assignee = userOf(user);
      return fireConversation('convo.assigned', c);
    },
    /** an agent replies from the Help Scout UI (convo.agent.reply.created) */
    agentReplies(convId: number, user: SimUser | number | undefined, html: string) {
      const c = must(convId);
      const u = userOf(user);
      const thread = newThread('reply', html, { user: u });
      c.threads.push(thread);
      c.status = 'active';
      c.assignee ??= u; // Help Scout's default: whoever replies takes an unassigned conversation
      return { thread, delivery: fireConversation('convo.agent.reply.created', c) };
    },
    /** an agent closes the conversation (convo.status) */
    closeConversation(convId: number, user?: SimUser | number, status: 'closed' | 'spam' = 'closed') {
      const c = must(convId);
      c.status = status;
      c.closedAt = timestamp();
      c.closedByUser = userOf(user);
      return fireConversation('convo.status', c);
    },
    /** an agent deletes the conversation (convo.deleted carries only the id) */
    deleteConversation(convId: number) {
      must(convId);
      state.conversations.delete(convId);
      return fire('convo.deleted', { id: convId });
    },
    /** the next `n` API calls (token endpoint included) answer `status`; 429s carry X-RateLimit-Retry-After */
    failNext(n: number, status: number, retryAfterSeconds = 1) {
      for (let i = 0; i < n; i++) state.failures.push({ status, retryAfter: retryAfterSeconds });
    },
    /** every issued token stops working (as after a revoked app), so clients must ask for a new one */
    revokeTokens() {
      state.tokens.clear();
    },
    setWebhook(nextUrl: string, secret: string) {
      webhookUrl = nextUrl;
      webhookSecret = secret;
      state.webhookDisabled = false;
    },
    /** sends a recorded webhook again, byte for byte (Help Scout does resend) */
    redeliver: webhooks.redeliver,
    settled: webhooks.settled,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type HelpScoutSimulator = Awaited<ReturnType<typeof startHelpScoutSimulator>>;

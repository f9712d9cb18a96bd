// A contract-faithful stand-in for Genesys Cloud's Digital Bot Connector (v2) in front of a
// customer-hosted bot (tests and `npm run sim:genesys-bot`). It plays the Genesys side only:
// - the connector calling the bot's Bot Connector URI: GET /bots, GET /bots/{botId}, POST /messages,
//   with the integration's credential header, the action's Bot Response Timeout, retries of 5xx and
//   timeouts with the same messageId, and the spec's checks of what comes back (a 4xx, a timeout or an
//   invalid answer takes the flow's failure path with errorType ServiceProviderErrorResponse,
//   ServiceProviderTimeout or ServiceProviderInvalidResponse);
// - the Platform API the bot calls: the OAuth client-credentials login and POST
//   /api/v2/integrations/botconnectors/outgoing/messages (an open session only: 409 otherwise).
// The bot's side is never simulated: it is whatever Baton answers. Written from the spec, sharing no
// code with Baton's adapter.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './shared.js';

export interface BotConnectorSimulatorOptions {
  port?: number;
  host?: string;
  /** the integration's Bot Connector URI, e.g. https://baton.example.com/api/v1/providers/genesys-bot-connector/gbc/botconnector */
  botConnectorUri: string;
  /** the integration's credential field (sent as a header on every call) */
  credential: { name: string; value: string };
  /** the OAuth client the bot uses for outgoing messages */
  clientId: string;
  clientSecret: string;
  /** the Call Digital Bot Connector action's Bot Response Timeout (1 s to 60 s; default 30 s) */
  botResponseTimeoutMs?: number;
  /** how often a 5xx or a timeout is retried (the spec does not say; 2 here) and the pause between */
  retries?: number;
  retryDelayMs?: number;
  /** the integration's "Enable file attachments" property */
  attachmentsEnabled?: boolean;
}

export type ReplyMessage = { type: string; text?: string; content?: Array<Record<string, unknown>> };

/** What the flow sees of one call: the bot's state and what the user was shown, or the failure path. */
export interface Outcome {
  httpStatus: number;
  attempts: number;
  ms: number;
  botState?: 'MoreData' | 'Complete' | 'Failed';
  replies: ReplyMessage[];
  intent?: string;
  parameters?: Record<string, string>;
  entities?: Array<Record<string, unknown>>;
  /** the action's output path: the intent's, or failure (with Architect's errorType) */
  path: 'more-data' | `intent:${string}` | 'failure';
  errorType?: 'ServiceProviderTimeout' | 'ServiceProviderErrorResponse' | 'ServiceProviderInvalidResponse';
  problems: string[];
}

export interface SimSession {
  botSessionId: string;
  genesysConversationId: string;
  botId: string;
  botVersion: string;
  languageCode: string;
  botSessionTimeout: number;
  parameters: Record<string, string>;
  open: boolean;
  /** everything the user was shown, in order: answers and outgoing messages */
  transcript: Array<{ via: 'answer' | 'outgoing'; message: ReplyMessage }>;
  /** the last message sent, for resending it with the same messageId */
  last?: { messageId: string; inputMessage: Record<string, unknown> };
  /** how the session ended: Complete with its intent and parameters, Failed, or the failure path */
  result?: { botState: string; intent?: string; parameters?: Record<string, string>; entities?: Array<Record<string, unknown>>; via: 'answer' | 'outgoing' };
  outgoing: Array<{ status: number; body: unknown; code?: string }>;
}

const BOT_STATES = ['MoreData', 'Complete', 'Failed'];
const ENTITY_TYPES = ['String', 'Integer', 'Decimal', 'Duration', 'Boolean', 'Currency', 'Datetime'];
const isStr = (v: unknown): v is string => typeof v === 'string';
/** "displayable characters without leading or trailing whitespace", up to n */
const displayable = (v: unknown, n: number) => isStr(v) && v.length > 0 && v.length <= n && v.trim() === v;

/** The spec's rules for a bot's answer (also an outgoing message's): the problems, none if valid. */
export function answerProblems(body: unknown, o: { attachmentsEnabled?: boolean } = {}): string[] {
  const p: string[] = [];
  if (!body || typeof body !== 'object') return ['the answer is not a JSON object'];
  const b = body as Record<string, unknown>;
  if (!BOT_STATES.includes(b.botState as string)) p.push(`botState must be one of ${BOT_STATES.join(', ')}`);
  if (b.botState === 'Complete' && !isStr(b.intent)) p.push('botState Complete needs an intent (else the flow takes the failure path)');
  if (b.confidence !== undefined && (typeof b.confidence !== 'number' || b.confidence < 0 || b.confidence > 1)) p.push('confidence is a number from 0 to 1');
  if (b.parameters !== undefined) {
    if (!b.parameters || typeof b.parameters !== 'object' || Array.isArray(b.parameters)) p.push('parameters is a map of strings');
    else for (const [k, v] of Object.entries(b.parameters)) if (!isStr(v)) p.push(`parameters.${k} is not a string`);
  }
  if (b.errorInfo !== undefined) {
    const e = b.errorInfo as Record<string, unknown>;
    if (!isStr(e?.errorCode) || !isStr(e?.errorMessage)) p.push('errorInfo needs errorCode and errorMessage');
  }
  for (const [i, e] of ((b.entities as unknown[]) ?? []).entries()) {
    const x = e as Record<string, unknown>;
    const base = isStr(x?.type) ? x.type.replace(/Collection$/, '') : '';
    if (!isStr(x?.name) || !ENTITY_TYPES.includes(base)) p.push(`entities[${i}] needs a name and a known type`);
    else if (x.type !== base ? !Array.isArray(x.values) || !x.values.every(isStr) : !isStr(x.value)) p.push(`entities[${i}]: ${x.type} needs ${x.type !== base ? 'values (strings)' : 'a value (string)'}`);
  }
  if (b.replyMessages !== undefined && b.replyMessages !== null && !Array.isArray(b.replyMessages)) p.push('replyMessages is a list');
  for (const [i, m] of ((Array.isArray(b.replyMessages) ? b.replyMessages : []) as ReplyMessage[]).entries()) p.push(...replyProblems(m, `replyMessages[${i}]`, o));
  return p;
}

function replyProblems(m: ReplyMessage, at: string, o: { attachmentsEnabled?: boolean }): string[] {
  const p: string[] = [];
  if (m?.type !== 'Text' && m?.type !== 'Structured') return [`${at}.type must be Text or Structured`];
  if (m.type === 'Text' && !isStr(m.text) && !(m.content ?? []).length) p.push(`${at}: a Text message needs text`);
  if (m.type === 'Structured' && !(Array.isArray(m.content) && m.content.length)) p.push(`${at}: a Structured message needs content`);
  const buttons = new Set<string>();
  for (const [j, c] of (m.content ?? []).entries()) {
    const here = `${at}.content[${j}]`;
    const card = (x: unknown, where: string) => {
      const k = x as Record<string, unknown>;
      if (!isStr(k?.title)) p.push(`${where}.title is required`);
      if (!Array.isArray(k?.actions)) p.push(`${where}.actions is required`);
      for (const [n, a] of ((k?.actions as Array<Record<string, unknown>>) ?? []).entries()) {
        if (a?.type !== 'Link' && a?.type !== 'Postback') p.push(`${where}.actions[${n}].type must be Link or Postback`);
        if (!isStr(a?.text)) p.push(`${where}.actions[${n}].text is required`);
        if (a?.type === 'Postback' && !isStr(a?.payload)) p.push(`${where}.actions[${n}]: a Postback needs a payload`);
        if (a?.type === 'Link' && !isStr(a?.url)) p.push(`${where}.actions[${n}]: a Link needs a url`);
        // text + payload must tell the clicks apart within a card or a carousel
        const key = JSON.stringify([a?.text, a?.payload]);
        if (a?.type === 'Postback' && buttons.has(key)) p.push(`${where}.actions[${n}]: text and payload repeat another button's`);
        buttons.add(key);
      }
    };
    switch (c.contentType) {
      case 'QuickReply': {
        const q = c.quickReply as Record<string, unknown> | undefined;
        if (m.type !== 'Structured') p.push(`${here}: quick replies go in a Structured message`);
        if (!isStr(q?.text) || !isStr(q?.payload)) p.push(`${here}.quickReply needs text and payload`);
        break;
      }
      case 'Card':
        card(c.card, `${here}.card`);
        break;
      case 'Carousel': {
        const cards = (c.carousel as { cards?: unknown[] } | undefined)?.cards;
        if (!Array.isArray(cards) || !cards.length) p.push(`${here}.carousel.cards is required`);
        for (const [n, k] of (cards ?? []).entries()) card(k, `${here}.carousel.cards[${n}]`);
        break;
      }
      case 'Attachment':
        if (!o.attachmentsEnabled) p.push(`${here}: attachments are not enabled on the integration`);
        if (m.type !== 'Text') p.push(`${here}: an attachment goes in a Text message`);
        break;
      default:
        p.push(`${here}.contentType ${String(c.contentType)} is not supported`);
    }
  }
  return p;
}

/** The spec's rules for the bot list (GET /bots) or one bot (GET /bots/{botId}). */
export function botProblems(bot: unknown, at = 'bot'): string[] {
  const p: string[] = [];
  const b = bot as Record<string, unknown>;
  if (!displayable(b?.id, 100)) p.push(`${at}.id: up to 100 displayable characters`);
  if (!displayable(b?.name, 100)) p.push(`${at}.name: up to 100 displayable characters`);
  if (!displayable(b?.provider, 100)) p.push(`${at}.provider: up to 100 displayable characters`);
  if (b?.description !== undefined && !displayable(b.description, 256)) p.push(`${at}.description: up to 256 displayable characters`);
  const versions = b?.versions as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(versions) || !versions.length || versions.length > 50) p.push(`${at}.versions: 1 to 50`);
  for (const [i, v] of (versions ?? []).entries()) {
    if (!displayable(v.version, 100)) p.push(`${at}.versions[${i}].version: up to 100 displayable characters`);
    const langs = v.supportedLanguages as unknown[];
    if (!Array.isArray(langs) || !langs.every((l) => isStr(l) && l === l.toLowerCase() && /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(l))) p.push(`${at}.versions[${i}].supportedLanguages: lowercase language tags`);
    const intents = v.intents as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(intents) || !intents.length || intents.length > 50) p.push(`${at}.versions[${i}].intents: 1 to 50`);
    for (const [j, it] of (intents ?? []).entries()) {
      if (!displayable(it.name, 100)) p.push(`${at}.versions[${i}].intents[${j}].name: up to 100 displayable characters`);
      const entities = (it.entities as Array<Record<string, unknown>> | undefined) ?? [];
      if (entities.length > 50) p.push(`${at}.versions[${i}].intents[${j}].entities: at most 50`);
      for (const e of entities) if (!displayable(e.name, 100) || !ENTITY_TYPES.includes(String(e.type).replace(/Collection$/, ''))) p.push(`${at}.versions[${i}].intents[${j}]: entity ${String(e.name)} has no valid type`);
    }
  }
  return p;
}

export async function startBotConnectorSimulator(opts: BotConnectorSimulatorOptions) {
  const tokens = new Map<string, number>();
  const sessions = new Map<string, SimSession>();
  const timeoutMs = opts.botResponseTimeoutMs ?? 30_000;
  const retries = opts.retries ?? 2;
  const retryDelayMs = opts.retryDelayMs ?? 1000;
  const uri = opts.botConnectorUri.replace(/\/+$/, '');
  const state = { tokensIssued: 0, unauthorized: 0 };
  let failNext: { n: number; status: number } = { n: 0, status: 503 };

  function send(res: http.ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
  const genesysError = (status: number, code: string, message: string) => ({ message, code, status, messageWithParams: message, contextId: randomUUID(), details: [], errors: [] });

  function login(req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    const expected = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return send(res, 401, { error: 'invalid_client', description: 'client not found' });
    if (new URLSearchParams(raw).get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, Date.now() + 86_400_000);
    state.tokensIssued++;
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 86400 });
  }

  /** POST /api/v2/integrations/botconnectors/outgoing/messages: the bot speaks in an open session. */
  function outgoing(req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const exp = m ? tokens.get(m[1]!) : undefined;
    if (!exp || exp < Date.now()) {
      state.unauthorized++;
      return send(res, 401, genesysError(401, 'bad.credentials', 'Invalid login credentials.'));
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(res, 400, genesysError(400, 'bad.request', 'The request could not be understood by the server due to malformed syntax.'));
    }
    const s = sessions.get(String(body.botSessionId));
    if (failNext.n > 0) {
      failNext.n--;
      s?.outgoing.push({ status: failNext.status, body, code: 'service.unavailable' });
      return send(res, failNext.status, genesysError(failNext.status, 'service.unavailable', 'The service is unavailable'));
    }
    const refuse = (code: string, message: string) => {
      s?.outgoing.push({ status: 409, body, code });
      send(res, 409, genesysError(409, code, message));
    };
    if (!s) return refuse('session.not.found', 'The bot session was not found');
    if (!s.open) return refuse('session.already.closed', 'The bot session is already closed');
    if (body.botId !== s.botId) return refuse('session.bot.id.mismatch', 'botId does not match the session');
    if (body.botVersion !== s.botVersion) return refuse('session.bot.version.mismatch', 'botVersion does not match the session');
    const problems = [...answerProblems(body, opts), ...(isStr(body.languageCode) ? [] : ['languageCode is required'])];
    if (problems.length) {
      s.outgoing.push({ status: 400, body, code: 'bad.request' });
      return send(res, 400, genesysError(400, 'bad.request', problems.join('; ')));
    }
    s.outgoing.push({ status: 200, body });
    for (const r of (body.replyMessages as ReplyMessage[] | undefined) ?? []) s.transcript.push({ via: 'outgoing', message: r });
    if (body.botState !== 'MoreData') {
      s.open = false;
      s.result = { botState: String(body.botState), intent: body.intent as string | undefined, parameters: body.parameters as Record<string, string> | undefined, entities: body.entities as Array<Record<string, unknown>> | undefined, via: 'outgoing' };
    }
    send(res, 200, { messageId: randomUUID() });
  }

  const server = http.createServer((req, res) => {
    void readBody(req).then((raw) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'POST' && path === '/oauth/token') return login(req, raw, res);
      if (req.method === 'POST' && path === '/api/v2/integrations/botconnectors/outgoing/messages') return outgoing(req, raw, res);
      send(res, 404, genesysError(404, 'not.found', 'The requested resource was not found.'));
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  /** One call of the connector to the bot's URI, with the credential header and the timeout. */
  async function callBot(method: 'GET' | 'POST', path: string, body?: unknown, credential = opts.credential): Promise<{ status: number; json?: unknown; timedOut: boolean; ms: number }> {
    const started = Date.now();
    try {
      const res = await fetch(`${uri}${path}`, {
        method,
        headers: { [credential.name]: credential.value, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = undefined;
      }
      return { status: res.status, json, timedOut: false, ms: Date.now() - started };
    } catch {
      return { status: 0, timedOut: true, ms: Date.now() - started };
    }
  }

  /** POST /messages as the connector sends it: retried with the same messageId on 5xx or a timeout. */
  async function deliver(s: SimSession, messageId: string, inputMessage: Record<string, unknown>, credential = opts.credential): Promise<Outcome> {
    const body = { botId: s.botId, botVersion: s.botVersion, botSessionId: s.botSessionId, messageId, inputMessage, languageCode: s.languageCode, botSessionTimeout: s.botSessionTimeout, genesysConversationId: s.genesysConversationId, parameters: s.parameters };
    s.last = { messageId, inputMessage };
    let r: Awaited<ReturnType<typeof callBot>> = { status: 0, timedOut: true, ms: 0 };
    let attempts = 0;
    let ms = 0;
    for (; attempts <= retries; ) {
      attempts++;
      r = await callBot('POST', '/messages', body, credential);
      ms += r.ms;
      if (!r.timedOut && r.status < 500) break;
      if (attempts <= retries) await new Promise((w) => setTimeout(w, retryDelayMs));
    }
    const fail = (errorType: Outcome['errorType'], problems: string[]): Outcome => {
      s.open = false;
      s.result = { botState: 'Failed', via: 'answer' };
      return { httpStatus: r.status, attempts, ms, replies: [], path: 'failure', errorType, problems };
    };
    if (r.timedOut) return fail('ServiceProviderTimeout', [`no answer within ${timeoutMs} ms`]);
    if (r.status !== 200) return fail('ServiceProviderErrorResponse', [`HTTP ${r.status}`]);
    const problems = answerProblems(r.json, opts);
    if (problems.length) return fail('ServiceProviderInvalidResponse', problems);
    const a = r.json as { botState: Outcome['botState']; replyMessages?: ReplyMessage[] | null; intent?: string; parameters?: Record<string, string>; entities?: Array<Record<string, unknown>> };
    const replies = a.replyMessages ?? [];
    for (const m of replies) s.transcript.push({ via: 'answer', message: m });
    const base = { httpStatus: r.status, attempts, ms, botState: a.botState, replies, intent: a.intent, parameters: a.parameters, entities: a.entities, problems: [] };
    if (a.botState === 'MoreData') return { ...base, path: 'more-data' };
    s.open = false;
    s.result = { botState: a.botState!, intent: a.intent, parameters: a.parameters, entities: a.entities, via: 'answer' };
    return a.botState === 'Complete' ? { ...base, path: `intent:${a.intent}` } : { ...base, path: 'failure', errorType: 'ServiceProviderErrorResponse' };
  }

  return {
    url,
    loginUrl: url,
    state,
    sessions,
    /** the provider settings Baton needs to reach this simulator's Platform API */
    providerConfig: () => ({ baseUrl: url, loginUrl: url, clientId: opts.clientId, clientSecret: opts.clientSecret, credentialName: opts.credential.name, connectionSecret: opts.credential.value }),
    /** Architect loading the bot list: the answer and what the spec refuses in it */
    async listBots(credential = opts.credential) {
      const r = await callBot('GET', '/bots', undefined, credential);
      const entities = (r.json as { entities?: unknown[] } | undefined)?.entities;
      const problems = r.status !== 200 ? [`HTTP ${r.status}`] : !Array.isArray(entities) ? ['entities is required'] : [...(entities.length > 50 ? ['at most 50 bots'] : []), ...entities.flatMap((b, i) => botProblems(b, `entities[${i}]`))];
      return { status: r.status, bots: (entities ?? []) as Array<Record<string, unknown>>, problems };
    },
    async getBot(botId: string) {
      const r = await callBot('GET', `/bots/${encodeURIComponent(botId)}`);
      return { status: r.status, bot: r.json as Record<string, unknown> | undefined, problems: r.status === 200 ? botProblems(r.json) : [`HTTP ${r.status}`] };
    },
    /** A customer starts a Web Messaging conversation that the flow hands to the bot. */
    startSession(o: { botId: string; botVersion?: string; languageCode?: string; parameters?: Record<string, string>; botSessionTimeout?: number; genesysConversationId?: string }): SimSession {
      const s: SimSession = {
        botSessionId: randomUUID(),
        genesysConversationId: o.genesysConversationId ?? randomUUID(),
        botId: o.botId,
        botVersion: o.botVersion ?? 'live',
        languageCode: o.languageCode ?? 'en-us',
        botSessionTimeout: o.botSessionTimeout ?? 720,
        parameters: o.parameters ?? {},
        open: true,
        transcript: [],
        outgoing: [],
      };
      sessions.set(s.botSessionId, s);
      return s;
    },
    /** A later Call Digital Bot Connector of the same Genesys conversation (a new bot session). */
    nextSession(prev: SimSession, o: { botVersion?: string } = {}): SimSession {
      const s: SimSession = { ...prev, botSessionId: randomUUID(), botVersion: o.botVersion ?? prev.botVersion, open: true, transcript: [], outgoing: [], last: undefined, result: undefined };
      sessions.set(s.botSessionId, s);
      return s;
    },
    /** The customer types a message. */
    say(s: SimSession, text: string, credential = opts.credential): Promise<Outcome> {
      if (!s.open) throw new Error('the bot session is closed');
      return deliver(s, randomUUID(), { type: 'Text', text }, credential);
    },
    /** The customer presses a quick reply (or a card's Postback button). */
    press(s: SimSession, button: { text: string; payload: string }, type: 'QuickReply' | 'Button' = 'QuickReply'): Promise<Outcome> {
      if (!s.open) throw new Error('the bot session is closed');
      return deliver(s, randomUUID(), { type: 'Structured', text: button.text, content: [{ contentType: 'ButtonResponse', buttonResponse: { type, text: button.text, payload: button.payload } }] });
    },
    /** The connector sends the last message again, with the same messageId (as after a lost answer). */
    resend(s: SimSession): Promise<Outcome> {
      if (!s.last) throw new Error('nothing was sent yet');
      return deliver(s, s.last.messageId, s.last.inputMessage);
    },
    /** Every quick reply and card button the user was last offered. */
    offered(s: SimSession): Array<{ text: string; payload: string }> {
      const last = [...s.transcript].reverse().find((t) => t.message.content?.length);
      return (last?.message.content ?? []).flatMap((c) => {
        if (c.contentType === 'QuickReply') return [c.quickReply as { text: string; payload: string }];
        const cards = c.contentType === 'Card' ? [c.card] : ((c.carousel as { cards?: unknown[] } | undefined)?.cards ?? []);
        return (cards as Array<{ actions?: Array<{ type: string; text: string; payload: string }> }>).flatMap((k) => (k.actions ?? []).filter((a) => a.type === 'Postback'));
      });
    },
    /** The next n Platform API calls (outgoing messages) fail with this status. */
    failNext(n: number, status = 503) {
      failNext = { n, status };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type BotConnectorSimulator = Awaited<ReturnType<typeof startBotConnectorSimulator>>;

// Security review as tests, on SQLite and on PostgreSQL: every route declares who may call it and
// answers everyone below that with 401/403; thousands of malformed bodies, query strings and socket
// frames of every type get a clear 4xx or error frame — zero 5xx, zero INTERNAL — and the server is
// healthy afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../../src/http/access.js';
import { call, createConversation, login } from '../support/http.js';
import { makeAgent } from '../support/flows.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const pgOk = await postgresAvailable();
const stores = [['SQLite', false], ['PostgreSQL', true]] as const;

const RANK: Record<RouteAccess, number> = { public: 0, signed: 0, user: 1, agent: 2, supervisor: 3, admin: 4 };
const fill = (url: string, id = 'does-not-exist') => url.replace(/:(\w+)/g, id);
const noBody = (method: string) => method === 'GET' || method === 'DELETE';

function* malformedBodies(): Generator<{ payload: string; type: string }> {
  const values: unknown[] = [null, true, 0, -1, 1e308, 'text', '', [], [1, 2], {}, { text: null }, { text: 42 }, { text: [] }, { text: { a: 1 } }, { text: 'NUL \u0000 here' }, { postback: '' }, { status: 'x' }, { email: 'x', password: 1 }, { email: 'a\u0000@b.c', password: 'x' }, { agentId: null }, { skill: '../../etc' }, { dialog: 5 }, { variables: 'x' }, { variables: { a: { b: 1 } } }, { variables: { k: 'v\u0000' } }, { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }, { text: 'x'.repeat(5000) }, { buttons: [{}] }, { cards: 'x' }, { id: 'x', type: 'nope' }, { enabled: 'yes', timezone: 1, providers: 'x' }, { openingHours: { monday: [{ from: '25:00', to: '10:00' }] } }, { locale: '<script>' }, { user: { email: 'a@b' } }, { user: { id: 'x', name: 'n\u0000' }, userHash: 'zz' }, { channelId: 'sms', user: { id: 'sms:+3247' } }, { url: 'http://169.254.169.254/latest/meta-data', secret: 'x'.repeat(20) }];
  for (const v of values) yield { payload: JSON.stringify(v), type: 'application/json' };
  for (const raw of ['{', '{"a":', '[1,', '"unterminated', '{"a":1}}', '\u0000', '{"text":"\\ud800"}', 'null', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}', '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)]) yield { payload: raw, type: 'application/json' };
  yield { payload: 'a=1&b=2', type: 'application/x-www-form-urlencoded' };
  yield { payload: '<xml/>', type: 'application/xml' };
  yield { payload: 'key: [unclosed', type: 'application/yaml' };
  yield { payload: 'a: &a [*a]', type: 'application/yaml' };
  yield { payload: 'plain \u0000', type: 'text/plain' };
}

const QUERIES = ['', '?status=nope', '?status=closed&q=%00', '?q=' + 'a'.repeat(5000), '?limit=-1', '?limit=1e309', '?after=abc', '?cursor=%ff%fe', '?from=not-a-date&to=2026-13-45', '?tag[]=a&tag[]=b', '?scope=everything&agentId=%00', '?providerId=x&status=dead&conversationId=..%2F..'];

/** frames of every type a client may send, each also malformed */
function* malformedFrames(conversationId: string): Generator<unknown> {
  const ids = [conversationId, 'does-not-exist', '', 5, null, '\u0000', 'x'.repeat(10_000)];
  for (const id of ids) {
    yield { type: 'subscribe', conversationId: id };
    yield { type: 'unsubscribe', conversationId: id };
    yield { type: 'resume', conversationId: id, afterSeq: 0 };
    yield { type: 'typing', conversationId: id, on: true };
  }
  for (const afterSeq of [-1, 1e308, 'x', null, 1.5, Number.MAX_SAFE_INTEGER]) yield { type: 'resume', afterSeq };
  for (const on of ['yes', null, 1]) yield { type: 'typing', on };
  for (const message of [{}, { text: '' }, { text: 'x'.repeat(5000) }, { text: 'NUL \u0000' }, { postback: 5 }, 'x', null]) yield { type: 'message.send', clientMessageId: 'c1', message };
  for (const clientMessageId of ['', 5, 'x'.repeat(500)]) yield { type: 'message.send', clientMessageId, message: { text: 'hi' } };
  for (const token of ['', 'as_garbage', 'cu_garbage', 5, 'x'.repeat(300)]) yield { type: 'auth', token };
  yield { type: 'ping', extra: { deep: [[[[]]]] } };
  yield { type: 'nope' };
  yield { type: '__proto__', __proto__: { polluted: true } };
  yield [];
  yield 'just a string';
  yield null;
}

describe.each(stores)('on %s', (_name, pg) => {
  const skip = pg && !pgOk;
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    if (skip) return;
    s = await startOnStore(pg ? 'postgres' : 'sqlite');
    admin = await login(s.url);
  });
  afterAll(async () => {
    await s?.close();
  });

  const apiRoutes = () => s.baton.routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD' && r.method !== 'OPTIONS');

  describe.skipIf(skip)('authorization, from each route’s declared access', () => {
    it('every route declares who may call it', () => {
      const undeclared = apiRoutes().filter((r) => !r.access);
      expect(undeclared).toEqual([]);
      // the declarations themselves, reviewed: what is public and signed is exactly this
      const open = apiRoutes().filter((r) => r.access === 'public' || r.access === 'signed').map((r) => `${r.access} ${r.method} ${r.url}`).sort();
      expect(open).toEqual([
        // attachments: the handler takes a conversation token or an agent session (or, signed, the link itself)
        'public GET /api/v1/attachments/:attachmentId',
        'public GET /api/v1/attachments/:attachmentId/signed',
        'public GET /api/v1/bots/schema.json',
        'public GET /api/v1/openapi.json',
        'public GET /api/v1/ws',
        'public POST /api/v1/auth/login',
        'public POST /api/v1/auth/logout',
        'public POST /api/v1/conversations',
        'public POST /api/v1/conversations/:id/attachments',
        'signed GET /api/v1/channels/:id/messenger',
        'signed GET /api/v1/channels/:id/whatsapp',
        'signed GET /api/v1/providers/genesys-bot-connector/:providerId/botconnector/bots',
        'signed GET /api/v1/providers/genesys-bot-connector/:providerId/botconnector/bots/:botId',
        'signed POST /api/v1/channels/:id/email/mime',
        'signed POST /api/v1/channels/:id/events',
        'signed POST /api/v1/channels/:id/messenger',
        'signed POST /api/v1/channels/:id/sms-twilio',
        'signed POST /api/v1/channels/:id/telegram',
        'signed POST /api/v1/channels/:id/whatsapp',
        'signed POST /api/v1/providers/genesys-bot-connector/:providerId/botconnector/messages',
        'signed POST /api/v1/providers/genesys-cloud/:providerId/webhook',
        'signed POST /api/v1/providers/help-scout/:providerId/webhook',
        'signed POST /api/v1/providers/sunshine-conversations/:providerId/webhook',
        'signed POST /api/v1/providers/webhook/:providerId/events',
      ]);
    });

    it('no credentials: 401 on every user and agent route, 401 SIGNATURE_INVALID on every signed one', async () => {
      for (const r of apiRoutes()) {
        if (r.access === 'public') continue;
        const res = await s.baton.app.inject({ method: r.method as 'GET', url: fill(r.url), payload: noBody(r.method) ? undefined : {} });
        const code = res.json().error?.code;
        if (r.access === 'signed') expect([`${res.statusCode} ${code}`], `${r.method} ${r.url}`).toContainEqual(expect.stringMatching(/^(401 SIGNATURE_INVALID|404 NOT_FOUND|422 PROVIDER_NOT_FOUND)$/));
        else expect(`${res.statusCode} ${code}`, `${r.method} ${r.url}`).toBe('401 UNAUTHORIZED');
      }
    });

    it('each role gets 403 on every route above it; a conversation token opens nothing but its own conversation', async () => {
      const agent = await makeAgent(s.url, admin);
      const supervisor = await makeAgent(s.url, admin, { role: 'supervisor' });
      const a = await createConversation(s.url);
      const b = await createConversation(s.url);
      const tokens: Array<[string, number]> = [[agent.token, RANK.agent], [supervisor.token, RANK.supervisor]];
      for (const r of apiRoutes()) {
        if (r.access === 'public' || r.access === 'signed' || !r.access) continue;
        for (const [token, rank] of tokens) {
          if (RANK[r.access] <= rank) continue;
          const res = await s.baton.app.inject({ method: r.method as 'GET', url: fill(r.url), headers: { authorization: `Bearer ${token}` }, payload: noBody(r.method) ? undefined : {} });
          expect(res.statusCode, `${r.method} ${r.url} answered ${res.statusCode} to rank ${rank}`).toBe(r.access === 'user' ? 401 : 403);
        }
        // a conversation token: agent routes refuse it, another conversation's routes too
        const url = r.access === 'user' ? r.url.replace(':id', b.conversation.id) : fill(r.url);
        const res = await s.baton.app.inject({ method: r.method as 'GET', url, headers: { authorization: `Bearer ${a.token}` }, payload: noBody(r.method) ? undefined : { text: 'x' } });
        expect([401, 403, 404], `${r.method} ${r.url} answered ${res.statusCode} to a conversation token`).toContain(res.statusCode);
      }
    });
  });

  describe.skipIf(skip)('fuzz', () => {
    it('malformed bodies and query strings on every route with every kind of caller: never a 5xx, always a JSON error', async () => {
      const agent = await makeAgent(s.url, admin);
      const conv = await createConversation(s.url);
      const auths = [undefined, `Bearer ${admin}`, `Bearer ${agent.token}`, `Bearer ${conv.token}`, 'Basic Zm9vOmJhcg=='];
      let sent = 0;
      const failures: string[] = [];
      const check = (what: string, res: { statusCode: number; body: string; headers: Record<string, unknown> }) => {
        sent++;
        if (res.statusCode >= 500) failures.push(`${what} → ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400 && !String(res.headers['content-type'] ?? '').includes('json')) failures.push(`${what} → ${res.statusCode} not JSON`);
      };
      for (const r of apiRoutes()) {
        if (r.url === '/api/v1/ws') continue;
        for (const auth of auths) {
          const headers = { ...(auth ? { authorization: auth } : {}), 'x-baton-signature': 't=1,v1=00' };
          for (const id of r.url.includes(':') ? ['does-not-exist', conv.conversation.id, '..%2F..', '%00', 'x'.repeat(300)] : ['']) {
            const url = fill(r.url, id);
            for (const q of QUERIES) {
              const res = await s.baton.app.inject({ method: r.method as 'GET', url: url + q, headers, payload: noBody(r.method) ? undefined : '{}' });
              check(`${r.method} ${url}${q.slice(0, 40)}`, res);
            }
            if (noBody(r.method)) continue;
            for (const m of malformedBodies()) {
              const res = await s.baton.app.inject({ method: r.method as 'POST', url, headers: { ...headers, 'content-type': m.type }, payload: m.payload });
              check(`${r.method} ${url} ${m.payload.slice(0, 40)}`, res);
            }
          }
        }
        expect(failures).toEqual([]);
      }
      expect(failures).toEqual([]);
      expect(sent).toBeGreaterThan(5000);
      expect((await call(s.url, 'GET', '/readyz')).status).toBe(200);
      expect((await createConversation(s.url)).token).toMatch(/^cu_/);
    }, 600_000);

    it('malformed socket frames of every type, on user and agent sockets: error frames, never INTERNAL, server healthy', async () => {
      const conv = await createConversation(s.url);
      const user = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${conv.token}`);
      // a new session: the HTTP fuzz above logged the first one out (POST /auth/logout with its token)
      const agentSocket = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${await login(s.url)}`);
      await user.waitFor((e) => e.some((x) => x.type === 'ready' || x.type === 'conversation.updated' || x.type === 'message.created'), 10_000, 'user socket up').catch(() => undefined);
      await agentSocket.waitFor((e) => e.some((x) => x.type === 'ready'), 10_000, 'agent ready');
      let frames = 0;
      for (const socket of [user, agentSocket]) {
        for (const f of malformedFrames(conv.conversation.id)) {
          if (socket.closed) break;
          socket.ws.send(JSON.stringify(f));
          frames++;
          // at a pace the per-socket frame limits allow: this is about bad bytes, not floods
          if (frames % 10 === 0) await new Promise((r) => setTimeout(r, 150));
        }
        for (const raw of ['{', 'not json', '\u0000', Buffer.from([0xff, 0xfe, 0x00]), '{"type":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}']) {
          if (!socket.closed) socket.ws.send(raw);
        }
        socket.send({ type: 'ping' });
        await socket.waitFor((e) => e.some((x) => x.type === 'pong') || socket.closed, 10_000, 'pong').catch(() => undefined);
      }
      const internal = [...user.events, ...agentSocket.events].filter((e) => e.error?.code === 'INTERNAL' || e.error?.code === undefined && e.type === 'error');
      expect(internal).toEqual([]);
      expect(frames).toBeGreaterThan(100);
      // refused frames were answered, and the server still serves everyone
      expect(user.events.filter((e) => e.type === 'error' || e.type === 'message.rejected').length).toBeGreaterThan(10);
      expect((await call(s.url, 'GET', '/healthz')).status).toBe(200);
      const fresh = await createConversation(s.url);
      const again = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${fresh.token}`);
      again.send({ type: 'ping' });
      await again.waitFor((e) => e.some((x) => x.type === 'pong'), 10_000, 'pong on a fresh socket');
      await Promise.all([user.close(), agentSocket.close(), again.close()]);
    }, 120_000);
  });
});

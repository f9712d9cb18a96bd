// Security review as tests: authorization on every route, and thousands of malformed bodies sent to
// every route with zero 5xx and the server still healthy afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login } from '../support/http.js';
import { makeAgent } from '../support/flows.js';
import { startTestServer, type TestServer } from '../support/server.js';

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer();
  admin = await login(s.url);
});
afterAll(async () => {
  await s?.close();
});

// routes anyone may call (with their own checks: signatures, user tokens)
const PUBLIC = new Set([
  'POST /api/v1/conversations',
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/logout',
  'GET /api/v1/openapi.json',
  'GET /api/v1/bots/schema.json',
  'GET /api/v1/ws',
]);
const USER_TOKEN = (r: string) => r.includes('/api/v1/conversations/');
const SIGNED = (r: string) => r.includes('/providers/webhook/') || r.includes('/providers/genesys-cloud/') || r.includes('/providers/help-scout/') || /\/channels\/:id\/events$/.test(r);
const AGENT_OK = (r: string) => r.startsWith('/api/v1/agent/') || r === '/api/v1/bots/:id/dialogs';

function routes(): Array<{ method: string; url: string }> {
  return s.baton.routes.filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD' && r.method !== 'OPTIONS');
}
const fill = (url: string) => url.replace(/:(\w+)/g, 'does-not-exist');

describe('authorization on every route', () => {
  it('no credentials → 401 everywhere except the public routes', async () => {
    for (const r of routes()) {
      const key = `${r.method} ${r.url}`;
      if (PUBLIC.has(key) || SIGNED(r.url)) continue;
      const res = await s.baton.app.inject({ method: r.method as 'GET', url: fill(r.url), payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      expect([401], `${key} answered ${res.statusCode}`).toContain(res.statusCode);
      expect(res.json().error.code).toMatch(/UNAUTHORIZED|SIGNATURE_INVALID/);
    }
  });

  it('a conversation token never opens agent or admin routes, nor another conversation', async () => {
    const a = await createConversation(s.url);
    const b = await createConversation(s.url);
    for (const r of routes()) {
      const key = `${r.method} ${r.url}`;
      if (PUBLIC.has(key) || SIGNED(r.url)) continue;
      const url = USER_TOKEN(r.url) ? r.url.replace(':id', b.conversation.id) : fill(r.url);
      const res = await s.baton.app.inject({ method: r.method as 'GET', url, headers: { authorization: `Bearer ${a.token}` }, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : { text: 'x' } });
      expect([401, 403, 404], `${key} answered ${res.statusCode}`).toContain(res.statusCode);
    }
  });

  it('an agent cannot reach admin routes', async () => {
    const agent = await makeAgent(s.url, admin);
    for (const r of routes()) {
      const key = `${r.method} ${r.url}`;
      if (PUBLIC.has(key) || SIGNED(r.url) || USER_TOKEN(r.url) || AGENT_OK(r.url) || r.url === '/api/v1/agent/me' || r.url === '/api/v1/auth/logout') continue;
      const res = await s.baton.app.inject({ method: r.method as 'GET', url: fill(r.url), headers: { authorization: `Bearer ${agent.token}` }, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      expect([403], `${key} answered ${res.statusCode} for an agent`).toContain(res.statusCode);
    }
  });
});

function* malformed(): Generator<{ payload: string; type: string }> {
  const values: unknown[] = [null, true, 0, -1, 1e308, 'text', '', [], [1, 2], {}, { text: null }, { text: 42 }, { text: [] }, { text: { a: 1 } }, { postback: '' }, { status: 'x' }, { email: 'x', password: 1 }, { agentId: null }, { skill: '../../etc' }, { dialog: 5 }, { variables: 'x' }, { variables: { a: { b: 1 } } }, { __proto__: { admin: true } }, { constructor: { prototype: { x: 1 } } }, { text: 'x'.repeat(5000) }, { buttons: [{}] }, { cards: 'x' }, { id: 'x', type: 'nope' }, { enabled: 'yes', timezone: 1, providers: 'x' }, { openingHours: { monday: [{ from: '25:00', to: '10:00' }] } }, { locale: '<script>' }, { user: { email: 'a@b' } }];
  for (const v of values) yield { payload: JSON.stringify(v), type: 'application/json' };
  for (const raw of ['{', '{"a":', '[1,', '"unterminated', '{"a":1}}', '\u0000', '{"text":"\\ud800"}', 'null', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}']) yield { payload: raw, type: 'application/json' };
  yield { payload: 'a=1&b=2', type: 'application/x-www-form-urlencoded' };
  yield { payload: '<xml/>', type: 'application/xml' };
  yield { payload: 'key: [unclosed', type: 'application/yaml' };
  yield { payload: 'plain', type: 'text/plain' };
}

describe('fuzz', () => {
  it('thousands of malformed requests: never a 5xx, always a JSON error, server still healthy', async () => {
    const agent = await makeAgent(s.url, admin);
    const conv = await createConversation(s.url);
    const auths = [undefined, `Bearer ${admin}`, `Bearer ${agent.token}`, `Bearer ${conv.token}`, 'Basic Zm9vOmJhcg=='];
    let sent = 0;
    const failures: string[] = [];
    for (const r of routes()) {
      if (r.url === '/api/v1/ws') continue;
      for (const auth of auths) {
        for (const m of malformed()) {
          for (const id of r.url.includes(':') ? ['does-not-exist', conv.conversation.id, '..%2F..'] : ['']) {
            const url = r.url.replace(/:(\w+)/g, id);
            const res = await s.baton.app.inject({
              method: r.method as 'GET',
              url,
              headers: { ...(auth ? { authorization: auth } : {}), 'content-type': m.type, 'x-baton-signature': 't=1,v1=00' },
              payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : m.payload,
            });
            sent++;
            if (res.statusCode >= 500) failures.push(`${r.method} ${url} ${m.payload.slice(0, 40)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
            else if (res.statusCode >= 400 && !res.headers['content-type']?.toString().includes('json')) failures.push(`${r.method} ${url} → ${res.statusCode} not JSON`);
            if (sent % 500 === 0) expect(failures).toEqual([]);
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(2000);
    expect((await call(s.url, 'GET', '/readyz')).status).toBe(200);
    const after = await createConversation(s.url);
    expect(after.token).toMatch(/^cu_/);
  }, 300_000);
});

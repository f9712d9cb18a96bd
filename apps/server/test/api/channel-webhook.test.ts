// A channel webhook end to end: a connector posts signed user messages, and receives the bot's and
// agents' messages at its URL, signed, with a plain-text fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/providers/signing.js';
import { decrypt } from '../../src/secrets.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const SECRET = 'channel-secret-0123456789';
let s: TestServer;
let admin: string;
let rx: Awaited<ReturnType<typeof startReceiver>>;
beforeAll(async () => {
  s = await startTestServer();
  admin = await login(s.url);
  rx = await startReceiver(SECRET);
  // SQLite's writer thread up, as on a server that has been running: the bot's replies to a channel
  // must still become deliveries (a turn stored by the writer could not add them)
  await s.baton.deps.store.ready();
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

function post(channelId: string, body: unknown, opts: { secret?: string; t?: number } = {}) {
  const raw = JSON.stringify(body);
  return call(s.url, 'POST', `/api/v1/channels/${channelId}/events`, {
    raw,
    headers: { 'x-baton-signature': signBody(opts.secret ?? SECRET, raw, opts.t ?? Math.floor(Date.now() / 1000)) },
  });
}

describe('channel webhook', () => {
  it('is configured by admins, with the secret write-only', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: 'not a url', secret: 'short' } });
    expect(bad.status).toBe(422);
    const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS connector', url: rx.url, secret: SECRET } });
    expect(r.status).toBe(201);
    expect(r.body.channel.secret).toBe('********');
    const list = await call(s.url, 'GET', '/api/v1/channels', { token: admin });
    expect(JSON.stringify(list.body)).not.toContain(SECRET);
    const agent = await makeAgent(s.url, admin);
    expect((await call(s.url, 'GET', '/api/v1/channels', { token: agent.token })).status).toBe(403);
  });

  it('PATCH changes only what it names: the mask keeps the secret, a missing `enabled` keeps the switch', async () => {
    const created = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'app', name: 'App', url: rx.url, secret: SECRET, enabled: false } });
    expect(created.status).toBe(201);
    const renamed = await call(s.url, 'PATCH', '/api/v1/channels/app', { token: admin, body: { name: 'Mobile app', secret: '********' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.channel).toMatchObject({ name: 'Mobile app', enabled: false });
    const row = await s.baton.deps.store.db.selectFrom('channels').select('secret').where('id', '=', 'app').executeTakeFirstOrThrow();
    expect(decrypt(row.secret, s.baton.deps.secretKey())).toBe(SECRET);
    expect((await call(s.url, 'PATCH', '/api/v1/channels/app', { token: admin, body: { secret: 'short' } })).status).toBe(422);
    expect((await call(s.url, 'DELETE', '/api/v1/channels/app', { token: admin })).status).toBe(200);
  });

  it('refuses unsigned, wrongly signed and stale events', async () => {
    const body = { id: 'e0', type: 'message', user: { id: '+32470000000' }, text: 'hi' };
    const unsigned = await call(s.url, 'POST', '/api/v1/channels/sms/events', { body });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('SIGNATURE_INVALID');
    expect((await post('sms', body, { secret: 'wrong-secret-0123456789' })).body.error.code).toBe('SIGNATURE_INVALID');
    const stale = await post('sms', body, { t: Math.floor(Date.now() / 1000) - 301 });
    expect(stale.body.error.code).toBe('TIMESTAMP_OUT_OF_WINDOW');
    const future = await post('sms', body, { t: Math.floor(Date.now() / 1000) + 301 });
    expect(future.status).toBe(401);
    expect((await post('sms', { id: 'e1', type: 'message', user: { id: 'x' } })).status).toBe(422);
  });

  it('a user message gets the bot reply at the channel URL, signed, structured and with a text fallback', async () => {
    const first = await post('sms', { id: 'in-1', type: 'message', user: { id: '+32470000001', name: 'Piet' }, locale: 'en', text: 'hello' });
    expect(first.status).toBe(201);
    expect(first.body.created).toBe(true);
    const conversationId = first.body.conversationId as string;
    const again = await post('sms', { id: 'in-1', type: 'message', user: { id: '+32470000001', name: 'Piet' }, locale: 'en', text: 'hello' });
    expect(again.status).toBe(200);
    expect(again.body.message.id).toBe(first.body.message.id);
    await waitFor(() => rx.received.filter((r) => r.body?.conversationId === conversationId).length >= 2, 10_000, 'welcome and reply delivered');
    const mine = rx.received.filter((r) => r.body.conversationId === conversationId);
    for (const r of mine) {
      expect(r.signatureOk).toBe(true);
      expect(r.headers['x-baton-event']).toBe('message.created');
      expect(r.headers['x-baton-delivery']).toBe(r.body.id);
      expect(r.body.user.id).toBe('+32470000001');
      expect(typeof r.body.fallbackText).toBe('string');
    }
    const withButtons = mine.find((r) => r.body.message.buttons?.length);
    if (withButtons) expect(withButtons.body.fallbackText).toMatch(/1\. /);
    // the same user continues the same conversation
    const next = await post('sms', { id: 'in-2', type: 'message', user: { id: '+32470000001' }, text: 'thanks' });
    expect(next.body.conversationId).toBe(conversationId);
    expect(next.body.created).toBe(false);
  });

  it('agent messages reach the channel too', async () => {
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const r = await post('sms', { id: 'in-3', type: 'message', user: { id: '+32470000002' }, locale: 'en', text: 'I want to speak to a real agent' });
    const conversationId = r.body.conversationId as string;
    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Hello from a human', cards: [{ title: 'Invoice 42', subtitle: 'due Friday' }] } });
    const got = await waitFor(() => rx.received.find((x) => x.body?.message?.text === 'Hello from a human'), 10_000, 'agent message delivered');
    expect(got.body.message.author).toMatchObject({ type: 'agent', name: agent.name });
    expect(got.body.fallbackText).toContain('Invoice 42 — due Friday');
    expect(got.signatureOk).toBe(true);
  });
});

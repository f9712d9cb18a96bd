// Several providers at once: the bot's offload step names one, else a provider serving the skill
// gets it, else the default; a disabled provider is skipped.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login } from '../support/http.js';
import { ASK_FOR_AGENT, openOffloading } from '../support/flows.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const SECRET = 'provider-choice-secret-0123456789';
const demo = fs.readFileSync(fileURLToPath(new URL('../../../../examples/demo-bot.yaml', import.meta.url)), 'utf8');
let s: TestServer;
let admin: string;
let rx: Awaited<ReturnType<typeof startReceiver>>;

const webhook = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'webhook', name: `Center ${id}`, config: { url: `${rx.url}?p=${id}`, secret: SECRET }, ...extra });

beforeAll(async () => {
  rx = await startReceiver(SECRET);
  s = await startTestServer();
  admin = await login(s.url);
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

async function say(conv: { id: string; token: string }, text: string) {
  const r = await call(s.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token: conv.token, body: { text } });
  expect(r.status).toBe(201);
  const seq = r.body.message.seq as number;
  await waitFor(async () => (await call(s.url, 'GET', `/api/v1/conversations/${conv.id}/messages?after=${seq}`, { token: conv.token })).body.messages.some((m: { author: { type: string } }) => m.author.type === 'bot'), 10_000, 'bot answer');
}

/** Runs a flow in a new conversation and returns the provider it was handed to. */
async function providerFor(flow: 'explicit' | 'address'): Promise<string> {
  const c = await createConversation(s.url, { locale: 'en' });
  const conv = { id: c.conversation.id, token: c.token };
  if (flow === 'explicit') await say(conv, ASK_FOR_AGENT.en!);
  else for (const text of ['I want my paper sent to a new address', 'Jan Peeters', 'Kerkstraat 1, 9000 Gent', 'jan@example.com']) await say(conv, text);
  const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${conv.id}`, { token: admin });
  expect(detail.body.conversation.status).toBe('offloaded');
  return detail.body.conversation.providerId;
}

describe('choosing a provider', () => {
  it('skill match, then default; a disabled provider is skipped', async () => {
    await openOffloading(s.url, admin, { defaultProviderId: 'a', providers: [{ id: 'desk', type: 'desk', name: 'Desk' }, webhook('a'), webhook('b', { skills: ['address_change'] })] });
    expect(await providerFor('explicit')).toBe('a'); // skill general: nobody serves it, the default
    expect(await providerFor('address')).toBe('b'); // skill address_change: b serves it
    await s.baton.outbox.runOnce();
    await waitFor(() => rx.received.some((r) => r.body.type === 'handover.requested' && r.body.handover.skill === 'address_change'), 5_000, 'delivery');

    await openOffloading(s.url, admin, { defaultProviderId: 'a', providers: [{ id: 'desk', type: 'desk', name: 'Desk' }, webhook('a'), webhook('b', { skills: ['address_change'], enabled: false })] });
    expect(await providerFor('address')).toBe('a');
  });

  it("the bot's offload step names the provider, whatever the skill", async () => {
    await openOffloading(s.url, admin, { defaultProviderId: 'a', providers: [{ id: 'desk', type: 'desk', name: 'Desk' }, webhook('a'), webhook('b', { skills: ['address_change'] })] });
    const named = demo.replace('          trigger: explicit\n', '          trigger: explicit\n          providerId: desk\n');
    expect(named).not.toBe(demo);
    const put = await call(s.url, 'PUT', '/api/v1/bots/demo', { token: admin, raw: named, headers: { 'content-type': 'application/yaml' } });
    expect(put.status).toBe(200);
    expect(await providerFor('explicit')).toBe('desk');
    expect(await providerFor('address')).toBe('b');
  });

  it('refuses a default provider that does not exist', async () => {
    const cur = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const r = await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...cur.body, defaultProviderId: 'zzz' } });
    expect(r.status).toBe(422);
  });
});

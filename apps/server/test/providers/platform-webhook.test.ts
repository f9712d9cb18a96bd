// The Offloading Webhook in platform mode: a channel webhook whose own platform takes the handover
// (the provider's `channelId`). Its conversations are handed over there whatever the skill, the bot
// stops answering once the handover is delivered, and the agent messages the platform reports come
// into Baton's history without being sent back to the channel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/providers/signing.js';
import { call, login } from '../support/http.js';
import { openOffloading } from '../support/flows.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const SECRET = 'platform-secret-0123456789';
let s: TestServer;
let admin: string;
let rx: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  s = await startTestServer();
  admin = await login(s.url);
  // one receiver plays the platform: it is the channel webhook and the Offloading Webhook provider
  rx = await startReceiver(SECRET);
  expect((await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'cc-chat', name: 'Contact center chat', url: rx.url, secret: SECRET } })).status).toBe(201);
  const settings = await openOffloading(s.url, admin);
  await openOffloading(s.url, admin, {
    defaultProviderId: 'desk',
    providers: [...settings.providers.filter((p: { id: string }) => p.id !== 'cc'), { id: 'cc', type: 'webhook', name: 'Contact center', config: { url: rx.url, secret: SECRET, channelId: 'cc-chat' } }],
  });
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

const signed = (path: string, body: unknown) => {
  const raw = JSON.stringify(body);
  return call(s.url, 'POST', path, { raw, headers: { 'x-baton-signature': signBody(SECRET, raw, Math.floor(Date.now() / 1000)) } });
};
const userSays = (id: string, text: string) => signed('/api/v1/channels/cc-chat/events', { id, type: 'message', user: { id: 'u-42', name: 'Jan' }, locale: 'en', text });
const transcript = async (id: string) => (await call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token: admin })).body;
/** what Baton delivered to the channel (message.created to the channel's URL) */
const toChannel = (id: string) => rx.received.filter((r) => r.headers['x-baton-event'] === 'message.created' && r.body.channelId === 'cc-chat' && r.body.conversationId === id);

describe('Offloading Webhook in platform mode', () => {
  it('hands the channel’s conversation to its own platform, goes silent, and records the agent messages it reports', async () => {
    const first = await userSays('m1', 'hello');
    expect(first.status).toBe(201);
    const id = first.body.conversationId as string;
    await userSays('m2', 'I want to speak to a real agent');
    // the handover goes to the platform (not the default desk), carrying the channel
    const handover = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return rx.received.find((r) => r.headers['x-baton-event'] === 'handover.requested' && r.body.conversation.id === id);
    }, 10_000, 'handover to the platform');
    expect(handover.signatureOk).toBe(true);
    expect(handover.body.conversation.channelId).toBe('cc-chat');
    // delivered: the platform has it, the bot is silent at once
    await waitFor(async () => (await transcript(id)).conversation.status === 'agent', 10_000, 'agent after the handover');
    expect((await transcript(id)).conversation.assignee).toMatchObject({ name: 'Contact center' });
    const before = toChannel(id).length;
    await userSays('m3', 'what are your opening hours');
    // the agent writes on the platform, which reports it
    const reported = await signed('/api/v1/providers/webhook/cc/events', { id: 'evt-1', type: 'agent.message', conversationId: id, agent: { id: 'u-17', name: 'Alex' }, text: 'Hi Jan, Alex here.' });
    expect(reported.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    await s.baton.outbox.runOnce();
    // no bot answer, and the agent's message is not sent back to the channel it came from
    expect(toChannel(id).length).toBe(before);
    const t = await transcript(id);
    expect(t.messages.filter((m: { author: { type: string } }) => m.author.type === 'agent').map((m: { text: string; author: { name: string } }) => [m.author.name, m.text])).toEqual([['Alex', 'Hi Jan, Alex here.']]);
    expect(t.messages.filter((m: { author: { type: string } }) => m.author.type === 'user').map((m: { text: string }) => m.text)).toEqual(['hello', 'I want to speak to a real agent', 'what are your opening hours']);
    // the user's own message was not echoed to the platform as a provider event either
    expect(rx.received.some((r) => r.headers['x-baton-event'] === 'message.created' && r.body.message?.text === 'what are your opening hours')).toBe(false);

    // the platform hands back: the bot answers on the channel again
    expect((await signed('/api/v1/providers/webhook/cc/events', { id: 'evt-2', type: 'conversation.handback', conversationId: id })).status).toBe(200);
    await waitFor(async () => (await transcript(id)).conversation.status === 'bot', 10_000, 'handed back');
    await userSays('m4', 'what are your opening hours');
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return toChannel(id).some((r) => String(r.body.message.text).includes('Monday to Friday'));
    }, 10_000, 'bot answers on the channel again');
  });

  it('leaves other conversations to the normal choice of provider', async () => {
    const c = await call(s.url, 'POST', '/api/v1/conversations', { body: { locale: 'en' } });
    await call(s.url, 'POST', `/api/v1/conversations/${c.body.conversation.id}/messages`, { token: c.body.token, body: { text: 'I want to speak to a real agent' } });
    await waitFor(async () => (await transcript(c.body.conversation.id)).conversation.status === 'offloaded', 10_000, 'offloaded');
    expect((await transcript(c.body.conversation.id)).conversation.handover.providerId).toBe('desk');
  });
});

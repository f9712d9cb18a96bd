// Understanding users through the public APIs, on both stores: a typed answer to the "talk to a
// person?" buttons hands over as the button does (Channel API and the channel webhook's numbered
// fallback text), an upset user is handed over with trigger frustration and analytics count it, the
// language is read from the first message, and the desk's hand-back list is labelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/providers/signing.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { openOffloading } from '../support/flows.js';
import { startReceiver } from '../support/receiver.js';
import { startOnStore, waitFor, type TestServer, type TestStore } from '../support/server.js';

const SECRET = 'channel-secret-0123456789';

describe.each(['sqlite', 'postgres'] as TestStore[])('understanding users on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    rx = await startReceiver(SECRET);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });

  async function start(locale: string) {
    const c = await createConversation(s.url, { locale });
    await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).some((m) => m.author.type === 'bot'), 10_000, 'welcome');
    return { id: c.conversation.id, token: c.token };
  }
  async function say(conv: { id: string; token: string }, text: string) {
    const sent = await call(s.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token: conv.token, body: { text } });
    expect(sent.status).toBe(201);
    return waitFor(async () => {
      const after = (await messages(s.url, conv.id, conv.token, sent.body.message.seq)).filter((m) => m.author.type === 'bot');
      return after.length ? after : undefined;
    }, 10_000, `bot answer to ${text}`);
  }
  const agentView = async (id: string) => (await call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token: admin })).body.conversation;

  it('a typed "ja hoor" to the offer of a person hands over with trigger not_understood, as the Yes button does', async () => {
    const c = await start('nl');
    const offer = await say(c, 'mijn oma breit blauwe sokken');
    expect(offer[0]!.buttons.map((b: { title: string }) => b.title)).toEqual(['Ja, graag', 'Nee, bedankt']);
    await say(c, 'ja hoor');
    const conv = await waitFor(async () => {
      const v = await agentView(c.id);
      return v.status !== 'bot' ? v : undefined;
    }, 10_000, 'handover');
    expect(conv.handover).toMatchObject({ trigger: 'not_understood', dialog: 'offer_accepted' });
  });

  it('on a channel without buttons, answering "1" to the numbered fallback text hands over', async () => {
    expect((await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: rx.url, secret: SECRET } })).status).toBe(201);
    const post = (id: string, text: string) => {
      const raw = JSON.stringify({ id, type: 'message', user: { id: '+32470000009' }, locale: 'en', text });
      return call(s.url, 'POST', '/api/v1/channels/sms/events', { raw, headers: { 'x-baton-signature': signBody(SECRET, raw, Math.floor(Date.now() / 1000)) } });
    };
    const first = await post('u-1', 'my grandmother knits blue socks');
    expect(first.status).toBe(201);
    const conversationId = first.body.conversationId as string;
    const offer = await waitFor(() => rx.received.find((r) => r.body?.conversationId === conversationId && /1\. Yes, please/.test(r.body.fallbackText)), 10_000, 'offer delivered');
    expect(offer.body.fallbackText).toContain('2. No, thanks');
    expect((await post('u-2', '1')).status).toBe(201);
    const conv = await waitFor(async () => {
      const v = await agentView(conversationId);
      return v.status !== 'bot' ? v : undefined;
    }, 10_000, 'handover');
    expect(conv.handover).toMatchObject({ trigger: 'not_understood' });
  });

  it('an upset user is handed over at once with trigger frustration, and analytics count it', async () => {
    const before = (await call(s.url, 'GET', '/api/v1/analytics', { token: admin })).body.handovers.byTrigger.frustration ?? 0;
    const c = await start('fr');
    const answer = await say(c, "C'est nul, j'en ai vraiment marre !");
    expect(answer[0]!.text).toMatch(/désolé/);
    const conv = await waitFor(async () => {
      const v = await agentView(c.id);
      return v.status !== 'bot' ? v : undefined;
    }, 10_000, 'handover');
    expect(conv.handover).toMatchObject({ trigger: 'frustration', dialog: 'frustrated' });
    const analytics = await call(s.url, 'GET', '/api/v1/analytics', { token: admin });
    expect(analytics.status).toBe(200);
    expect(analytics.body.handovers.byTrigger.frustration).toBe(before + 1);
  });

  it('a Dutch first message on an English page switches the conversation to Dutch, and it stays', async () => {
    const c = await start('en');
    const answer = await say(c, 'mijn adres is veranderd');
    expect(answer[0]!.text).toMatch(/Wat is je volledige naam/);
    const view = await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token });
    expect(view.body.conversation.language).toBe('nl');
    await say(c, 'John Smith');
    expect((await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.language).toBe('nl');
  });

  it('the hand-back list: labelled targets, without system dialogs or dialogs that hand over again', async () => {
    const r = await call(s.url, 'GET', '/api/v1/bots/demo/dialogs', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.dialogs).toContain('welcome');
    const names = r.body.targets.map((t: { name: string }) => t.name);
    for (const hidden of ['welcome', 'not_understood', 'offloading_opened', 'offloading_timeout', 'frustrated', 'offer_accepted', 'talk_to_agent']) expect(names).not.toContain(hidden);
    expect(r.body.targets).toContainEqual({ name: 'opening_hours', label: 'Opening hours' });
    expect(r.body.targets).toContainEqual({ name: 'offer_declined', label: 'Topic menu' });
  });
});

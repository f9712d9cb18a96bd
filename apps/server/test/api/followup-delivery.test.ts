// Where follow-ups go: the reply reaches the user on the conversation's channel (the channel webhook's
// outbox) and by e-mail through SMTP_URL — a real SMTP server on loopback (smtp-server) that refuses
// the first attempt (451) and accepts the retry; and providers receive `followup.requested`: the
// Offloading Webhook signed as every event, Help Scout as an e-mail conversation (its simulator
// accepts only what the Mailbox API 2.0 accepts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHelpScoutSimulator, type HelpScoutSimulator } from '../../../../tools/simulators/help-scout.js';
import { signBody } from '../../src/providers/signing.js';
import { ASK_FOR_AGENT } from '../support/flows.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startReceiver } from '../support/receiver.js';
import { quotedPrintable, startSmtp } from '../support/smtp.js';
import { startOnStore, startTestServer, waitFor, type TestServer, type TestStore } from '../support/server.js';

const stores: TestStore[] = (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];
const SECRET = 'channel-secret-0123456789';

/** every day closed: whatever the hour the tests run at, offloading is closed */
const ALWAYS_CLOSED = { enabled: true, alwaysOpen: false, openingHours: {}, closures: [] };

async function putSettings(s: TestServer, admin: string, patch: Record<string, unknown>) {
  const current = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
  const r = await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current.body, ...patch } });
  if (r.status !== 200) throw new Error(`settings: ${r.status} ${JSON.stringify(r.body)}`);
}

describe.each(stores)('follow-up replies on the channel and by e-mail (%s)', (store) => {
  let s: TestServer;
  let admin: string;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    smtp = await startSmtp(1);
    rx = await startReceiver(SECRET);
    s = await startOnStore(store, { env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Acme Support <support@example.com>' } });
    admin = await login(s.url);
    await putSettings(s, admin, ALWAYS_CLOSED);
    const ch = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: rx.url, secret: SECRET } });
    expect(ch.status).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
    await smtp?.close();
    await rx?.close();
  });

  let n = 0;
  /** a signed channel event: the user's text on the SMS channel */
  async function sms(user: string, text: string) {
    const raw = JSON.stringify({ id: `in-${++n}`, type: 'message', user: { id: user }, locale: 'en', text });
    const r = await call(s.url, 'POST', '/api/v1/channels/sms/events', { raw, headers: { 'x-baton-signature': signBody(SECRET, raw, Math.floor(Date.now() / 1000)) } });
    expect(r.status).toBeLessThan(300);
    return r.body.conversationId as string;
  }
  /** what the channel received for this conversation, as texts */
  const delivered = (conversationId: string) => rx.received.filter((r) => r.body?.conversationId === conversationId).map((r) => r.body?.message?.text ?? r.body?.text ?? '');
  const pump = <T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return fn();
    }, 15_000, what);

  /** A user on SMS asks for a person while offloading is closed and leaves a message; the conversation's id. */
  async function leaveMessageBySms(user: string, email: string, question: string): Promise<string> {
    const id = await sms(user, ASK_FOR_AGENT.en!);
    await pump(() => delivered(id).some((t) => t.includes('Would you like to leave a message?')), 'closed dialog on the channel');
    // "1": the first button, as text-only channels show them
    await sms(user, '1');
    await pump(() => delivered(id).some((t) => t.includes('What is your e-mail address')), 'e-mail question');
    await sms(user, email);
    await pump(() => delivered(id).some((t) => t.includes('What would you like to ask us?')), 'question');
    await sms(user, question);
    await pump(() => delivered(id).some((t) => t.includes(`we'll answer at ${email}`)), 'thanks');
    return id;
  }

  it('a user on a text channel leaves a message by numbers; the reply reaches the channel, and the e-mail arrives once SMTP accepts', async () => {
    const id = await leaveMessageBySms(`+3247${Math.floor(Math.random() * 1e7)}`, 'piet@example.com', 'Is the Sunday edition included?');

    const list = await call(s.url, 'GET', '/api/v1/agent/followups', { token: admin });
    const f = list.body.followups.find((x: { conversationId: string }) => x.conversationId === id);
    expect(f).toMatchObject({ reason: 'closed', email: 'piet@example.com', question: 'Is the Sunday edition included?' });

    const reply = await call(s.url, 'POST', `/api/v1/agent/followups/${f.id}/reply`, { token: admin, body: { text: 'Yes, it is included.' } });
    expect(reply.status).toBe(200);
    expect(reply.body.emailed).toBe(true);
    await pump(() => delivered(id).includes('Yes, it is included.'), 'the reply on the channel');
    // the first SMTP attempt is refused (451): the mail stays queued and is sent on a retry
    const mail = await pump(() => smtp.mails.find((m) => m.to.includes('piet@example.com')), 'the e-mail, after a refusal');
    expect(smtp.state.refused).toBe(1);
    expect(mail.from).toBe('support@example.com');
    expect(mail.raw).toMatch(/^Subject: Reply to your question/m);
    expect(mail.raw).toMatch(new RegExp(`^X-Baton-Followup: ${f.id}`, 'm'));
    const body = quotedPrintable(mail.raw.slice(mail.raw.indexOf('\r\n\r\n')));
    expect(body).toContain('Yes, it is included.');
    expect(body).toContain('> Is the Sunday edition included?');
    const rows = await s.baton.deps.store.db.selectFrom('outbox').select(['status', 'attempts', 'last_error']).where('provider_id', '=', 'mail:smtp').execute();
    expect(rows).toEqual([{ status: 'delivered', attempts: 2, last_error: null }]);
  });

  it('a mail the SMTP server keeps refusing does not hold up the conversation\'s channel deliveries', async () => {
    smtp.state.refuse = 1_000_000;
    try {
      const user = `+3248${Math.floor(Math.random() * 1e7)}`;
      const id = await leaveMessageBySms(user, 'greet@example.com', 'Do you deliver on Sundays?');
      const f = (await call(s.url, 'GET', '/api/v1/agent/followups', { token: admin })).body.followups.find((x: { conversationId: string }) => x.conversationId === id);
      expect((await call(s.url, 'POST', `/api/v1/agent/followups/${f.id}/reply`, { token: admin, body: { text: 'Yes, we do.' } })).body.emailed).toBe(true);
      await pump(() => delivered(id).includes('Yes, we do.'), 'the reply on the channel');
      const mailRow = () => s.baton.deps.store.db.selectFrom('outbox').select(['status', 'attempts']).where('provider_id', '=', 'mail:smtp').where('conversation_id', '=', id).executeTakeFirstOrThrow();
      await pump(async () => (await mailRow()).attempts > 0, 'a refused attempt');
      // the user writes again while the mail waits for its next attempt: the bot's answer goes out at once
      await sms(user, 'thanks');
      await pump(() => delivered(id).some((t) => t.includes("You're welcome")), 'the answer while the mail waits');
      expect((await mailRow()).status).toBe('pending');
    } finally {
      smtp.state.refuse = 0;
    }
  });
});

describe('providers receive followup.requested', () => {
  let s: TestServer;
  let admin: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let sim: HelpScoutSimulator;
  const HOOK_SECRET = 'webhook-secret-0123456789';

  beforeAll(async () => {
    rx = await startReceiver(HOOK_SECRET);
    s = await startTestServer();
    admin = await login(s.url);
    sim = await startHelpScoutSimulator({ clientId: 'app', clientSecret: 'hs-secret-0123456789', mailboxIds: [1001], webhookUrl: `${s.url}/api/v1/providers/help-scout/hs/webhook`, webhookSecret: 'hs-webhook-secret-0123456789' });
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
    await sim?.close();
  });

  async function leaveMessage(email: string, question: string) {
    const c = await createConversation(s.url, { locale: 'en' });
    const conv = { id: c.conversation.id as string, token: c.token as string };
    const say = async (text: string) => {
      const before = (await messages(s.url, conv.id, conv.token)).length;
      await call(s.url, 'POST', `/api/v1/conversations/${conv.id}/messages`, { token: conv.token, body: { text } });
      await waitFor(async () => (await messages(s.url, conv.id, conv.token)).slice(before).some((m) => m.author.type === 'bot'), 10_000, `answer to ${text}`);
    };
    await waitFor(async () => (await messages(s.url, conv.id, conv.token)).length > 0, 10_000, 'welcome');
    await say(ASK_FOR_AGENT.en!);
    await say('Leave a message');
    await say(email);
    await say(question);
    return conv.id;
  }

  it('the Offloading Webhook gets it signed, with the follow-up and the transcript', async () => {
    await putSettings(s, admin, { ...ALWAYS_CLOSED, defaultProviderId: 'acme', providers: [{ id: 'desk', type: 'desk', name: 'Desk' }, { id: 'acme', type: 'webhook', name: 'Acme', config: { url: rx.url, secret: HOOK_SECRET } }] });
    const id = await leaveMessage('lea@example.com', 'Do you deliver abroad?');
    const got = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return rx.received.find((r) => r.headers['x-baton-event'] === 'followup.requested' && r.body.conversation.id === id);
    }, 10_000, 'followup.requested');
    expect(got.signatureOk).toBe(true);
    expect(got.headers['x-baton-delivery']).toBe(got.body.id);
    expect(got.body.followup).toMatchObject({ reason: 'closed', email: 'lea@example.com', question: 'Do you deliver abroad?', skill: 'general', language: 'en', id: expect.any(String) });
    expect(got.body.transcript.some((m: { text?: string }) => m.text === ASK_FOR_AGENT.en)).toBe(true);
  });

  it('Help Scout gets an e-mail conversation to the customer holding the question', async () => {
    await putSettings(s, admin, {
      ...ALWAYS_CLOSED,
      defaultProviderId: 'hs',
      providers: [{ id: 'desk', type: 'desk', name: 'Desk' }, { id: 'hs', type: 'help-scout', name: 'Help Scout', config: { baseUrl: sim.url, clientId: 'app', clientSecret: 'hs-secret-0123456789', mailboxId: 1001, webhookSecret: 'hs-webhook-secret-0123456789' } }],
    });
    const id = await leaveMessage('tom@example.net', 'Can I get an invoice for last year?');
    const conv = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.conversations().find((c) => c.threads.some((t) => t.body.includes(id)));
    }, 10_000, 'the Help Scout conversation');
    expect(conv).toMatchObject({ type: 'email', status: 'active', mailboxId: 1001 });
    expect(conv.tags).toEqual(expect.arrayContaining(['baton', 'follow-up']));
    const customer = conv.threads.find((t) => t.type === 'customer')!;
    expect(customer.body).toContain('Can I get an invoice for last year?');
    expect(customer.createdBy.email).toBe('tom@example.net');
    // delivered once: a second pass of the outbox creates nothing more
    await s.baton.outbox.runOnce();
    expect(sim.conversations().filter((c) => c.threads.some((t) => t.body.includes(id)))).toHaveLength(1);
  });
});

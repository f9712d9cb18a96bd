// The Twilio SMS channel end to end against the Programmable Messaging simulator, on both stores:
// X-Twilio-Signature over the public URL and the sorted form (refusal stores nothing), the bot's
// buttons as numbered options answered by typed numbers and titles, a handover and the agent's reply
// with its StatusCallback statuses, long texts cut by segments, a 429 and a 500 retried by the outbox
// without loss, a redelivered webhook stored once, and MMS media shown to the agent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioSmsSimulator, twilioSignature, type SentSms, type TwilioSmsSimulator } from '../../../../tools/simulators/twilio-sms.js';
import { segmentCount, splitIntoMessages } from '../../src/channels/sms-twilio/segments.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startOnStore, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';

const STORES: TestStore[] = ['sqlite', 'postgres'];
const ACCOUNT_SID = `AC${'1a'.repeat(16)}`;
const AUTH_TOKEN = 'twilio-auth-token-0123456789abcdef';
const NUMBER = '+15005550006';

describe('SMS segments', () => {
  it('counts GSM-7 and UCS-2 segments as carriers do', () => {
    expect(segmentCount('a'.repeat(160))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(segmentCount('a'.repeat(161))).toEqual({ encoding: 'GSM-7', segments: 2 });
    expect(segmentCount('a'.repeat(306))).toEqual({ encoding: 'GSM-7', segments: 2 });
    // the extension table's characters take two septets
    expect(segmentCount('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1 });
    expect(segmentCount('€'.repeat(81))).toEqual({ encoding: 'GSM-7', segments: 2 });
    // one character outside GSM-7 makes the whole text UCS-2
    expect(segmentCount(`${'a'.repeat(69)}ł`)).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(segmentCount(`${'a'.repeat(70)}ł`)).toEqual({ encoding: 'UCS-2', segments: 2 });
    expect(segmentCount('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1 });
  });

  it('cuts a long text at word breaks into messages within the segment budget', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    const parts = splitIntoMessages(words, 2);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(segmentCount(p).segments).toBeLessThanOrEqual(2);
    expect(parts.join(' ')).toBe(words);
    for (const p of parts) expect(p).toMatch(/^word\d+( word\d+)*$/);
    const unicode = 'Zażółć gęślą jaźń. '.repeat(30).trim();
    const u = splitIntoMessages(unicode, 1);
    for (const p of u) expect(segmentCount(p)).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(u.join(' ')).toBe(unicode);
  });
});

describe.each(STORES)('Twilio SMS channel on %s', (store) => {
  let s: TestServer;
  let sim: TwilioSmsSimulator;
  let admin: string;
  const clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
  const hook = '/api/v1/channels/sms/sms-twilio';

  beforeAll(async () => {
    s = await startOnStore(store, { clock });
    admin = await login(s.url);
    sim = await startTwilioSmsSimulator({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, numbers: [NUMBER], webhookUrl: `${s.url}${hook}` });
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await sim?.close();
    await s?.close();
  });

  /** waits for an SMS Baton sent to `to`, running the outbox meanwhile */
  const sentTo = (to: string, match: (m: SentSms) => boolean, what: string) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.sent.find((m) => m.to === to && match(m));
    }, 10_000, what);
  const conversationOf = async (phone: string) =>
    (await s.baton.deps.store.db.selectFrom('conversations').innerJoin('end_users', 'end_users.id', 'conversations.end_user_id').select('conversations.id').where('end_users.verified_id', '=', `channel:sms:${phone}`).executeTakeFirst())?.id;
  const countMessages = async (conversationId: string) => Number((await s.baton.deps.store.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n);

  it('is created with its config, the auth token masked, and tests its credentials', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', type: 'sms-twilio', name: 'SMS', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN } } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('config.from');
    const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', type: 'sms-twilio', name: 'SMS', config: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, from: NUMBER, publicUrl: s.url, apiBaseUrl: sim.apiBaseUrl } } });
    expect(r.status).toBe(201);
    expect(r.body.channel).toMatchObject({ type: 'sms-twilio', inboundUrl: hook, config: { accountSid: ACCOUNT_SID, authToken: '********', from: NUMBER } });
    const stored = await s.baton.deps.store.db.selectFrom('channels').select('config').where('id', '=', 'sms').executeTakeFirstOrThrow();
    expect(stored.config).not.toContain(AUTH_TOKEN);

    const test = await call(s.url, 'POST', '/api/v1/channels/sms/test', { token: admin });
    expect(test.body).toMatchObject({ ok: true });
    expect(test.body.message).toContain(`${s.url}${hook}`);
    await call(s.url, 'PATCH', '/api/v1/channels/sms', { token: admin, body: { config: { authToken: 'a-wrong-auth-token-0000' } } });
    const refused = await call(s.url, 'POST', '/api/v1/channels/sms/test', { token: admin });
    expect(refused.body).toMatchObject({ ok: false });
    expect(refused.body.message).toMatch(/20003/);
    await call(s.url, 'PATCH', '/api/v1/channels/sms', { token: admin, body: { config: { authToken: AUTH_TOKEN } } });
    expect((await call(s.url, 'POST', '/api/v1/channels/sms/test', { token: admin })).body.ok).toBe(true);
  });

  it('refuses a webhook not signed for this URL with the auth token: 401, nothing stored', async () => {
    const form = new URLSearchParams({ MessageSid: `SM${'f'.repeat(32)}`, AccountSid: ACCOUNT_SID, From: '+15550009999', To: NUMBER, Body: 'hi', NumMedia: '0' });
    const raw = form.toString();
    const signatures = [undefined, 'AAAA', twilioSignature('another-auth-token-0000000', `${s.url}${hook}`, form), twilioSignature(AUTH_TOKEN, `https://elsewhere.example${hook}`, form)];
    for (const sig of signatures) {
      const r = await call(s.url, 'POST', hook, { raw, headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) } });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('SIGNATURE_INVALID');
    }
    // a parameter changed after signing
    const tampered = new URLSearchParams(form);
    tampered.set('Body', 'hi there');
    const r = await call(s.url, 'POST', hook, { raw: tampered.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, `${s.url}${hook}`, form) } });
    expect(r.status).toBe(401);
    expect(await conversationOf('+15550009999')).toBeUndefined();
  });

  it('a user who asks for a person while nobody eligible is online is told so, and leaves a message by typing its number', async () => {
    // no agent is online yet in this file: the handover waits, and the SMS user cannot see the widget's banner
    const phone = '+32470000111';
    const said = (pred: (m: SentSms) => boolean, what: string) => sentTo(phone, pred, what);
    await sim.userSends(phone, NUMBER, 'I want to speak to a real agent').delivery;
    const notice = await said((m) => m.body.includes('Nobody who can help with this is online right now'), 'the nobody-online notice');
    expect(notice.body).toMatch(/1\. Leave a message/);
    const id = (await conversationOf(phone))!;
    const status = async () => (await s.baton.deps.store.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    expect(await status()).toBe('offloaded');
    await sim.userSends(phone, NUMBER, '1').delivery;
    await said((m) => m.body.includes('What is your e-mail address'), 'the e-mail question');
    await sim.userSends(phone, NUMBER, 'ann@example.com').delivery;
    await said((m) => m.body.includes('What would you like to ask us?'), 'the question');
    await sim.userSends(phone, NUMBER, 'Is my meter reading in?').delivery;
    const followup = await waitFor(async () => s.baton.deps.store.db.selectFrom('followups').selectAll().where('conversation_id', '=', id).executeTakeFirst(), 10_000, 'the follow-up');
    expect(followup).toMatchObject({ reason: 'no_agent', email: 'ann@example.com', question: 'Is my meter reading in?', status: 'open' });
    // leaving a message is leaving the queue
    expect(await status()).toBe('bot');
  });

  it('the bot answers with numbered options; typed numbers and titles act as the buttons; handover and the agent reply with statuses', async () => {
    const user = '+32470000001';
    const first = sim.userSends(user, NUMBER, 'hello');
    const answered = await first.delivery;
    expect(answered.statuses).toEqual([200]);
    const welcome = await sentTo(user, (m) => /How can I help/.test(m.body), 'the welcome');
    expect(welcome.from).toBe(NUMBER);
    expect(welcome.body).toContain('1. Opening hours\n2. Change my address\n3. Talk to a person');
    await sim.userSends(user, NUMBER, 'blorp zzkq').delivery;
    const offer = await sentTo(user, (m) => /didn't understand/.test(m.body), 'the offer');
    expect(offer.body).toContain('1. Yes, please\n2. No, thanks');
    await sim.userSends(user, NUMBER, '2').delivery;
    await sentTo(user, (m) => /No problem/.test(m.body), 'the topic menu, from the typed number');
    await sim.userSends(user, NUMBER, 'opening HOURS!').delivery;
    const hours = await sentTo(user, (m) => /Monday to Friday/.test(m.body), 'the opening hours, from the typed title');
    // the card became text with its button's title, which answers when typed
    await sentTo(user, (m) => /Customer service/.test(m.body) && m.body.includes('- Talk to a person'), 'the card as text');
    expect(hours.statusCallback).toBe(`${s.url}${hook}`);

    const conversationId = (await conversationOf(user))!;
    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    await sim.userSends(user, NUMBER, 'Talk to a person').delivery;
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');

    const reply = await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Hello from a human' } });
    expect(reply.status).toBe(201);
    const out = await sentTo(user, (m) => m.body === 'Hello from a human', 'the agent reply');
    await waitFor(async () => {
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conversationId}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === reply.body.message.id && x.status === 'delivered');
    }, 10_000, 'the delivered status from the StatusCallback');
    const row = await s.baton.deps.store.db.selectFrom('channel_message_status').selectAll().where('message_id', '=', reply.body.message.id).executeTakeFirstOrThrow();
    expect(row.external_id).toBe(out.sid);

    // a redelivered webhook (same MessageSid) is stored once
    const before = await countMessages(conversationId);
    const again = await sim.redeliver(sim.webhooks.find((w) => w.kind === 'message' && w.body.includes(first.sid))!);
    expect(again.statuses).toEqual([200]);
    expect(await countMessages(conversationId)).toBe(before);

    // a long answer goes as several SMS of at most three segments each, in order
    const long = Array.from({ length: 120 }, (_, i) => `step${i}`).join(' ');
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: long } });
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.sent.filter((m) => m.to === user && m.body.includes('step')).map((m) => m.body).join(' ') === long;
    }, 10_000, 'the long text in parts');
    const parts = sim.sent.filter((m) => m.to === user && m.body.includes('step'));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(segmentCount(p.body).segments).toBeLessThanOrEqual(3);

    // a 429, then a 500: the outbox waits (Retry-After at least), then delivers once; nothing is lost
    sim.failNext(1, { status: 429, retryAfterSeconds: 90 });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'After the rate limit' } });
    const limited = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const r = await s.baton.deps.store.db.selectFrom('outbox').selectAll().where('conversation_id', '=', conversationId).where('status', '=', 'pending').executeTakeFirst();
      return r && r.attempts === 1 ? r : undefined;
    }, 10_000, 'the rate-limited attempt');
    expect(limited.next_attempt_at - clock.now()).toBeGreaterThanOrEqual(90_000);
    expect(limited.last_error).toMatch(/20429/);
    sim.failNext(1, { status: 500 });
    clock.advance(91_000);
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const r = await s.baton.deps.store.db.selectFrom('outbox').select('attempts').where('id', '=', limited.id).executeTakeFirst();
      return r && r.attempts === 2;
    }, 10_000, 'the 500 attempt');
    clock.advance(3600_000);
    await sentTo(user, (m) => m.body === 'After the rate limit', 'the retried message');
    expect(sim.sent.filter((m) => m.body === 'After the rate limit')).toHaveLength(1);
  });

  it('an MMS shows its media to the agent', async () => {
    const user = '+32470000002';
    await sim.userSends(user, NUMBER, '', [{ url: `${sim.url}/media/meter.jpg`, contentType: 'image/jpeg' }]).delivery;
    const conversationId = await waitFor(() => conversationOf(user), 10_000, 'the conversation');
    const transcript = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conversationId}`, { token: admin })).body;
    expect(JSON.stringify(transcript)).toContain('[image/jpeg]');
  });
});

// The WhatsApp channel end to end against the Cloud API simulator, on both stores: the verification
// handshake, signatures over the raw body, the bot's buttons as interactive messages, typed numbers
// and button replies as postbacks, a handover and the agent's reply with its statuses, the 24-hour
// window (refusal, then a template), a 429 with Retry-After retried by the outbox, and dedupe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppSimulator, type SentMessage, type WhatsAppSimulator } from '../../../../tools/simulators/whatsapp.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startOnStore, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';

const STORES: TestStore[] = ['sqlite', 'postgres'];
const PHONE_NUMBER_ID = '106540352242922';
const ACCESS_TOKEN = 'EAAG-sim-access-token';
const APP_SECRET = 'whatsapp-app-secret-0123456789';
const VERIFY_TOKEN = 'verify-me-0123';

describe.each(STORES)('WhatsApp channel on %s', (store) => {
  let s: TestServer;
  let sim: WhatsAppSimulator;
  let admin: string;
  const clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
  const hook = '/api/v1/channels/wa/whatsapp';

  beforeAll(async () => {
    s = await startOnStore(store, { clock });
    admin = await login(s.url);
    sim = await startWhatsAppSimulator({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, webhookUrl: `${s.url}${hook}`, now: () => clock.now() });
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await sim?.close();
    await s?.close();
  });

  /** waits for a message Baton sent to `to`, running the outbox meanwhile */
  const sentTo = (to: string, match: (m: SentMessage) => boolean, what: string) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.sent.find((m) => m.to === to && match(m));
    }, 10_000, what);
  const conversationOf = async (waId: string) =>
    (await s.baton.deps.store.db.selectFrom('conversations').innerJoin('end_users', 'end_users.id', 'conversations.end_user_id').select('conversations.id').where('end_users.verified_id', '=', `channel:wa:${waId}`).executeTakeFirst())?.id;
  const countMessages = async (conversationId: string) => Number((await s.baton.deps.store.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n);

  it('is created with its config, secrets masked, and answers Meta’s verification handshake', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'wa', type: 'whatsapp', name: 'WhatsApp', config: { phoneNumberId: 'not-a-number', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN } } });
    expect(bad.status).toBe(422);
    const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'wa', type: 'whatsapp', name: 'WhatsApp', config: { phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, graphApiUrl: sim.graphApiUrl } } });
    expect(r.status).toBe(201);
    expect(r.body.channel).toMatchObject({ type: 'whatsapp', inboundUrl: hook, config: { phoneNumberId: PHONE_NUMBER_ID, accessToken: '********', appSecret: '********', verifyToken: '********' } });
    const stored = await s.baton.deps.store.db.selectFrom('channels').select('config').where('id', '=', 'wa').executeTakeFirstOrThrow();
    expect(stored.config).not.toContain(ACCESS_TOKEN);
    expect(stored.config).not.toContain(APP_SECRET);

    const ok = await fetch(`${s.url}${hook}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${s.url}${hook}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);

    const test = await call(s.url, 'POST', '/api/v1/channels/wa/test', { token: admin });
    expect(test.body).toMatchObject({ ok: true });
    await call(s.url, 'PATCH', '/api/v1/channels/wa', { token: admin, body: { config: { accessToken: 'wrong-token' } } });
    const refused = await call(s.url, 'POST', '/api/v1/channels/wa/test', { token: admin });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.message).toMatch(/190/);
    const back = await call(s.url, 'PATCH', '/api/v1/channels/wa', { token: admin, body: { config: { accessToken: ACCESS_TOKEN, appSecret: '********' } } });
    expect(back.status).toBe(200);
    expect((await call(s.url, 'POST', '/api/v1/channels/wa/test', { token: admin })).body.ok).toBe(true);
  });

  it('refuses a webhook not signed with the app secret: 401, nothing stored', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: 'x', changes: [{ field: 'messages', value: { metadata: { phone_number_id: PHONE_NUMBER_ID }, messages: [{ from: '32470009999', id: 'wamid.forged', timestamp: '1', type: 'text', text: { body: 'hi' } }] } }] }] });
    for (const sig of [undefined, 'sha256=00', `sha256=${'a'.repeat(64)}`]) {
      const r = await call(s.url, 'POST', hook, { raw: body, headers: sig ? { 'x-hub-signature-256': sig } : {} });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect(await conversationOf('32470009999')).toBeUndefined();
  });

  it('the bot answers with reply buttons; a typed number and a pressed button act as the postback', async () => {
    const user = '32470000001';
    await sim.userSays(user, 'hello', 'Piet').delivery;
    const welcome = await sentTo(user, (m) => m.choices.length === 3, 'the welcome as reply buttons');
    expect(welcome.type).toBe('interactive');
    expect(welcome.choices.map((c) => c.title)).toEqual(['Opening hours', 'Change my address', 'Talk to a person']);
    // not understood: the bot offers a person with Yes/No buttons; "2" is the second, as numbered text shows it
    await sim.userSays(user, 'blorp zzkq').delivery;
    const offer = await sentTo(user, (m) => m.choices.length === 2 && /didn't understand/.test(m.text), 'the offer as reply buttons');
    expect(offer.choices.map((c) => c.id)).toEqual(['goto:offer_accepted', 'goto:offer_declined']);
    await sim.userSays(user, '2').delivery;
    const menu = await sentTo(user, (m) => /No problem/.test(m.text), 'the topic menu, from the typed number');
    // the title typed (any case, no punctuation) is the button too
    await sim.userSays(user, 'opening HOURS!').delivery;
    await sentTo(user, (m) => /Monday to Friday/.test(m.text), 'the opening hours, from the typed title');
    expect(menu.choices).toHaveLength(2);
    const conversationId = (await conversationOf(user))!;
    const transcript = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conversationId}`, { token: admin })).body;
    expect(transcript.conversation.user).toMatchObject({ name: 'Piet' });

    // a pressed button is its payload: "Talk to a person" hands over
    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    const pressed = sim.userPicks(user, welcome, 2);
    expect((await pressed.delivery).delivered).toBe(true);
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');

    // the agent's reply reaches WhatsApp, and its statuses are recorded up to read
    const reply = await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Hello from a human' } });
    expect(reply.status).toBe(201);
    const out = await sentTo(user, (m) => m.text === 'Hello from a human', 'the agent reply');
    expect(out.type).toBe('text');
    await waitFor(async () => {
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conversationId}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === reply.body.message.id && x.status === 'read');
    }, 10_000, 'read status');

    // a redelivered webhook (Meta retries) is stored once
    const before = await countMessages(conversationId);
    const again = await sim.redeliver(sim.webhooks.find((w) => w.body.includes(pressed.id))!);
    expect(again.statuses.at(-1)).toBe(200);
    expect(await countMessages(conversationId)).toBe(before);

    // a 429 with Retry-After: the outbox waits at least that long, then delivers; nothing is lost
    sim.failNext(1, { status: 429, retryAfterSeconds: 120 });
    const later = await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'After the rate limit' } });
    const row = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      // the failed attempt, not a later message waiting behind it in the conversation's order
      return s.baton.deps.store.db.selectFrom('outbox').selectAll().where('conversation_id', '=', conversationId).where('status', '=', 'pending').where('attempts', '=', 1).executeTakeFirst();
    }, 10_000, 'the rate-limited attempt');
    expect(row.next_attempt_at - clock.now()).toBeGreaterThanOrEqual(120_000);
    expect(row.last_error).toMatch(/130429/);
    clock.advance(121_000);
    await sentTo(user, (m) => m.text === 'After the rate limit', 'the retried message');
    expect(sim.sent.filter((m) => m.text === 'After the rate limit')).toHaveLength(1);
    expect(later.status).toBe(201);

    // more than 24 hours after the user's last message: refused with the reason, until a template is set
    clock.advance(25 * 3600_000);
    // sessions expire on the same clock: sign in again
    agent.token = await login(s.url, agent.email, 'agent-password');
    admin = await login(s.url);
    const closed = await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Are you still there?' } });
    const failed = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conversationId}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === closed.body.message.id && x.status === 'failed');
    }, 10_000, 'the refusal');
    expect(failed.error).toMatch(/24 hours/);
    expect(sim.sent.some((m) => m.text.includes('Are you still there?'))).toBe(false);

    const patched = await call(s.url, 'PATCH', '/api/v1/channels/wa', { token: admin, body: { config: { templates: { followUp: { name: 'follow_up_reply', language: 'en' } } } } });
    expect(patched.status).toBe(200);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Your new address is registered' } });
    const template = await sentTo(user, (m) => m.type === 'template', 'the template');
    expect(template.body.template).toMatchObject({ name: 'follow_up_reply', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Your new address is registered' }] }] });
  });

  it('more buttons than three become a list; more than ten become numbered text', async () => {
    const { degrade } = await import('../../src/channels/degrade.js');
    const { WHATSAPP_CAPABILITIES } = await import('../../src/channels/whatsapp/outbound.js');
    const buttons = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `A rather long choice number ${i + 1}`, payload: `p${i + 1}` }));
    const [list] = degrade({ text: 'Pick one', buttons: buttons(5) }, WHATSAPP_CAPABILITIES);
    expect(list).toMatchObject({ kind: 'list' });
    expect((list as { rows: unknown[] }).rows).toHaveLength(5);
    expect((list as { rows: unknown[] }).rows[0]).toEqual({ id: 'p1', title: 'A rather long choice nu…', description: 'A rather long choice number 1' });
    const [text] = degrade({ text: 'Pick one', buttons: buttons(11) }, WHATSAPP_CAPABILITIES);
    expect(text).toMatchObject({ kind: 'text' });
    expect((text as { text: string }).text).toContain('11. A rather long choice number 11');
  });
});

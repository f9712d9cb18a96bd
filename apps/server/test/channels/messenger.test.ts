// The Messenger channel end to end against the Messenger Platform simulator, on both stores: the
// verification handshake, signatures over the raw body, the bot's buttons as quick replies and a
// tapped quick reply as the postback, echoes ignored, a redelivered mid stored once, an agent's reply
// (RESPONSE, then tagged HUMAN_AGENT after 24 hours, refused with the reason after 7 days), a 429
// with Retry-After retried by the outbox; and a channel whose handovers go to the Page Inbox
// (pass_thread_control with the handover's metadata, the bot silent while the Inbox holds the
// thread, the bot back when the Inbox passes control back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAGE_INBOX_APP_ID, startMessengerSimulator, type MessengerSimulator, type SentMessage } from '../../../../tools/simulators/messenger.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startOnStore, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';

const STORES: TestStore[] = ['sqlite', 'postgres'];
const PAGE_ID = '104518332398541';
const PAGE_TOKEN = 'EAAB-sim-page-token';
const APP_ID = '1234567890123456';
const APP_SECRET = 'messenger-app-secret-0123456789';
const VERIFY_TOKEN = 'verify-me-0123';

describe.each(STORES)('Messenger channel on %s', (store) => {
  let s: TestServer;
  let sim: MessengerSimulator;
  let admin: string;
  const clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
  const hook = (id: string) => `/api/v1/channels/${id}/messenger`;
  const config = (extra: Record<string, unknown> = {}) => ({ pageId: PAGE_ID, pageAccessToken: PAGE_TOKEN, appId: APP_ID, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, graphApiUrl: sim.graphApiUrl, ...extra });

  beforeAll(async () => {
    s = await startOnStore(store, { clock });
    admin = await login(s.url);
    sim = await startMessengerSimulator({ pageId: PAGE_ID, pageAccessToken: PAGE_TOKEN, appId: APP_ID, appSecret: APP_SECRET, webhookUrl: `${s.url}${hook('fb')}`, now: () => clock.now() });
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await sim?.close();
    await s?.close();
  });

  const sentTo = (to: string, match: (m: SentMessage) => boolean, what: string) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.sent.find((m) => m.to === to && match(m));
    }, 10_000, what);
  const conversationOf = async (channelId: string, psid: string) =>
    (await s.baton.deps.store.db.selectFrom('conversations').innerJoin('end_users', 'end_users.id', 'conversations.end_user_id').select(['conversations.id', 'conversations.status', 'conversations.provider_id']).where('end_users.verified_id', '=', `channel:${channelId}:${psid}`).executeTakeFirst());
  const userMessages = async (conversationId: string) =>
    (await s.baton.deps.store.db.selectFrom('messages').select(['author_type', 'text']).where('conversation_id', '=', conversationId).orderBy('seq').execute()).filter((m) => m.author_type === 'user');
  const sentCount = (to: string) => sim.sent.filter((m) => m.to === to).length;

  it('is created with its config, secrets masked, answers the verification handshake and tests the Page', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'fb', type: 'messenger', name: 'Messenger', config: config({ pageId: 'my-page' }) } });
    expect(bad.status).toBe(422);
    const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'fb', type: 'messenger', name: 'Messenger', config: config() } });
    expect(r.status).toBe(201);
    expect(r.body.channel).toMatchObject({ type: 'messenger', inboundUrl: hook('fb'), config: { pageId: PAGE_ID, pageAccessToken: '********', appSecret: '********', verifyToken: '********' } });
    const stored = await s.baton.deps.store.db.selectFrom('channels').select('config').where('id', '=', 'fb').executeTakeFirstOrThrow();
    expect(stored.config).not.toContain(PAGE_TOKEN);

    const ok = await fetch(`${s.url}${hook('fb')}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    expect((await fetch(`${s.url}${hook('fb')}?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`)).status).toBe(403);

    expect((await call(s.url, 'POST', '/api/v1/channels/fb/test', { token: admin })).body).toMatchObject({ ok: true });
    await call(s.url, 'PATCH', '/api/v1/channels/fb', { token: admin, body: { config: { pageAccessToken: 'wrong-token' } } });
    const refused = await call(s.url, 'POST', '/api/v1/channels/fb/test', { token: admin });
    expect(refused.body).toMatchObject({ ok: false });
    expect(refused.body.message).toMatch(/190/);
    await call(s.url, 'PATCH', '/api/v1/channels/fb', { token: admin, body: { config: { pageAccessToken: PAGE_TOKEN } } });
  });

  it('refuses a webhook not signed with the app secret: 401, nothing stored', async () => {
    const body = JSON.stringify({ object: 'page', entry: [{ id: PAGE_ID, time: 1, messaging: [{ sender: { id: '999' }, recipient: { id: PAGE_ID }, timestamp: 1, message: { mid: 'm_forged', text: 'hi' } }] }] });
    for (const sig of [undefined, 'sha256=00', `sha256=${'a'.repeat(64)}`]) {
      const r = await call(s.url, 'POST', hook('fb'), { raw: body, headers: sig ? { 'x-hub-signature-256': sig } : {} });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect(await conversationOf('fb', '999')).toBeUndefined();
  });

  it('buttons go as quick replies, a tapped one is the postback; echoes and redeliveries store nothing; the agent reply follows the windows', async () => {
    const user = '6354891234567001';
    await sim.userSays(user, 'hello').delivery;
    const welcome = await sentTo(user, (m) => m.quickReplies.length === 3, 'the welcome with quick replies');
    expect(welcome.messagingType).toBe('RESPONSE');
    expect(welcome.quickReplies.map((q) => q.title)).toEqual(['Opening hours', 'Change my address', 'Talk to a person']);
    const conv = (await conversationOf('fb', user))!;
    // the echo of the welcome reached Baton and was not stored as the user's
    await waitFor(async () => sim.webhooks.some((w) => w.kind === 'echo' && w.body.includes(welcome.mid) && w.delivered), 10_000, 'the echo');
    expect((await userMessages(conv.id)).length).toBe(1);

    const tapped = sim.userTapsQuickReply(user, welcome, 0);
    await tapped.delivery;
    await sentTo(user, (m) => /Monday to Friday/.test(m.text), 'the opening hours, from the quick reply payload');
    const before = (await userMessages(conv.id)).length;
    const again = await sim.redeliver(sim.webhooks.find((w) => w.body.includes(tapped.mid))!);
    expect(again.statuses.at(-1)).toBe(200);
    expect((await userMessages(conv.id)).length).toBe(before);

    // a person: the handover goes to Baton's desk on this channel
    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    await sim.userTapsQuickReply(user, welcome, 2).delivery;
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');
    const reply = await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/messages`, { token: agent.token, body: { text: 'Hello from a human' } });
    expect(reply.status).toBe(201);
    expect((await sentTo(user, (m) => m.text === 'Hello from a human', 'the agent reply')).messagingType).toBe('RESPONSE');
    await waitFor(async () => {
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conv.id}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === reply.body.message.id && x.status === 'sent');
    }, 10_000, 'sent status');

    // a 429 with Retry-After: the outbox waits at least that long, then delivers once
    sim.failNext(1, { status: 429, retryAfterSeconds: 120 });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/messages`, { token: agent.token, body: { text: 'After the rate limit' } });
    const row = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const r = await s.baton.deps.store.db.selectFrom('outbox').selectAll().where('conversation_id', '=', conv.id).where('status', '=', 'pending').executeTakeFirst();
      return r && r.attempts === 1 ? r : undefined;
    }, 10_000, 'the rate-limited attempt');
    expect(row.next_attempt_at - clock.now()).toBeGreaterThanOrEqual(120_000);
    expect(row.last_error).toMatch(/613/);
    clock.advance(121_000);
    await sentTo(user, (m) => m.text === 'After the rate limit', 'the retried message');
    expect(sim.sent.filter((m) => m.text === 'After the rate limit')).toHaveLength(1);

    // after 24 hours an agent's reply is tagged HUMAN_AGENT (Meta accepts it for 7 days)
    clock.advance(30 * 3600_000);
    agent.token = await login(s.url, agent.email, 'agent-password');
    admin = await login(s.url);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/messages`, { token: agent.token, body: { text: 'Sorry for the wait' } });
    const tagged = await sentTo(user, (m) => m.text === 'Sorry for the wait', 'the tagged reply');
    expect(tagged).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });

    // after 7 days: refused at once with the reason the agent sees, nothing sent
    clock.advance(7 * 24 * 3600_000);
    agent.token = await login(s.url, agent.email, 'agent-password');
    admin = await login(s.url);
    const late = await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/messages`, { token: agent.token, body: { text: 'Are you still there?' } });
    const failed = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conv.id}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === late.body.message.id && x.status === 'failed');
    }, 10_000, 'the refusal');
    expect(failed.error).toMatch(/7 days/);
    expect(sim.sent.some((m) => m.text === 'Are you still there?')).toBe(false);
  });

  it('with the Page Inbox as target: the handover passes thread control, the bot is silent, and resumes when the Inbox passes it back', async () => {
    const created = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'fbinbox', type: 'messenger', name: 'Messenger (Page Inbox)', config: config({ handoverTarget: 'page-inbox' }) } });
    expect(created.status).toBe(201);
    sim.setWebhookUrl(`${s.url}${hook('fbinbox')}`);
    const user = '6354891234567002';
    await sim.userSays(user, 'hello').delivery;
    const welcome = await sentTo(user, (m) => m.quickReplies.length === 3, 'the welcome');
    // an online desk agent with the skill is there: the Page Inbox still gets the handover
    await makeAgent(s.url, admin, { skills: ['general'] });
    await sim.userTapsQuickReply(user, welcome, 2).delivery;
    const pass = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.threadCalls.find((c) => c.psid === user && c.action === 'pass_thread_control');
    }, 10_000, 'pass_thread_control');
    expect(pass.targetAppId).toBe(PAGE_INBOX_APP_ID);
    expect(JSON.parse(pass.metadata!)).toMatchObject({ source: 'baton', skill: 'general', language: 'en' });
    expect(sim.holder(user)).toBe(PAGE_INBOX_APP_ID);
    const conv = await waitFor(async () => {
      const c = await conversationOf('fbinbox', user);
      return c?.status === 'agent' ? c : undefined;
    }, 10_000, 'the Page Inbox holds the conversation');
    expect(conv.provider_id).toBe('channel:fbinbox');

    // what the user writes meanwhile arrives as standby: kept in the history, and the bot does not answer
    const sentBefore = sentCount(user);
    const standby = sim.userSays(user, 'are you there?');
    await standby.delivery;
    expect(sim.webhooks.find((w) => w.body.includes(standby.mid))!.body).toContain('"standby"');
    await waitFor(async () => (await userMessages(conv.id)).some((m) => (m.text ?? '').includes('are you there?')), 10_000, 'the standby message stored');
    await s.baton.outbox.runOnce();
    expect(sentCount(user)).toBe(sentBefore);

    // the Inbox agent marks it done: control is back with Baton, and so is the bot
    await sim.inboxPassesBack(user);
    await waitFor(async () => (await conversationOf('fbinbox', user))?.status === 'bot', 10_000, 'back with the bot');
    await sim.userSays(user, 'opening hours').delivery;
    const answer = await sentTo(user, (m) => /Monday to Friday/.test(m.text), 'the bot answers again');
    expect(answer.messagingType).toBe('RESPONSE');
    // a repeated pass_thread_control webhook is applied once
    const handoverHook = sim.webhooks.filter((w) => w.kind === 'handover').at(-1)!;
    expect((await sim.redeliver(handoverHook)).statuses.at(-1)).toBe(200);
    expect(sim.threadCalls.filter((c) => c.psid === user && c.action === 'take_thread_control')).toHaveLength(0);

    // handed over again, then closed in Baton while the Inbox still holds the thread: Baton takes it back
    // (as Primary Receiver) before the bot speaks to the user again
    await sim.userTapsQuickReply(user, welcome, 2).delivery;
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.holder(user) === PAGE_INBOX_APP_ID && (await conversationOf('fbinbox', user))?.status === 'agent';
    }, 10_000, 'the second handover');
    const closed = await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/close`, { token: admin });
    expect(closed.status).toBe(200);
    await sim.userSays(user, 'hello again').delivery;
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.threadCalls.some((c) => c.psid === user && c.action === 'take_thread_control');
    }, 10_000, 'take_thread_control');
    expect(sim.holder(user)).toBe(APP_ID);
    // the close line (sent once the thread is back: Meta would have refused it before) and the bot's greeting
    await sentTo(user, (m) => m.text === 'Administrator closed the conversation', 'the close line');
    await sentTo(user, (m) => /^Hello! Ask me/.test(m.text) && sim.sent.indexOf(m) > sim.sent.indexOf(answer), 'the bot greets the user again');
  });

  it('cards become generic templates: ten elements a message, three buttons each; more buttons go as quick replies', async () => {
    const { messageObjects } = await import('../../src/channels/messenger/outbound.js');
    const card = (i: number, buttons: number) => ({ title: `Card ${i} with a title longer than eighty characters so that Messenger would refuse it whole`, subtitle: 'sub', buttons: Array.from({ length: buttons }, (_, j) => ({ title: `Choice ${j + 1}`, payload: `c${i}.${j}` })) });
    const objects = messageObjects({ text: 'Our offers', cards: [...Array.from({ length: 12 }, (_, i) => card(i, 2)), card(99, 5)] });
    expect(objects).toHaveLength(4);
    expect(objects[0]).toEqual({ text: 'Our offers' });
    const first = objects[1] as { attachment: { payload: { template_type: string; elements: { title: string; buttons: unknown[] }[] } } };
    expect(first.attachment.payload.template_type).toBe('generic');
    expect(first.attachment.payload.elements).toHaveLength(10);
    expect([...first.attachment.payload.elements[0]!.title].length).toBeLessThanOrEqual(80);
    expect((objects[2] as typeof first).attachment.payload.elements).toHaveLength(2);
    expect((objects[3] as { quick_replies: unknown[] }).quick_replies).toHaveLength(5);
  });
});

// The Help Scout provider end to end: a real Baton (SQLite, loopback HTTP) against the Help Scout
// simulator, which checks requests as the Mailbox API 2.0 does and sends signed webhooks back.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHelpScoutSimulator, type HelpScoutSimulator, type SimConversation } from '../../../../tools/simulators/help-scout.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { askedForAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const IDENTITY_SECRET = 'identity-secret-0123456789';
const userHash = (id: string) => createHmac('sha256', IDENTITY_SECRET).update(id).digest('hex');

const CLIENT_ID = 'baton-test-app';
const CLIENT_SECRET = 'hs-client-secret-7f3a9c';
const WEBHOOK_SECRET = 'hs-webhook-secret-0123456789';
const GENERAL_INBOX = 1001;
const ADDRESS_INBOX = 1002;
const NEW_ADDRESS_FIELD = 77;

let s: TestServer;
let sim: HelpScoutSimulator;
let admin: string;

function providerConfig(patch: Record<string, unknown> = {}) {
  return {
    id: 'hs',
    type: 'help-scout',
    name: 'Help Scout',
    config: {
      baseUrl: sim.url,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      mailboxId: GENERAL_INBOX,
      skillMailboxes: { address_change: ADDRESS_INBOX },
      webhookSecret: WEBHOOK_SECRET,
      customFields: { new_address: NEW_ADDRESS_FIELD },
      retryWindowSeconds: 120,
      ...patch,
    },
  };
}

async function useProvider(patch: Record<string, unknown> = {}) {
  const current = (await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin })).body;
  return openOffloading(s.url, admin, { defaultProviderId: 'hs', providers: [...current.providers.filter((p: { id: string }) => p.id !== 'hs'), providerConfig(patch)] });
}

beforeAll(async () => {
  s = await startTestServer({ env: { IDENTITY_VERIFICATION_SECRET: IDENTITY_SECRET } });
  admin = await login(s.url);
  sim = await startHelpScoutSimulator({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    mailboxIds: [GENERAL_INBOX, ADDRESS_INBOX],
    webhookUrl: `${s.url}/api/v1/providers/help-scout/hs/webhook`,
    webhookSecret: WEBHOOK_SECRET,
    webhookAttempts: 3,
    webhookRetryDelayMs: 50,
  });
  await useProvider();
});
afterAll(async () => {
  await s?.close();
  await sim?.close();
});

const status = async (c: { id: string; token: string }) => (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation;

/** the Help Scout conversations made for a Baton conversation (the handover note names it), oldest first */
const helpScoutFor = (batonId: string): SimConversation[] => sim.conversations().filter((c) => c.threads.some((t) => t.type === 'note' && t.body.includes(batonId)));

/** runs the outbox until `fn` holds (the background worker also runs, this just speeds it up) */
const pump = <T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000) =>
  waitFor(async () => {
    await s.baton.outbox.runOnce();
    return fn();
  }, ms, what);

/** the user writes and waits for the bot's answer (or the handover) */
async function say(c: { id: string; token: string }, text: string) {
  const before = (await messages(s.url, c.id, c.token)).length;
  const r = await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
  expect(r.status).toBe(201);
  await waitFor(async () => (await messages(s.url, c.id, c.token)).slice(before).some((m) => m.author.type === 'bot' || m.event), 10_000, `bot answers "${text}"`);
}

const post = (path: string, raw: string, headers: Record<string, string>) => call(s.url, 'POST', path, { raw, headers });
const WEBHOOK = '/api/v1/providers/help-scout/hs/webhook';
const sign = (raw: string, secret = WEBHOOK_SECRET) => createHmac('sha1', secret).update(raw).digest('base64');

describe('Help Scout provider', () => {
  it('validates its config and never shows its secrets', async () => {
    const got = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const hs = got.body.providers.find((p: { id: string }) => p.id === 'hs');
    expect(hs.config).toMatchObject({ clientSecret: '********', webhookSecret: '********', clientId: CLIENT_ID, mailboxId: GENERAL_INBOX });
    expect(JSON.stringify(got.body)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(got.body)).not.toContain(WEBHOOK_SECRET);
    const stored = await s.baton.deps.store.db.selectFrom('settings').select('value').where('key', '=', 'offloading').executeTakeFirstOrThrow();
    expect(stored.value).not.toContain(CLIENT_SECRET);
    const bad = await call(s.url, 'PUT', '/api/v1/settings/offloading', {
      token: admin,
      body: { ...got.body, providers: got.body.providers.map((p: { id: string; config: object }) => (p.id === 'hs' ? { ...p, config: { ...p.config, mailboxId: 'inbox', webhookSecret: 'x'.repeat(41) } } : p)) },
    });
    expect(bad.status).toBe(422);
    const paths = bad.body.error.details.problems.map((p: { path: string }) => p.path);
    expect(paths.some((p: string) => p.endsWith('.config.mailboxId'))).toBe(true);
    expect(paths.some((p: string) => p.endsWith('.config.webhookSecret'))).toBe(true);
  });

  it('hands over with the transcript, relays both ways, ignores echoes, forgeries and repeats, and hands back on close', async () => {
    const c0 = await createConversation(s.url, { locale: 'en', user: { name: 'Jan Peeters' } });
    const c = { id: c0.conversation.id, token: c0.token };
    await say(c, 'I have a new address');
    await say(c, 'Jan Peeters');
    await say(c, 'Kerkstraat 1, 2000 Antwerpen');
    await say(c, 'jan@example.com');
    await waitFor(async () => (await status(c)).status === 'offloaded', 10_000, 'offloaded');

    // the handover: a chat in the skill's inbox, with the whole bot part, tags, fields and a note
    const [hs] = await pump(() => helpScoutFor(c.id).length > 0 && helpScoutFor(c.id), 'Help Scout conversation');
    expect(hs).toMatchObject({ type: 'chat', status: 'active', mailboxId: ADDRESS_INBOX });
    expect(hs!.subject).toContain('address_change');
    expect(hs!.tags).toEqual(expect.arrayContaining(['address_change', 'en', 'baton']));
    expect(hs!.customFields).toEqual([{ id: NEW_ADDRESS_FIELD, value: 'Kerkstraat 1, 2000 Antwerpen' }]);
    const customer = sim.state.customers.get(hs!.customerId)!;
    expect(customer.email).toMatch(/@users\.baton\.invalid$/); // no email known for this user
    expect(customer.first).toBe('Jan');
    const chats = hs!.threads.filter((t) => t.type === 'chat').map((t) => t.body);
    expect(chats).toContain('I have a new address');
    expect(chats).toContain('Kerkstraat 1, 2000 Antwerpen');
    expect(chats.some((b) => b.startsWith('Bot: ') && b.includes('What is your full name?'))).toBe(true);
    // the note closes the handover; the bot's waiting line, said after the request, may follow it
    const noteAt = hs!.threads.findIndex((t) => t.type === 'note' && t.body.includes('Trigger:'));
    const note = hs!.threads[noteAt]!;
    expect(hs!.threads.slice(noteAt + 1).map((t) => t.body.slice(0, 27))).toEqual(hs!.threads.length > noteAt + 1 ? ['Bot: A live agent will join'] : []);
    expect(note.body).toContain('Trigger: flow_end');
    expect(note.body).toContain('Skill: address_change');
    expect(note.body).toContain('new_address = Kerkstraat 1, 2000 Antwerpen');

    // a later user message becomes a thread; its convo.customer.reply.created echo changes nothing
    const echoesBefore = sim.state.webhooks.filter((w) => w.event === 'convo.customer.reply.created').length;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'Is anyone there? <b>urgent</b>' } });
    await pump(() => sim.threads(hs!.id).some((t) => t.type === 'chat' && t.body === 'Is anyone there? &lt;b&gt;urgent&lt;/b&gt;'), 'user follow-up thread');
    await sim.settled();
    const echoes = sim.state.webhooks.filter((w) => w.event === 'convo.customer.reply.created').slice(echoesBefore);
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes.every((w) => w.delivered)).toBe(true);
    expect((await messages(s.url, c.id, c.token)).filter((m) => m.author.type === 'agent')).toHaveLength(0);
    expect((await status(c)).status).toBe('offloaded');

    // an agent takes it in Help Scout, then replies with HTML that reaches the user as plain text
    expect((await sim.assign(hs!.id, 501)).statuses).toEqual([200]);
    expect(await status(c)).toMatchObject({ status: 'agent', assignee: { name: 'Alex Agent' } });
    const reply = sim.agentReplies(hs!.id, 501, '<p><b>hi</b> Jan,&nbsp;welcome</p><script>x</script>');
    expect((await reply.delivery).statuses).toEqual([200]);
    const agentLines = () => messages(s.url, c.id, c.token).then((all) => all.filter((m) => m.author.type === 'agent'));
    expect(await agentLines()).toMatchObject([{ text: 'hi Jan, welcome', author: { type: 'agent', name: 'Alex Agent' } }]);

    // the same webhook again is acknowledged and not applied twice
    const again = await sim.redeliver(await reply.delivery);
    expect(again.statuses).toEqual([200]);
    expect(await agentLines()).toHaveLength(1);

    // forged or unsigned webhooks are refused and change nothing
    const forgedBody = (await reply.delivery).body.replace('welcome', 'send me your password');
    expect((await post(WEBHOOK, forgedBody, { 'x-helpscout-event': 'convo.agent.reply.created', 'x-helpscout-signature': sign(forgedBody, 'not-the-secret-000000') })).status).toBe(401);
    const unsigned = await post(WEBHOOK, forgedBody, { 'x-helpscout-event': 'convo.agent.reply.created' });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('SIGNATURE_INVALID');
    const tampered = await post(WEBHOOK, forgedBody, { 'x-helpscout-event': 'convo.agent.reply.created', 'x-helpscout-signature': (await reply.delivery).signature });
    expect(tampered.status).toBe(401);
    expect(await agentLines()).toHaveLength(1);

    // while the agent owns the chat the bot stays silent; the user's words go to Help Scout
    const n = (await messages(s.url, c.id, c.token)).length;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'what are your opening hours?' } });
    await pump(() => sim.threads(hs!.id).some((t) => t.body === 'what are your opening hours?'), 'message to the agent');
    await new Promise((r) => setTimeout(r, 300));
    expect((await messages(s.url, c.id, c.token)).slice(n).filter((m) => m.author.type === 'bot')).toHaveLength(0);

    // closing in Help Scout hands the user back to the bot, which answers again
    expect((await sim.closeConversation(hs!.id, 501)).statuses).toEqual([200]);
    await waitFor(async () => (await status(c)).status === 'bot', 10_000, 'back to the bot');
    await say(c, 'what are your opening hours?');

    // a late reply in the closed Help Scout conversation no longer reaches the user
    expect((await sim.agentReplies(hs!.id, 501, 'one more thing').delivery).statuses).toEqual([200]);
    expect(await agentLines()).toHaveLength(1);

    // the next handover opens a new Help Scout conversation, in the default inbox for its skill
    await say(c, 'I want to speak to a real agent');
    const second = await pump(() => helpScoutFor(c.id).length === 2 && helpScoutFor(c.id)[1], 'second Help Scout conversation');
    expect(second.id).not.toBe(hs!.id);
    expect(second.mailboxId).toBe(GENERAL_INBOX);
    expect((await sim.agentReplies(second.id, 502, 'Sam here').delivery).statuses).toEqual([200]);
    expect(await status(c)).toMatchObject({ status: 'agent', assignee: { name: 'Sam Support' } });
  }, 30_000);

  it('files an unverified claim under an address of its own, never under the claimed e-mail', async () => {
    const c = await offloadedConversation(s.url, { user: { name: 'Ann', email: 'ann@example.com' } });
    const [hs] = await pump(() => helpScoutFor(c.id).length > 0 && helpScoutFor(c.id), 'handover');
    expect(sim.state.customers.get(hs!.customerId)!.email).toBe(`baton-unverified-${c.id}@users.baton.invalid`);
  });

  it('files a verified user under their id, never the e-mail they typed (only the id is proven); reuses the OAuth token, and gets a new one after a 401', async () => {
    const c = await offloadedConversation(s.url, { user: { id: 'crm-ann', name: 'Ann', email: 'ann@example.com' }, userHash: userHash('crm-ann') });
    const [hs] = await pump(() => helpScoutFor(c.id).length > 0 && helpScoutFor(c.id), 'handover');
    expect(sim.state.customers.get(hs!.customerId)!.email).toBe('baton-crm-ann@users.baton.invalid');
    // the address the user gave is for the agent to read, in the handover note
    expect(sim.threads(hs!.id).find((t) => t.type === 'note')!.body).toMatch(/E-mail given by the user \(not verified\): ann@example\.com/);
    // every delivery so far shared one token
    expect(sim.state.tokensIssued).toBe(1);
    sim.revokeTokens();
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'still waiting' } });
    await pump(() => sim.threads(hs!.id).some((t) => t.body === 'still waiting'), 'thread after token refresh');
    expect(sim.state.tokensIssued).toBe(2);
    const thread = sim.state.requests.filter((r) => r.path === `/v2/conversations/${hs!.id}/chats`);
    expect(thread.map((r) => r.status)).toEqual([401, 201]);
    // the user leaving ends the Help Scout side with a note and the closed status
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/end`, { token: c.token });
    await pump(() => sim.conversation(hs!.id)?.status === 'closed', 'closed in Help Scout');
    expect(sim.threads(hs!.id).at(-1)!.type).toBe('note');
  });

  it('the simulator holds to the API contract: credentials, tokens and create validation', async () => {
    const tokenUrl = `${sim.url}/v2/oauth2/token`;
    const form = (p: Record<string, string>) => fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(p).toString() });
    expect((await form({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'wrong' })).status).toBe(401);
    expect((await form({ grant_type: 'password', client_id: CLIENT_ID, client_secret: CLIENT_SECRET })).status).toBe(400);
    const json = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(json.status).toBe(200);
    const query = await fetch(`${tokenUrl}?grant_type=client_credentials&client_id=${CLIENT_ID}&client_secret=${CLIENT_SECRET}`, { method: 'POST' });
    const { access_token, expires_in, token_type } = await query.json();
    expect({ token_type, expires_in }).toEqual({ token_type: 'bearer', expires_in: 172800 });

    const create = (body: unknown, token = access_token) => call(sim.url, 'POST', '/v2/conversations', { token, body });
    expect((await create({ subject: 'x' }, 'not-a-token')).status).toBe(401);
    const bad = await create({ subject: '', customer: { email: 'nope' }, mailboxId: GENERAL_INBOX, type: 'sms', status: 'open', threads: [] });
    expect(bad.status).toBe(400);
    expect(bad.body._embedded.errors.map((e: { path: string }) => e.path).sort()).toEqual(['customer.email', 'status', 'subject', 'threads', 'type']);
    const unknownInbox = await create({ subject: 'Hi', customer: { email: 'a@example.com' }, mailboxId: 4242, type: 'chat', status: 'active', threads: [{ type: 'chat', text: 'hi' }] });
    expect(unknownInbox.status).toBe(400);
    expect(unknownInbox.body._embedded.errors[0].path).toBe('mailboxId');
    const tooMany = await create({ subject: 'Hi', customer: { email: 'a@example.com' }, mailboxId: GENERAL_INBOX, type: 'chat', status: 'active', threads: Array.from({ length: 101 }, () => ({ type: 'chat', text: 'x' })) });
    expect(tooMany.status).toBe(412);
    const ok = await create({ subject: 'Hi', customer: { email: 'a@example.com' }, mailboxId: GENERAL_INBOX, type: 'chat', status: 'active', threads: [{ type: 'chat', text: 'hi' }] });
    expect(ok.status).toBe(201);
    const id = Number(ok.headers.get('resource-id'));
    expect(ok.headers.get('location')).toBe(`${sim.url}/v2/conversations/${id}`);
    const patch = await call(sim.url, 'PATCH', `/v2/conversations/${id}`, { token: access_token, body: { op: 'replace', path: '/status', value: 'closed' } });
    expect(patch.status).toBe(204);
    const read = await call(sim.url, 'GET', `/v2/conversations/${id}?embed=threads`, { token: access_token });
    expect(read.body).toMatchObject({ id, status: 'closed', type: 'chat', _embedded: { threads: [{ type: 'chat', body: 'hi' }] } });
    // a customer thread re-opens a closed conversation
    expect((await call(sim.url, 'POST', `/v2/conversations/${id}/customer`, { token: access_token, body: { customer: { email: 'a@example.com' }, text: 'back' } })).status).toBe(201);
    expect(sim.conversation(id)!.status).toBe('active');
  });

  it('retries an outage and a rate limit from the outbox, then delivers once, in order', async () => {
    sim.failNext(1, 503);
    const c = await offloadedConversation(s.url);
    await s.baton.outbox.runOnce();
    const log = async () => (await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin })).body.deliveries as Array<{ event: string; status: string; attempts: number; lastError: string | null }>;
    const first = (await log()).find((d) => d.event === 'handover.requested')!;
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.lastError).toContain('503');
    const [hs] = await pump(() => helpScoutFor(c.id).length > 0 && helpScoutFor(c.id), 'handover after the outage', 15_000);

    sim.failNext(1, 429, 1);
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'after the rate limit' } });
    await pump(async () => (await log()).some((d) => d.event === 'message.created' && d.lastError?.includes('retry after 1 s')), 'rate limited once');
    await pump(() => sim.threads(hs!.id).some((t) => t.body === 'after the rate limit'), 'thread after the rate limit', 15_000);
    await pump(async () => (await log()).every((d) => d.status === 'delivered'), 'all delivered', 15_000);
    expect(helpScoutFor(c.id)).toHaveLength(1);
    expect(sim.threads(hs!.id).filter((t) => t.body === 'after the rate limit')).toHaveLength(1);
  }, 30_000);

  it('deleting the Help Scout conversation hands back; unknown conversations and events are acknowledged', async () => {
    const c = await offloadedConversation(s.url);
    const [hs] = await pump(() => helpScoutFor(c.id).length > 0 && helpScoutFor(c.id), 'handover');
    expect((await sim.deleteConversation(hs!.id)).statuses).toEqual([200]);
    await waitFor(async () => (await status(c)).status === 'bot', 10_000, 'back to the bot');
    const raw = JSON.stringify({ id: 987654321, status: 'closed' });
    const unknown = await post(WEBHOOK, raw, { 'x-helpscout-event': 'convo.status', 'x-helpscout-signature': sign(raw) });
    expect(unknown.status).toBe(200);
    const other = JSON.stringify({ id: 1, name: 'vip' });
    expect((await post(WEBHOOK, other, { 'x-helpscout-event': 'tag.created', 'x-helpscout-signature': sign(other) })).status).toBe(200);
  });

  it('a refused handover (unknown inbox) returns the user to the bot', async () => {
    await useProvider({ mailboxId: 4242, clientSecret: '********', webhookSecret: '********' });
    // the refusal can hand the user back before a poll sees the conversation offloaded (askedForAgent)
    const c = await askedForAgent(s.url);
    await pump(async () => {
      const seen = (await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: admin })).body;
      return seen.conversation.status === 'bot' && seen.messages.some((m: { event?: string }) => m.event === 'conversation.refused');
    }, 'refused → bot');
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: admin });
    expect(detail.body.messages.some((m: { event?: string; text?: string }) => m.event === 'conversation.refused' && m.text?.includes('mailboxId'))).toBe(true);
    expect(helpScoutFor(c.id)).toHaveLength(0);
    await useProvider();
  });
});

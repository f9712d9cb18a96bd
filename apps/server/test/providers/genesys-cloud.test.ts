// Genesys Cloud (Open Messaging) end to end: a real Baton on loopback with real SQLite, and the
// contract-faithful Genesys simulator playing OAuth, the Open Messaging API, the agent and the
// signed webhook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusEvent } from '../../src/bus/bus.js';
import { genesysSignature } from '../../src/providers/genesys-cloud/signature.js';
import { startGenesysSimulator, type GenesysSimulator } from '../../../../tools/simulators/genesys-cloud.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { ASK_FOR_AGENT, askedForAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';
import { createHmac } from 'node:crypto';

const IDENTITY_SECRET = 'identity-secret-0123456789';
const userHash = (id: string) => createHmac('sha256', IDENTITY_SECRET).update(id).digest('hex');

const CLIENT_SECRET = 'genesys-client-secret-0123';
const WEBHOOK_SECRET = 'genesys-webhook-secret-4567';
const WEBHOOK = '/api/v1/providers/genesys-cloud/gc/webhook';

let s: TestServer;
let sim: GenesysSimulator;
let admin: string;
const busEvents: BusEvent[] = [];

async function useProvider(id: string) {
  await openOffloading(s.url, admin, { defaultProviderId: id });
}

beforeAll(async () => {
  s = await startTestServer({ env: { IDENTITY_VERIFICATION_SECRET: IDENTITY_SECRET } });
  admin = await login(s.url);
  sim = await startGenesysSimulator({
    clientId: 'baton-test',
    clientSecret: CLIENT_SECRET,
    integrationId: 'integration-1',
    webhookUrl: s.url + WEBHOOK,
    webhookSecret: WEBHOOK_SECRET,
    retryDelayMs: 50,
  });
  const settings = await openOffloading(s.url, admin);
  const config = { ...sim.providerConfig(), pollSeconds: 1 };
  await openOffloading(s.url, admin, {
    defaultProviderId: 'gc',
    providers: [
      ...settings.providers.filter((p: { id: string }) => !p.id.startsWith('gc')),
      { id: 'gc', type: 'genesys-cloud', name: 'Genesys Cloud', config },
      // an integration Genesys does not know: every handover to it is refused with a 404
      { id: 'gc-wrong', type: 'genesys-cloud', name: 'Genesys (wrong integration)', config: { ...config, integrationId: 'no-such-integration' } },
      { id: 'gc-close', type: 'genesys-cloud', name: 'Genesys (close on end)', config: { ...config, onAgentEnd: 'close' } },
    ],
  });
  s.baton.deps.bus.subscribe((e) => void busEvents.push(e));
});
afterAll(async () => {
  await s?.close();
  await sim?.close();
});

const status = async (id: string, token: string) => (await call(s.url, 'GET', `/api/v1/conversations/${id}`, { token })).body.conversation;
const inboxTexts = (id: string) => sim.inbox(id).map((m) => m.text ?? '');

/** Delivers the outbox until the agent has seen a message matching `match`. */
async function agentSees(id: string, match: (text: string) => boolean, what: string) {
  return waitFor(async () => {
    await s.baton.outbox.runOnce();
    return sim.inbox(id).find((m) => match(m.text ?? ''));
  }, 10_000, what);
}

function signedPost(body: unknown, secret = WEBHOOK_SECRET) {
  const raw = JSON.stringify(body);
  return call(s.url, 'POST', WEBHOOK, { raw, headers: { 'x-hub-signature-256': genesysSignature(secret, raw) } });
}

describe('Genesys Cloud simulator contract', () => {
  it('logs in only with the right Basic credentials and grant type, and refuses a malformed inbound body', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const basic = (secret: string) => `Basic ${Buffer.from(`baton-test:${secret}`).toString('base64')}`;
    const wrong = await fetch(`${sim.loginUrl}/oauth/token`, { method: 'POST', headers: { ...form, authorization: basic('nope') }, body: 'grant_type=client_credentials' });
    expect(wrong.status).toBe(401);
    const grant = await fetch(`${sim.loginUrl}/oauth/token`, { method: 'POST', headers: { ...form, authorization: basic(CLIENT_SECRET) }, body: 'grant_type=password' });
    expect(grant.status).toBe(400);
    const ok = await fetch(`${sim.loginUrl}/oauth/token`, { method: 'POST', headers: { ...form, authorization: basic(CLIENT_SECRET) }, body: 'grant_type=client_credentials' });
    const { access_token: token, token_type, expires_in } = await ok.json();
    expect(token_type).toBe('bearer');
    expect(expires_in).toBeGreaterThan(0);

    const path = '/api/v2/conversations/messages/integration-1/inbound/open/message';
    const post = (body: unknown, bearer = token, p = path) =>
      fetch(sim.apiUrl + p, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) });
    const channel = { platform: 'Open', type: 'Private', messageId: 'm-1', from: { id: 'contract-customer', idType: 'Opaque' }, time: new Date().toISOString() };
    const noChannel = await post({ type: 'Text', text: 'hi' });
    expect(noChannel.status).toBe(400);
    expect(await noChannel.json()).toMatchObject({ status: 400, code: 'bad.request', message: expect.stringContaining('channel') });
    expect((await post({ channel: { ...channel, from: { idType: 'Opaque' } }, type: 'Text', text: 'hi' })).status).toBe(400);
    expect((await post({ channel, type: 'Structured', text: 'hi' })).status).toBe(400);
    expect((await post({ channel, type: 'Text' })).status).toBe(400);
    expect((await post({ channel, type: 'Text', text: 'hi', metadata: { customAttributes: { a: 'b' } } })).status).toBe(400);
    expect((await post({ channel, type: 'Text', text: 'hi' }, 'not-a-token')).status).toBe(401);
    expect((await post({ channel, type: 'Text', text: 'hi' }, token, '/api/v2/conversations/messages/other/inbound/open/message')).status).toBe(404);
    expect(sim.inbox('contract-customer')).toHaveLength(0);
    const accepted = await post({ channel, type: 'Text', text: 'hi' });
    expect(accepted.status).toBe(200);
    const answer = await accepted.json();
    expect(answer).toMatchObject({ type: 'Text', text: 'hi', direction: 'Inbound' });
    expect(answer.conversationId).toBeUndefined();
    // the same messageId and time again: acknowledged, shown once
    expect((await post({ channel, type: 'Text', text: 'hi' })).status).toBe(200);
    expect(sim.inbox('contract-customer')).toHaveLength(1);
    // the conversation id only when asked for
    const prefetched = await (await post({ channel: { ...channel, messageId: 'm-2' }, type: 'Text', text: 'again' }, token, `${path}?prefetchConversationId=true`)).json();
    expect(prefetched.conversationId).toBe(sim.conversation('contract-customer')!.id);
    const read = (id: string, init: RequestInit = {}) => fetch(`${sim.apiUrl}/api/v2/conversations/messages/${id}`, { ...init, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
    expect((await (await read(prefetched.conversationId)).json()).participants).toEqual(
      expect.arrayContaining([expect.objectContaining({ purpose: 'customer', state: 'connected' }), expect.objectContaining({ purpose: 'acd', state: 'connected' })]),
    );
    expect((await read('no-such-conversation')).status).toBe(404);
    expect((await read(prefetched.conversationId, { method: 'PATCH', body: JSON.stringify({ state: 'connected' }) })).status).toBe(400);
    expect((await read(prefetched.conversationId, { method: 'PATCH', body: JSON.stringify({ state: 'disconnected' }) })).status).toBe(200);
    expect(sim.conversation('contract-customer')!.participants.every((p) => p.state === 'disconnected')).toBe(true);
  });
});

describe('Genesys Cloud provider', () => {
  it('keeps both secrets write-only in the settings API', async () => {
    const got = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const gc = got.body.providers.find((p: { id: string }) => p.id === 'gc');
    expect(gc.config).toMatchObject({ clientSecret: '********', webhookSecret: '********', clientId: 'baton-test' });
    expect(JSON.stringify(got.body)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(got.body)).not.toContain(WEBHOOK_SECRET);
    const stored = await s.baton.deps.store.db.selectFrom('settings').select('value').where('key', '=', 'offloading').executeTakeFirstOrThrow();
    expect(stored.value).not.toContain(CLIENT_SECRET);
  });

  it('refuses settings without credentials or a region', async () => {
    const got = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const providers = [...got.body.providers, { id: 'gc-bad', type: 'genesys-cloud', name: 'Bad', config: { clientId: 'x', webhookSecret: 'short' } }];
    const r = await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...got.body, providers } });
    expect(r.status).toBe(422);
    const paths = r.body.error.details.problems.map((p: { path: string }) => p.path.replace(/^providers\.\d+\.config\./, ''));
    expect(paths).toEqual(expect.arrayContaining(['clientSecret', 'integrationId', 'webhookSecret', 'region']));
  });

  it('hands over, chats with the agent both ways, and returns to the bot when the agent ends', async () => {
    const tokensBefore = sim.state.tokensIssued;
    const unauthorizedBefore = sim.state.unauthorized;
    const c = await createConversation(s.url, { locale: 'en', user: { id: 'crm-jan', name: 'Jan Peeters', email: 'jan@example.com' }, userHash: userHash('crm-jan'), variables: { orderId: 'A-17', vip: true } });
    const id = c.conversation.id;
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text: ASK_FOR_AGENT.en } });
    await waitFor(async () => (await status(id, c.token)).status === 'offloaded', 10_000, 'offloaded');

    // the agent gets the bot part as readable text, and routing data as participant attributes
    const first = await agentSees(id, (t) => t.startsWith('Handover from the Baton bot'), 'handover message');
    expect(first.text).toContain(`Jan Peeters: ${ASK_FOR_AGENT.en}`);
    expect(first.text).toMatch(/\] Bot: /);
    expect(first.from).toMatchObject({ id, idType: 'Opaque', nickname: 'Jan Peeters', firstName: 'Jan', lastName: 'Peeters' });
    // an e-mail is the user's claim even for a verified id: never given to Genesys to match contacts on
    expect(first.from.email).toBeUndefined();
    expect(first.customAttributes).toMatchObject({ batonConversationId: id, skill: 'general', language: 'en', trigger: 'explicit', var_orderId: 'A-17', var_vip: 'true' });
    expect(typeof first.customAttributes?.tags).toBe('string');
    expect(typeof first.customAttributes?.reason).toBe('string');

    // while waiting, the user's messages and the bot's answers reach the agent
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text: 'my parcel is late' } });
    await agentSees(id, (t) => t === 'my parcel is late', 'user message');
    await agentSees(id, (t) => t.startsWith('[Bot to the user] '), 'mirrored bot answer');

    // the agent answers: the first agent message is the acceptance
    await sim.agentJoins(id, { id: 'user-42', name: 'Alex Martin' });
    const reply = await sim.agentSays(id, 'Hi Jan, Alex here. Let me check.');
    expect(reply.webhook).toEqual({ status: 200, attempts: 1 });
    const seen = await messages(s.url, id, c.token);
    const agentMsg = seen.find((m) => m.text === 'Hi Jan, Alex here. Let me check.');
    expect(agentMsg?.author).toMatchObject({ type: 'agent', name: 'Alex Martin' });
    expect(await status(id, c.token)).toMatchObject({ status: 'agent', assignee: { name: 'Alex Martin' } });

    // the bot is silent now; the user's message goes to the agent only
    const n = seen.length;
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text: 'thanks, what are your opening hours?' } });
    await agentSees(id, (t) => t === 'thanks, what are your opening hours?', 'user message to the agent');
    await new Promise((r) => setTimeout(r, 300));
    expect((await messages(s.url, id, c.token)).slice(n).filter((m) => m.author.type === 'bot')).toHaveLength(0);
    expect(inboxTexts(id).filter((t) => t.includes('opening hours') && t.startsWith('[Bot'))).toHaveLength(0);

    // typing passes through as the agent's typing
    const typing = await sim.agentTyping(id);
    expect(typing.webhook.status).toBe(200);
    await waitFor(() => busEvents.some((e) => e.type === 'typing' && e.conversationId === id && e.author.type === 'agent' && e.on), 5000, 'typing event');

    // Genesys re-sends a notification now and then: applied once
    expect((await sim.redeliver(reply.id)).status).toBe(200);
    expect((await messages(s.url, id, c.token)).filter((m) => m.text === 'Hi Jan, Alex here. Let me check.')).toHaveLength(1);

    // the token was reused for every call
    expect(sim.state.tokensIssued - tokensBefore).toBeLessThanOrEqual(1);
    expect(sim.state.unauthorized).toBe(unauthorizedBefore);

    // no webhook event says the agent ended: the poller sees the disconnected participants
    sim.agentEnds(id);
    await waitFor(async () => {
      await s.baton.providerWorkers.runOnce();
      return (await status(id, c.token)).status === 'bot';
    }, 10_000, 'back to the bot');
    const after = await messages(s.url, id, c.token);
    expect(after.some((m) => m.event === 'conversation.handed_back')).toBe(true);
    const m = after.length;
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text: 'hello again' } });
    await waitFor(async () => (await messages(s.url, id, c.token)).slice(m).some((x) => x.author.type === 'bot'), 10_000, 'the bot answers again');

    // asking again opens a new Genesys conversation (the old one is disconnected)
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text: ASK_FOR_AGENT.en } });
    await waitFor(async () => (await status(id, c.token)).status === 'offloaded', 10_000, 'offloaded again');
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.state.conversations.filter((x) => x.customerId === id).length === 2;
    }, 10_000, 'second Genesys conversation');
    // the old conversation's end does not end the new handover
    await s.baton.providerWorkers.runOnce();
    expect((await status(id, c.token)).status).toBe('offloaded');
  });

  it('notices an agent who ends without writing, and closes when configured to', async () => {
    await useProvider('gc-close');
    try {
      const c = await offloadedConversation(s.url);
      await agentSees(c.id, (t) => t.startsWith('Handover'), 'handover');
      // the poller sees the agent connect: accepted before any agent message
      sim.agentJoins(c.id, { id: 'user-9', name: 'Kim' });
      await waitFor(async () => {
        await s.baton.providerWorkers.runOnce();
        return (await status(c.id, c.token)).status === 'agent';
      }, 10_000, 'accepted when the agent connects');
      expect((await status(c.id, c.token)).assignee).toMatchObject({ name: 'Kim' });
      sim.agentEnds(c.id);
      await waitFor(async () => {
        await s.baton.providerWorkers.runOnce();
        return (await status(c.id, c.token)).status === 'closed';
      }, 10_000, 'closed after the agent ended');
    } finally {
      await useProvider('gc');
    }
  });

  it('refuses unsigned and wrongly signed webhook calls without changing anything', async () => {
    const c = await offloadedConversation(s.url);
    await agentSees(c.id, (t) => t.startsWith('Handover'), 'handover');
    const body = {
      id: 'forged-1',
      channel: { id: 'integration-1', platform: 'Open', type: 'Private', to: { id: c.id, idType: 'Opaque' }, from: { id: 'integration-1', idType: 'Opaque' }, time: new Date().toISOString() },
      type: 'Text',
      text: 'I am not Genesys',
      originatingEntity: 'Human',
      direction: 'Outbound',
    };
    const unsigned = await call(s.url, 'POST', WEBHOOK, { body });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.code).toBe('SIGNATURE_INVALID');
    expect((await signedPost(body, 'another-secret-0123456789')).status).toBe(401);
    const raw = JSON.stringify(body);
    // a signature over other bytes (hex instead of base64, or a changed body) is no signature
    expect((await call(s.url, 'POST', WEBHOOK, { raw: raw.replace('not', 'NOT'), headers: { 'x-hub-signature-256': genesysSignature(WEBHOOK_SECRET, raw) } })).status).toBe(401);
    expect((await status(c.id, c.token)).status).toBe('offloaded');
    expect((await messages(s.url, c.id, c.token)).some((m) => m.text === 'I am not Genesys')).toBe(false);
    // the same body, signed: applied
    expect((await signedPost(body)).status).toBe(200);
    expect((await status(c.id, c.token)).status).toBe('agent');
  });

  it('tells the agent when the user stops waiting and disconnects the Genesys conversation', async () => {
    const c = await offloadedConversation(s.url);
    await agentSees(c.id, (t) => t.startsWith('Handover'), 'handover');
    expect((await call(s.url, 'POST', `/api/v1/conversations/${c.id}/cancel`, { token: c.token })).status).toBe(200);
    // Open Messaging has no customer-side end: a last message says why, then the conversation is disconnected
    await agentSees(c.id, (t) => t.startsWith('[Baton] The user stopped waiting and is back with the bot.'), 'goodbye');
    await waitFor(() => sim.conversation(c.id)!.participants.every((p) => p.state === 'disconnected'), 5000, 'disconnected in Genesys');
    expect((await status(c.id, c.token)).status).toBe('bot');
  });

  it('answers 200 and marks a late agent message Failed when the user has left', async () => {
    const c = await offloadedConversation(s.url);
    await agentSees(c.id, (t) => t.startsWith('Handover'), 'handover');
    sim.agentJoins(c.id, { id: 'user-7', name: 'Sam' });
    // the OAuth client may not disconnect: the agent reads the last message and ends it by hand
    sim.failNext(1, 403, { method: 'PATCH' });
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/end`, { token: c.token });
    await agentSees(c.id, (t) => t.startsWith('[Baton] The user ended the conversation.'), 'goodbye');
    await waitFor(async () => {
      const rows = (await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin })).body.deliveries;
      return rows.every((d: { status: string }) => d.status === 'delivered');
    }, 5000, 'deliveries done despite the 403');
    expect(sim.conversation(c.id)!.participants.some((p) => p.purpose === 'agent' && p.state === 'connected')).toBe(true);
    const late = await sim.agentSays(c.id, 'Sorry for the wait!');
    expect(late.webhook).toEqual({ status: 200, attempts: 1 });
    await waitFor(() => late.receipt?.status === 'Failed', 5000, 'Failed receipt');
    expect((await messages(s.url, c.id, c.token)).some((m) => m.text === 'Sorry for the wait!')).toBe(false);
  });

  it('renews the token after a 401 and before it expires', async () => {
    sim.revokeTokens();
    sim.setTokenTtl(2);
    const issued = sim.state.tokensIssued;
    const refused = sim.state.unauthorized;
    const c = await offloadedConversation(s.url);
    await agentSees(c.id, (t) => t.startsWith('Handover'), 'handover after a revoked token');
    // the revoked token was refused (the poller may have hit it at the same moment) and replaced once
    expect(sim.state.unauthorized).toBeGreaterThan(refused);
    expect(sim.state.tokensIssued).toBe(issued + 1);
    const refusedAfterRenewal = sim.state.unauthorized;
    // the 2-second token is renewed ahead of its expiry: no more 401s
    await new Promise((r) => setTimeout(r, 2000));
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'still there?' } });
    await agentSees(c.id, (t) => t === 'still there?', 'message with a renewed token');
    expect(sim.state.unauthorized).toBe(refusedAfterRenewal);
    expect(sim.state.tokensIssued).toBeGreaterThanOrEqual(issued + 2);
    sim.setTokenTtl(86_400);
  });

  it('retries through a Genesys outage and delivers everything once, in order', async () => {
    const c = await offloadedConversation(s.url);
    await agentSees(c.id, (t) => t.startsWith('Handover'), 'handover');
    sim.failNext(1, 503, { method: 'POST', path: '/inbound/open/message' });
    const failuresBefore = sim.state.injectedFailures;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'first during outage' } });
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'second during outage' } });
    await waitFor(() => sim.state.injectedFailures > failuresBefore, 10_000, 'the outage was hit');
    const log = await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin });
    expect(log.body.deliveries.some((d: { lastError?: string; status: string }) => d.status === 'pending' && d.lastError?.includes('503'))).toBe(true);
    await agentSees(c.id, (t) => t === 'second during outage', 'delivered after the outage');
    const userTexts = inboxTexts(c.id).filter((t) => t.endsWith('during outage'));
    expect(userTexts).toEqual(['first during outage', 'second during outage']);
    // delivering a delivered event again (an operator's redeliver) is deduplicated by Genesys
    const delivered = (await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin })).body.deliveries;
    const firstRow = delivered.find((d: { event: string; status: string }) => d.event === 'handover.requested');
    const dupes = sim.state.duplicates;
    await call(s.url, 'POST', `/api/v1/providers/deliveries/${firstRow.id}/redeliver`, { token: admin });
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.state.duplicates > dupes;
    }, 10_000, 'redelivered');
    expect(inboxTexts(c.id).filter((t) => t.startsWith('Handover'))).toHaveLength(1);
  }, 20_000);

  it('returns the user to the bot when Genesys refuses the handover', async () => {
    await useProvider('gc-wrong');
    try {
      // the refusal can hand the user back before a poll sees the conversation offloaded (askedForAgent):
      // the transcript's refusal tells
      const c = await askedForAgent(s.url);
      await waitFor(async () => {
        await s.baton.outbox.runOnce();
        const seen = (await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: admin })).body;
        return seen.conversation.status === 'bot' && seen.messages.some((m: { event?: string }) => m.event === 'conversation.refused');
      }, 10_000, 'refused → bot');
      const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: admin });
      expect(detail.body.messages.some((m: { event?: string; text?: string }) => m.event === 'conversation.refused' && m.text?.includes('404'))).toBe(true);
      // nothing more is sent for a handover Genesys never took
      await s.baton.outbox.runOnce();
      expect(sim.inbox(c.id)).toHaveLength(0);
      const rows = (await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin })).body.deliveries;
      expect(rows.find((d: { event: string }) => d.event === 'handover.cancelled')?.status).toBe('delivered');
    } finally {
      await useProvider('gc');
    }
  });
});

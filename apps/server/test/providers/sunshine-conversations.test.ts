// Zendesk messaging through Sunshine Conversations Switchboard, end to end on both stores: a real
// Baton (loopback HTTP) against the Sunshine simulator, which validates Baton's API calls as the
// OpenAPI spec documents them and plays the end user (webhooks with X-API-Key) and the Zendesk agent
// (acceptControl, agent messages, the ticket closed → control passed back).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSunshineSimulator, type SimMessage, type SunshineSimulator } from '../../../../tools/simulators/sunshine-conversations.js';
import { ownedConversationId } from '../../src/commands/create-conversation.js';
import { handoverMetadata, messageContents, METADATA_MAX_BYTES } from '../../src/providers/sunshine-conversations/outbound.js';
import { SunshineConversationsConfig } from '@baton/proto';
import { call, login } from '../support/http.js';
import { openOffloading } from '../support/flows.js';
import { startOnStore, waitFor, type TestServer, type TestStore } from '../support/server.js';
import type { ProviderEvent } from '../../src/providers/provider.js';

const APP_ID = 'app-5e4af71a81966cfff3ef6550';
const KEY_ID = 'app_5963ceb97cde542d000dbdb1';
const SECRET = 'sunshine-api-key-secret-0123456789';
const WEBHOOK_SECRET = 'sunshine-webhook-secret-abcdef';
const STORES: TestStore[] = ['sqlite', 'postgres'];
const WEBHOOK = '/api/v1/providers/sunshine-conversations/zd/webhook';

describe.each(STORES)('Sunshine Conversations provider on %s', (store) => {
  let s: TestServer;
  let sim: SunshineSimulator;
  let admin: string;

  async function useProvider(patch: Record<string, unknown> = {}) {
    const current = (await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin })).body;
    const provider = { id: 'zd', type: 'sunshine-conversations', name: 'Zendesk', config: { appId: APP_ID, keyId: KEY_ID, secret: SECRET, webhookSecret: WEBHOOK_SECRET, apiBaseUrl: sim.url, ticketFields: { new_address: 360001234567 }, ...patch } };
    return openOffloading(s.url, admin, { providers: [...current.providers.filter((p: { id: string }) => p.id !== 'zd'), provider] });
  }

  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    sim = await startSunshineSimulator({ appId: APP_ID, keyId: KEY_ID, secret: SECRET, webhookUrl: `${s.url}${WEBHOOK}`, webhookSecret: WEBHOOK_SECRET, webhookAttempts: 3, webhookRetryDelayMs: 50 });
    await useProvider();
  });
  afterAll(async () => {
    await s?.close();
    await sim?.close();
  });

  const batonId = (sunshineId: string) => ownedConversationId('zd', sunshineId);
  const pump = <T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return fn();
    }, ms, what);
  /** what Baton posted to the Sunshine conversation (its messages carry Baton's message id) */
  const fromBaton = (id: string): SimMessage[] => sim.conversation(id)!.messages.filter((m) => m.author.type === 'business' && m.metadata?.batonMessageId);
  const textOf = (m: SimMessage) => String(m.content.text ?? '');
  const transcript = async (id: string) => (await call(s.url, 'GET', `/api/v1/agent/conversations/${batonId(id)}`, { token: admin })).body;
  const status = async (id: string) => (await transcript(id)).conversation.status as string;

  /** the user writes; resolves once Baton has posted `n` more messages to the conversation */
  async function say(id: string, text: string, n = 1) {
    const before = fromBaton(id).length;
    const { delivery } = sim.userSays(id, text);
    expect((await delivery).delivered).toBe(true);
    if (n) await pump(() => fromBaton(id).length >= before + n, `bot answers "${text}"`);
    return fromBaton(id).slice(before);
  }

  it('answers the user through the Conversations API: text, buttons as postback actions, cards; a tap is a button press', async () => {
    const c = sim.newConversation({ name: 'Jan Peeters', locale: 'en-GB' });
    // the welcome (with its buttons), then the answer
    const replies = await say(c.id, 'hello there', 2);
    const welcome = replies.find((m) => Array.isArray(m.content.actions))!;
    expect(welcome.author).toMatchObject({ type: 'business' });
    expect(welcome.content).toMatchObject({ type: 'text', text: expect.stringContaining('How can I help') });
    const actions = welcome.content.actions as Array<{ type: string; text: string; payload: string }>;
    expect(actions.map((a) => a.type)).toEqual(['postback', 'postback', 'postback']);
    expect(actions[0]!.text).toBe('Opening hours');
    // the Baton conversation is keyed by the Sunshine one, with the user's name and language
    const t = await transcript(c.id);
    expect(t.conversation).toMatchObject({ status: 'bot', language: 'en' });
    expect(t.messages.filter((m: { author: { type: string } }) => m.author.type === 'user').map((m: { text: string }) => m.text)).toEqual(['hello there']);

    // tapping "Opening hours": the postback comes back as a conversation:postback event
    const before = fromBaton(c.id).length;
    expect((await sim.userPostback(c.id, actions[0]!.payload)).delivered).toBe(true);
    await pump(() => fromBaton(c.id).length > before, 'opening hours');
    const hours = fromBaton(c.id).slice(before);
    expect(hours.map(textOf).join('\n')).toContain('Monday to Friday');
    // the demo's cards (one without a button) do not fit a carousel: lines, their button an action
    expect(hours.some((m) => (m.content.actions as Array<{ text: string }> | undefined)?.some((a) => a.text === 'Talk to a person'))).toBe(true);
    // every call Baton made passed the simulator's checks of the documented schema
    expect(sim.state.requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('offers control: the bot answers until the agent accepts, agent messages land in Baton’s history, the closed ticket gives the bot back', async () => {
    const c = sim.newConversation({ name: 'Els', locale: 'en' });
    await say(c.id, 'hi', 2);
    await say(c.id, 'I want to speak to a real agent');
    // offerControl to the next integration (Zendesk's agent workspace), with the handover's facts
    const offer = await pump(() => sim.conversation(c.id)!.actions.find((a) => a.action === 'offerControl'), 'offerControl');
    expect(offer.switchboardIntegration).toBe('next');
    expect(offer.metadata).toMatchObject({ batonConversationId: batonId(c.id), skill: 'general', language: 'en', trigger: 'explicit' });
    expect(String(offer.metadata!['dataCapture.systemField.tags'])).toContain('skill_general');
    // the ticket starts at the bot episode's first message
    expect(offer.metadata!.first_message_id).toBe(sim.conversation(c.id)!.messages[0]!.id);
    expect(sim.conversation(c.id)!.pending?.id).toBe(sim.integrations.agentWorkspace.id);
    expect(await status(c.id)).toBe('offloaded');

    // while offered, the bot keeps answering
    const waiting = await say(c.id, 'what are your opening hours');
    expect(waiting.map(textOf).join(' ')).toContain('Monday to Friday');

    // the agent accepts: the conversation is the agent's, the bot is silent
    expect((await sim.acceptControl(c.id)).delivered).toBe(true);
    await waitFor(async () => (await status(c.id)) === 'agent', 10_000, 'agent');
    const { delivery } = sim.agentSays(c.id, 'Hi Els, Alex here. How can I help?', 'Alex Agent');
    expect((await delivery).delivered).toBe(true);
    const postedBefore = fromBaton(c.id).length;
    await say(c.id, 'what are your opening hours', 0);
    await waitFor(async () => (await transcript(c.id)).messages.filter((m: { author: { type: string } }) => m.author.type === 'user').length === 4, 10_000, 'user message stored');
    await s.baton.outbox.runOnce();
    await new Promise((r) => setTimeout(r, 300));
    await s.baton.outbox.runOnce();
    // nothing from the bot, and the agent's message is not posted back to the user a second time
    expect(fromBaton(c.id).length).toBe(postedBefore);
    const t = await transcript(c.id);
    const agentMsgs = t.messages.filter((m: { author: { type: string } }) => m.author.type === 'agent');
    expect(agentMsgs.map((m: { text: string; author: { name: string } }) => [m.author.name, m.text])).toEqual([['Alex Agent', 'Hi Els, Alex here. How can I help?']]);
    expect(t.messages.some((m: { event?: string }) => m.event === 'conversation.assigned')).toBe(true);

    // Zendesk passes control back when the ticket is solved: the bot answers again
    expect((await sim.closeTicket(c.id)).delivered).toBe(true);
    await waitFor(async () => (await status(c.id)) === 'bot', 10_000, 'handed back');
    const again = await say(c.id, 'what are your opening hours');
    expect(again.map(textOf).join(' ')).toContain('Monday to Friday');
  });

  it('passes control at once when so configured: the bot stops right after the handover; metadata carries skill, variables and ticket fields', async () => {
    await useProvider({ handover: 'pass', agentIntegration: 'zd:agentWorkspace' });
    try {
      const c = sim.newConversation({ name: 'Jan', locale: 'en' });
      await say(c.id, 'hello', 2);
      await say(c.id, 'I want to change my address');
      await say(c.id, 'Jan Peeters');
      await say(c.id, 'Kerkstraat 1, 2000 Antwerpen');
      await say(c.id, 'jan@example.com');
      const pass = await pump(() => sim.conversation(c.id)!.actions.find((a) => a.action === 'passControl'), 'passControl');
      expect(pass.switchboardIntegration).toBe('zd:agentWorkspace');
      expect(pass.metadata).toMatchObject({ skill: 'address_change', 'var.new_address': 'Kerkstraat 1, 2000 Antwerpen', 'dataCapture.ticketField.360001234567': 'Kerkstraat 1, 2000 Antwerpen' });
      expect(Object.values(pass.metadata!).every((v) => typeof v === 'string')).toBe(true);
      expect(sim.conversation(c.id)!.active?.id).toBe(sim.integrations.agentWorkspace.id);
      // accepted on delivery: the next user message gets no bot answer
      await waitFor(async () => (await status(c.id)) === 'agent', 10_000, 'agent after passControl');
      const before = fromBaton(c.id).length;
      await say(c.id, 'what are your opening hours', 0);
      await new Promise((r) => setTimeout(r, 300));
      await s.baton.outbox.runOnce();
      expect(fromBaton(c.id).length).toBe(before);
      // released: the bot has the conversation again
      expect((await sim.releaseControl(c.id)).delivered).toBe(true);
      await waitFor(async () => (await status(c.id)) === 'bot', 10_000, 'released');
    } finally {
      await useProvider();
    }
  });

  it('refuses a wrong X-API-Key with 401 before reading the body, and applies a repeated event once', async () => {
    const c = sim.newConversation();
    const body = JSON.stringify({ app: { id: APP_ID }, webhook: { id: 'w', version: 'v2' }, events: [{ id: 'evt-forged', type: 'conversation:message', createdAt: new Date().toISOString(), payload: { conversation: { id: c.id, type: 'personal' }, message: { id: 'msg-forged', author: { type: 'user', userId: 'u1' }, content: { type: 'text', text: 'forged' } } } }] });
    for (const key of [undefined, 'wrong-secret-value', `${WEBHOOK_SECRET}x`]) {
      const r = await call(s.url, 'POST', WEBHOOK, { raw: body, headers: key ? { 'x-api-key': key } : {} });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('SIGNATURE_INVALID');
    }
    // not even a conversation was created
    expect((await call(s.url, 'GET', `/api/v1/agent/conversations/${batonId(c.id)}`, { token: admin })).status).toBe(404);
    // garbage with the right key is a 4xx with a code, never a 5xx
    const garbage = await call(s.url, 'POST', WEBHOOK, { raw: '{"events": 3}', headers: { 'x-api-key': WEBHOOK_SECRET } });
    expect(garbage.status).toBe(422);
    expect(garbage.body.error.code).toBe('VALIDATION_FAILED');

    // the same webhook call twice (Sunshine retries with the same event ids): one message
    const { delivery } = sim.userSays(c.id, 'only once please');
    const first = await delivery;
    expect(first.delivered).toBe(true);
    const again = await sim.redeliver(first);
    expect(again.delivered).toBe(true);
    await waitFor(async () => (await transcript(c.id)).messages?.some((m: { text?: string }) => m.text === 'only once please'), 10_000, 'stored');
    const users = (await transcript(c.id)).messages.filter((m: { author: { type: string } }) => m.author.type === 'user');
    expect(users.map((m: { text: string }) => m.text)).toEqual(['only once please']);
  });

  it('loses nothing while Sunshine is down or rate limiting: the answers go out once it is back, in order', async () => {
    const c = sim.newConversation({ locale: 'en' });
    sim.setDown(true);
    try {
      const { delivery } = sim.userSays(c.id, 'what are your opening hours');
      expect((await delivery).delivered).toBe(true);
      // the bot answered in Baton; the deliveries wait in the outbox
      await waitFor(async () => (await transcript(c.id)).messages?.filter((m: { author: { type: string } }) => m.author.type === 'bot').length >= 2, 10_000, 'bot answered');
      await s.baton.outbox.runOnce();
      expect(sim.conversation(c.id)!.messages.filter((m) => m.author.type === 'business')).toEqual([]);
      const rows = await s.baton.deps.store.db.selectFrom('outbox').select(['status', 'attempts']).where('conversation_id', '=', batonId(c.id)).execute();
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows.every((r) => r.status === 'pending')).toBe(true);
    } finally {
      sim.setDown(false);
    }
    // back up, but answering 429 once: retried after Retry-After, then delivered
    sim.failNext(1, 429, 1);
    await s.baton.deps.store.write.run((tx) => tx.updateTable('outbox').set({ next_attempt_at: 0 }).where('conversation_id', '=', batonId(c.id)).execute());
    await pump(async () => {
      await s.baton.deps.store.write.run((tx) => tx.updateTable('outbox').set({ next_attempt_at: 0 }).where('conversation_id', '=', batonId(c.id)).where('status', '=', 'pending').execute());
      return fromBaton(c.id).length >= 2;
    }, 'delivered after the outage', 15_000);
    const texts = fromBaton(c.id).map(textOf);
    expect(texts[0]).toContain('How can I help');
    expect(texts.join(' ')).toContain('Monday to Friday');
    expect(new Set(fromBaton(c.id).map((m) => m.metadata!.batonMessageId)).size).toBe(fromBaton(c.id).length);
  });
});

describe('Sunshine Conversations payloads', () => {
  const cfg = SunshineConversationsConfig.parse({ appId: 'a', keyId: 'k', secret: 's', webhookSecret: 'whsecret1', ticketFields: { order: 42 } });

  it('sends cards that fit as a carousel (1–10 items, 1–3 actions each), others as text with actions', () => {
    const b = (t: string) => ({ title: t, payload: t.toLowerCase() });
    const [text, carousel] = messageContents({ text: 'Pick one', cards: [{ title: 'A', subtitle: 'x'.repeat(200), imageUrl: 'https://example.com/a.png', buttons: [b('Go')] }, { title: 'B', buttons: [b('One'), b('Two')] }] });
    expect(text).toEqual({ type: 'text', text: 'Pick one' });
    expect(carousel).toMatchObject({ type: 'carousel', items: [{ title: 'A', mediaUrl: 'https://example.com/a.png', actions: [{ type: 'postback', text: 'Go', payload: 'go' }] }, { title: 'B' }] });
    expect((carousel as { items: Array<{ description?: string }> }).items[0]!.description!.length).toBe(128);
    const four = messageContents({ cards: [{ title: 'C', buttons: [b('1'), b('2'), b('3'), b('4')] }] });
    expect(four).toEqual([{ type: 'text', text: 'C', actions: ['1', '2', '3', '4'].map((t) => ({ type: 'postback', text: t, payload: t })) }]);
  });

  it('sends files as image or file content whose mediaUrl is the signed link', () => {
    const url = (id: string) => `https://baton.example.com/api/v1/attachments/${id}/signed?expires=1&signature=ab`;
    const parts = messageContents({
      text: 'Here you go',
      attachments: [
        { id: 'p', name: 'meter.png', contentType: 'image/png', size: 10, url: url('p') },
        { id: 'd', name: 'invoice.pdf', contentType: 'application/pdf', size: 20, url: url('d') },
      ],
    });
    expect(parts).toEqual([
      { type: 'text', text: 'Here you go' },
      { type: 'image', mediaUrl: url('p'), altText: 'meter.png' },
      { type: 'file', mediaUrl: url('d'), altText: 'invoice.pdf' },
    ]);
  });

  it('keeps metadata flat, string-valued and within 4 KB, dropping variables from the first that does not fit', () => {
    const variables: Record<string, unknown> = { order: 'A-1', nested: { a: 1 } };
    for (let i = 0; i < 30; i++) variables[`v${String(i).padStart(2, '0')}`] = 'y'.repeat(400);
    const event = {
      id: 'e',
      type: 'handover.requested',
      createdAt: '',
      conversation: { id: 'c1', status: 'offloaded', language: 'nl', skill: 'billing', tags: ['vip'], variables, user: { id: null, name: null, email: null, verified: false } },
      handover: { reason: 'r', trigger: 'explicit', dialog: null, skill: 'billing', language: 'nl', note: null, requestedAt: '', tags: ['vip'], variables: {} },
    } as ProviderEvent;
    const md = handoverMetadata(event, cfg, 'm1');
    expect(Buffer.byteLength(JSON.stringify(md))).toBeLessThanOrEqual(METADATA_MAX_BYTES);
    expect(md).toMatchObject({ batonConversationId: 'c1', skill: 'billing', language: 'nl', first_message_id: 'm1', 'dataCapture.ticketField.42': 'A-1', tags: 'vip', 'var.nested': '{"a":1}', batonTruncated: 'true' });
    expect(md['dataCapture.systemField.tags']).toBe('vip skill_billing lang_nl baton');
    // deterministic: variables by name, the first that does not fit and all after it left out
    const kept = Object.keys(md).filter((k) => k.startsWith('var.v'));
    expect(kept).toEqual(kept.slice().sort());
    expect(kept.length).toBeGreaterThan(3);
    expect(kept.length).toBeLessThan(30);
    expect(handoverMetadata(event, cfg, 'm1')).toEqual(md);
  });
});

// Genesys Cloud Web Messaging with Baton as the bot, end to end: a real Baton on loopback (SQLite and
// PostgreSQL) and the contract-faithful Digital Bot Connector simulator calling its Bot Connector URI
// with the integration's credential header, checking every answer against the spec, and playing the
// Platform API that takes outgoing messages.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerProblems, startBotConnectorSimulator, type BotConnectorSimulator, type SimSession } from '../../../../tools/simulators/genesys-bot-connector.js';
import { call, login } from '../support/http.js';
import { openOffloading } from '../support/flows.js';
import { startOnStore, waitFor, type TestServer, type TestStore } from '../support/server.js';

const SECRET = 'bot-connector-credential-0123456789';
const HEADER = 'X-Baton-Connection-Secret';
/** Baton's answer budget in these tests, and the slow bot's webhook delay beyond it */
const ANSWER_WITHIN_MS = 800;
const SLOW_MS = 1500;

/** A bot whose buttons lead to a slow webhook step (then a message, or a handover). */
const slowBot = (hook: string) => ({
  name: 'Slow orders',
  defaultLanguage: 'en',
  languages: ['en'],
  nlu: { threshold: 0.5 },
  intents: {},
  dialogs: {
    welcome: { steps: [{ message: { text: 'Orders desk.', buttons: [{ title: 'Order status', goto: 'order' }, { title: 'Agent', goto: 'slow_agent' }] } }] },
    order: { steps: [{ webhook: { url: `${hook}/order`, method: 'GET', timeoutMs: 5000, assign: { status: 'status' } } }, { message: { text: 'Your order is {{status}}.' } }] },
    slow_agent: { steps: [{ webhook: { url: `${hook}/order`, method: 'GET', timeoutMs: 5000, assign: { status: 'status' } } }, { offload: { skill: 'orders', reason: 'order question', trigger: 'explicit', variables: ['status'] } }] },
    not_understood: { steps: [{ message: { text: 'Pick a button, please.' } }] },
    offloading_disabled: { steps: [{ message: { text: 'off' } }] },
    offloading_closed: { steps: [{ message: { text: 'closed' } }] },
    offloading_opened: { steps: [{ message: { text: 'Passing you to a colleague.' } }] },
  },
});

const texts = (o: { replies: Array<{ text?: string }> }) => o.replies.map((r) => r.text ?? '');

describe.each<TestStore>(['sqlite', 'postgres'])('Genesys Digital Bot Connector on %s', (store) => {
  let s: TestServer;
  let sim: BotConnectorSimulator;
  let admin: string;
  let hook: http.Server;

  const uri = () => `${s.url}/api/v1/providers/genesys-bot-connector/gbc/botconnector`;
  const conversationOf = async (session: SimSession) =>
    (await s.baton.deps.store.db.selectFrom('provider_state').select('conversation_id').where('provider_id', '=', 'gbc').where('external_id', '=', session.genesysConversationId).executeTakeFirst())?.conversation_id;
  const transcript = async (id: string) => (await call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token: admin })).body;
  const countRows = async (table: 'conversations' | 'messages' | 'provider_state') => Number((await s.baton.deps.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    hook = http.createServer((_req, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"shipped"}'), SLOW_MS));
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', () => r()));
    s = await startOnStore(store);
    admin = await login(s.url);
    sim = await startBotConnectorSimulator({
      botConnectorUri: uri(),
      credential: { name: HEADER, value: SECRET },
      clientId: 'baton-bot',
      clientSecret: 'bot-client-secret-0123',
      botResponseTimeoutMs: 5000,
      retries: 1,
      retryDelayMs: 50,
    });
    const put = await call(s.url, 'PUT', '/api/v1/bots/slowbot', { token: admin, body: slowBot(`http://127.0.0.1:${(hook.address() as { port: number }).port}`) });
    expect(put.status).toBe(200);
    const settings = await openOffloading(s.url, admin);
    await openOffloading(s.url, admin, {
      providers: [...settings.providers, { id: 'gbc', type: 'genesys-bot-connector', name: 'Genesys Web Messaging', config: { ...sim.providerConfig(), answerWithinMs: ANSWER_WITHIN_MS } }],
    });
  });
  afterAll(async () => {
    await s?.close();
    await sim?.close();
    hook?.close();
  });

  it('refuses a missing or wrong credential with 403 and stores nothing', async () => {
    const before = await Promise.all([countRows('conversations'), countRows('messages'), countRows('provider_state')]);
    const session = sim.startSession({ botId: 'demo' });
    const wrong = await sim.say(session, 'hello', { name: HEADER, value: 'not-the-secret-0123456789' });
    expect(wrong).toMatchObject({ httpStatus: 403, path: 'failure', errorType: 'ServiceProviderErrorResponse', attempts: 1 });
    const missing = sim.startSession({ botId: 'demo' });
    expect(await sim.say(missing, 'hello', { name: 'X-Other', value: SECRET })).toMatchObject({ httpStatus: 403, path: 'failure' });
    expect((await sim.listBots({ name: HEADER, value: 'wrong' })).status).toBe(403);
    expect(await Promise.all([countRows('conversations'), countRows('messages'), countRows('provider_state')])).toEqual(before);
    const raw = await call(s.url, 'POST', '/api/v1/providers/genesys-bot-connector/gbc/botconnector/messages', { body: { botId: 'demo' } });
    expect(raw.status).toBe(403);
    expect(raw.body.error.code).toBe('CONNECTION_SECRET_INVALID');
  });

  it('lists the bots as Architect reads them: one version, the Handover intent and its slots', async () => {
    const list = await sim.listBots();
    expect(list).toMatchObject({ status: 200, problems: [] });
    const demo = list.bots.find((b) => b.id === 'demo')!;
    expect(demo).toMatchObject({ name: 'Acme assistant', provider: 'Baton', versions: [{ version: 'live', supportedLanguages: ['en', 'nl', 'fr'], intents: [{ name: 'Handover' }] }] });
    const slots = (demo.versions as Array<{ intents: Array<{ entities: Array<{ name: string; type: string }> }> }>)[0]!.intents[0]!.entities;
    // the variables the bot can hand over are slots too, so Architect offers them as outputs (`question`: the demo's leave_message dialog)
    expect(slots.map((e) => e.name)).toEqual(['Skill', 'Language', 'Trigger', 'Reason', 'Tags', 'var_email', 'var_name', 'var_new_address', 'var_question']);
    expect(list.bots.map((b) => b.id)).toContain('slowbot');
    expect(await sim.getBot('slowbot')).toMatchObject({ status: 200, problems: [], bot: { id: 'slowbot', name: 'Slow orders' } });
    expect((await sim.getBot('no-such-bot')).status).toBe(404);
  });

  it('starts a conversation on first contact: the welcome with quick replies, and the session variables kept', async () => {
    const session = sim.startSession({ botId: 'demo', languageCode: 'en-us', parameters: { customerId: '42' } });
    const first = await sim.say(session, 'hello');
    expect(first).toMatchObject({ httpStatus: 200, botState: 'MoreData', path: 'more-data', problems: [] });
    const welcome = first.replies.find((r) => r.type === 'Structured')!;
    expect(welcome.text).toMatch(/Acme assistant/);
    expect(welcome.content!.map((c) => (c.quickReply as { text: string }).text)).toEqual(['Opening hours', 'Change my address', 'Talk to a person']);
    const id = (await conversationOf(session))!;
    const t = await transcript(id);
    expect(t.conversation).toMatchObject({ status: 'bot', language: 'en', variables: { customerId: '42' } });
    expect(t.messages.filter((m: { author: { type: string } }) => m.author.type === 'user').map((m: { text: string }) => m.text)).toEqual(['hello']);
  });

  it('answers a quick reply, and a carousel as a structured message the connector accepts', async () => {
    const session = sim.startSession({ botId: 'demo' });
    await sim.say(session, 'hi');
    const hours = sim.offered(session).find((b) => b.text === 'Opening hours')!;
    const answer = await sim.press(session, hours);
    expect(answer).toMatchObject({ botState: 'MoreData', problems: [] });
    expect(texts(answer)[0]).toMatch(/open Monday to Friday/);
    const carousel = answer.replies.find((r) => r.content?.[0]?.contentType === 'Carousel')!;
    const cards = (carousel.content![0]!.carousel as { cards: Array<{ title: string; description?: string; actions: Array<{ type: string; text: string }> }> }).cards;
    expect(cards.map((c) => c.title)).toEqual(['Customer service', 'Self-service']);
    expect(cards[0]!.actions).toEqual([expect.objectContaining({ type: 'Postback', text: 'Talk to a person' })]);
    // the card's button is a postback too: it leads to the handover
    const person = await sim.press(session, sim.offered(session).find((b) => b.text === 'Talk to a person')!, 'Button');
    expect(person).toMatchObject({ botState: 'Complete', path: 'intent:Handover' });
  });

  it('stores a repeated message id once and answers it the same', async () => {
    const session = sim.startSession({ botId: 'demo' });
    await sim.say(session, 'hello');
    const first = await sim.say(session, 'what are your opening hours');
    const id = (await conversationOf(session))!;
    const before = (await transcript(id)).messages.length;
    const again = await sim.resend(session);
    expect(again.replies).toEqual(first.replies);
    expect(again.botState).toBe(first.botState);
    expect((await transcript(id)).messages.length).toBe(before);
  });

  it('hands over: Complete with the Handover intent, skill, language, tags and variables as parameters; Baton records it', async () => {
    const session = sim.startSession({ botId: 'demo', languageCode: 'en-us' });
    await sim.say(session, 'hello');
    await sim.press(session, sim.offered(session).find((b) => b.text === 'Change my address')!);
    await sim.say(session, 'Jane Doe');
    await sim.say(session, 'Main Street 1, 1000 Brussels');
    const done = await sim.say(session, 'jane@example.com');
    expect(done).toMatchObject({ httpStatus: 200, botState: 'Complete', intent: 'Handover', path: 'intent:Handover', problems: [] });
    const id = (await conversationOf(session))!;
    expect(done.parameters).toMatchObject({
      skill: 'address_change',
      language: 'en',
      trigger: 'flow_end',
      tags: 'address_change',
      batonConversationId: id,
      var_name: 'Jane Doe',
      var_new_address: 'Main Street 1, 1000 Brussels',
      var_email: 'jane@example.com',
    });
    expect(done.entities).toContainEqual({ name: 'Skill', type: 'String', value: 'address_change' });
    expect(done.entities).toContainEqual({ name: 'Tags', type: 'StringCollection', values: ['address_change'] });
    expect(done.entities).toContainEqual({ name: 'var_email', type: 'String', value: 'jane@example.com' });
    expect(texts(done).join(' ')).toMatch(/Thanks Jane Doe/);
    expect(session.open).toBe(false);
    const t = await transcript(id);
    expect(t.conversation.status).toBe('closed');
    expect(t.conversation.handover).toMatchObject({ providerId: 'gbc', trigger: 'flow_end' });
    const events = t.messages.map((m: { event?: string }) => m.event).filter(Boolean);
    expect(events).toEqual(expect.arrayContaining(['conversation.offloaded', 'conversation.assigned', 'conversation.closed']));

    // the flow calls the bot again for the same Genesys conversation: the conversation reopens with the bot
    const next = sim.nextSession(session);
    const back = await sim.say(next, 'what are your opening hours');
    expect(back).toMatchObject({ botState: 'MoreData', problems: [] });
    expect(texts(back).join(' ')).toMatch(/open Monday to Friday/);
    expect(await conversationOf(next)).toBe(id);
    expect((await transcript(id)).conversation.status).toBe('bot');
  });

  it('answers a slow bot MoreData within the budget; its replies follow once as an outgoing message, also when Genesys is down for a moment', async () => {
    const session = sim.startSession({ botId: 'slowbot' });
    await sim.say(session, 'hi');
    sim.failNext(1, 503);
    const slow = await sim.press(session, sim.offered(session).find((b) => b.text === 'Order status')!);
    expect(slow).toMatchObject({ botState: 'MoreData', replies: [], attempts: 1, problems: [] });
    expect(slow.ms).toBeLessThan(ANSWER_WITHIN_MS + 1000);
    await waitFor(() => session.transcript.some((t) => t.via === 'outgoing' && t.message.text === 'Your order is shipped.'), 20_000, 'the outgoing message');
    expect(session.outgoing.map((o) => o.status)).toEqual([503, 200]);
    expect(session.outgoing[1]!.body).toMatchObject({ botId: 'slowbot', botVersion: 'live', botSessionId: session.botSessionId, botState: 'MoreData', languageCode: 'en-us' });
    // the next answer does not repeat it
    const next = await sim.say(session, 'thanks');
    expect(texts(next)).toEqual(['Pick a button, please.']);
    expect(session.transcript.filter((t) => t.message.text === 'Your order is shipped.')).toHaveLength(1);
  });

  it('sends a slow handover as a Complete outgoing message and closes the session', async () => {
    const session = sim.startSession({ botId: 'slowbot' });
    await sim.say(session, 'hi');
    const slow = await sim.press(session, sim.offered(session).find((b) => b.text === 'Agent')!);
    expect(slow).toMatchObject({ botState: 'MoreData', path: 'more-data' });
    await waitFor(() => session.result, 20_000, 'the Complete outgoing message');
    expect(session.result).toMatchObject({ botState: 'Complete', intent: 'Handover', via: 'outgoing', parameters: { skill: 'orders', trigger: 'explicit', var_status: 'shipped' } });
    expect(session.open).toBe(false);
    const id = (await conversationOf(session))!;
    await waitFor(async () => (await transcript(id)).conversation.status === 'closed', 5000, 'the handover recorded');
  });
});

describe('Digital Bot Connector simulator contract', () => {
  it('flags what the connector refuses: no botState, Complete without an intent, empty structured messages, repeated card buttons', () => {
    expect(answerProblems({ replyMessages: [] })).toEqual([expect.stringMatching(/botState/)]);
    expect(answerProblems({ botState: 'Complete', replyMessages: [] })).toEqual([expect.stringMatching(/intent/)]);
    expect(answerProblems({ botState: 'MoreData', replyMessages: [{ type: 'Structured', text: 'x' }] })).toEqual([expect.stringMatching(/needs content/)]);
    const card = { title: 't', actions: [{ type: 'Postback', text: 'Go', payload: 'p' }] };
    expect(answerProblems({ botState: 'MoreData', replyMessages: [{ type: 'Structured', content: [{ contentType: 'Carousel', carousel: { cards: [card, card] } }] }] })).toEqual([expect.stringMatching(/repeat/)]);
    expect(answerProblems({ botState: 'MoreData', parameters: { n: 1 } })).toEqual([expect.stringMatching(/parameters.n/)]);
    expect(answerProblems({ botState: 'MoreData', replyMessages: [{ type: 'Text', text: 'x', content: [{ contentType: 'Attachment', attachment: {} }] }] })).toEqual([expect.stringMatching(/attachments are not enabled/)]);
    expect(answerProblems({ botState: 'Complete', intent: 'Handover', replyMessages: null, parameters: { skill: 'general' } })).toEqual([]);
  });
});

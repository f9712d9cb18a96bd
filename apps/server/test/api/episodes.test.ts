// Episodes, History and satisfaction (DESIGN §10.3, docs/api.md "History" and "Satisfaction") through
// real HTTP on SQLite and PostgreSQL: a conversation handled, closed, rated, reopened, handled again and
// handed back keeps both episodes and stays in History; History pages with its cursor and `q` finds a
// reopened conversation; the rating's rules; and the §10.3 analytics (conversations, containment,
// CSAT, not-understood) equal COUNTs over the rows, before and after the fold; a channel's user is
// asked with buttons after the close and a typed digit is recorded as the rating.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASK_FOR_AGENT, makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { call, createConversation, login } from '../support/http.js';
import { signBody } from '../../src/providers/signing.js';
import { anonymizeConversations } from '../../src/store/retention.js';
import { postgresAvailable } from '../support/postgres.js';
import { startReceiver } from '../support/receiver.js';
import { startOnStore, TestClock, waitFor, type TestServer } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
type Agent = Awaited<ReturnType<typeof makeAgent>>;
interface Conv {
  id: string;
  token: string;
}

describe.each(STORES)('episodes, history and ratings on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let ada: Agent;
  let bob: Agent;
  const clock = new TestClock(Date.parse('2026-11-20T10:00:00Z'));

  const agentCall = async (who: Agent | string, id: string, action: string, body?: unknown) => {
    const r = await call(s.url, 'POST', `/api/v1/agent/conversations/${id}/${action}`, { token: typeof who === 'string' ? who : who.token, ...(body ? { body } : {}) });
    expect(r.status, `${action}: ${JSON.stringify(r.body)}`).toBe(200);
  };
  const rate = (c: Conv, body: unknown, token = c.token) => call(s.url, 'POST', `/api/v1/conversations/${c.id}/rating`, { token, body });
  const say = (c: Conv, text: string) => call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
  const statusOf = async (c: Conv) => (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status as string;
  const detail = async (id: string, token = admin) => {
    const r = await call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const history = async (token: string, query = '') => {
    const r = await call(s.url, 'GET', `/api/v1/agent/conversations?status=closed${query}`, { token });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { conversations: Array<{ id: string; status: string; lastEpisode: any }>; nextCursor: string | null };
  };
  const served = async (agent: Agent, opts: Parameters<typeof offloadedConversation>[1] = {}) => {
    const c = await offloadedConversation(s.url, opts);
    clock.advance(20_000);
    await agentCall(agent, c.id, 'accept');
    clock.advance(60_000);
    return c;
  };

  beforeAll(async () => {
    s = await startOnStore(store, { clock, build: { workers: false } });
    admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    ada = await makeAgent(s.url, admin, { name: 'Ada', skills: ['general'] });
    bob = await makeAgent(s.url, admin, { name: 'Bob', skills: ['general'] });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('keeps each episode across a close, a reopen and a hand-back; History keeps the conversation throughout', async () => {
    const c = await served(ada, { user: { name: 'Griet Vermeulen', email: 'griet@example.org' } });
    // with an agent: an open episode, nothing to rate yet
    const open = await rate(c, { score: 5 });
    expect(open.status).toBe(409);
    expect(open.body.error.code).toBe('NOTHING_TO_RATE');
    await agentCall(ada, c.id, 'close');

    const first = await rate(c, { score: 4, comment: '  Quick and kind  ' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.rating).toMatchObject({ conversationId: c.id, episode: 1, score: 4, comment: 'Quick and kind' });
    // a repeat replaces it
    const again = await rate(c, { score: 2 });
    expect(again.status).toBe(201);
    expect(again.body.rating).toMatchObject({ episode: 1, score: 2, comment: null });

    // the user writes again: the conversation reopens with the bot, and stays in History for the supervisor and for Ada
    expect((await say(c, 'one more question')).status).toBe(201);
    await waitFor(async () => (await statusOf(c)) === 'bot', 10_000, 'reopen');
    for (const who of [admin, ada.token]) {
      const row = (await history(who)).conversations.find((x) => x.id === c.id);
      expect(row, 'in History after the reopen').toBeDefined();
      expect(row!.status).toBe('bot');
      expect(row!.lastEpisode).toMatchObject({ number: 1, agent: { id: ada.id, name: 'Ada' }, ended: 'closed', endedBy: 'agent', rating: { score: 2, comment: null } });
    }
    // search finds it by the user's name
    expect((await history(admin, '&q=Vermeulen')).conversations.map((x) => x.id)).toContain(c.id);

    // a second handling, by Bob, handed back to the bot
    expect((await say(c, ASK_FOR_AGENT.en!)).status).toBe(201);
    await waitFor(async () => (await statusOf(c)) === 'offloaded', 10_000, 'second handover');
    await agentCall(bob, c.id, 'accept');
    expect((await rate(c, { score: 5 })).body.error.code).toBe('NOTHING_TO_RATE');
    clock.advance(30_000);
    await agentCall(bob, c.id, 'handback', {});
    const d = await detail(c.id);
    expect(d.episodes).toHaveLength(2);
    expect(d.episodes[0]).toMatchObject({ number: 1, agent: { name: 'Ada' }, ended: 'closed', rating: { score: 2 } });
    expect(d.episodes[1]).toMatchObject({ number: 2, agent: { id: bob.id, name: 'Bob' }, trigger: 'explicit', ended: 'handed_back', endedBy: 'agent', rating: null });
    expect(Date.parse(d.episodes[1].endedAt) - Date.parse(d.episodes[1].acceptedAt)).toBe(30_000);
    // handed back: in Bob's History too, with the latest episode; the hand-back can be rated
    const bobs = (await history(bob.token)).conversations.find((x) => x.id === c.id);
    expect(bobs?.lastEpisode).toMatchObject({ number: 2, ended: 'handed_back' });
    const rated = await rate(c, { score: 5 });
    expect(rated.body.rating).toMatchObject({ episode: 2, score: 5 });
    // the agents see the rating in the transcript, without the comment (it stays on the episode only)
    const lines = d.messages.filter((m: { event?: string }) => m.event === 'conversation.rated');
    expect(lines.map((m: { text: string }) => m.text)).toEqual(['The user rated Ada 4/5', 'The user rated Ada 2/5 (was 4/5)']);
  }, 60_000);

  it('refuses bad ratings with stable codes: a score outside 1–5, a conversation no agent finished, another conversation’s token', async () => {
    const c = await served(ada);
    await agentCall(ada, c.id, 'close');
    for (const score of [0, 6, 2.5, '4']) {
      const r = await rate(c, { score });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await rate(c, { score: 3, comment: 'x'.repeat(1001) })).status).toBe(422);
    expect((await rate(c, { score: 3, extra: true })).status).toBe(422);
    const bot = await createConversation(s.url, { locale: 'en' });
    const none = await rate({ id: bot.conversation.id, token: bot.token }, { score: 3 });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe('NOTHING_TO_RATE');
    const foreign = await rate(c, { score: 3 }, bot.token);
    expect([403, 404]).toContain(foreign.status);
    const anonymous = await call(s.url, 'POST', `/api/v1/conversations/${c.id}/rating`, { body: { score: 3 } });
    expect(anonymous.status).toBe(401);
  }, 60_000);

  it('anonymizing a conversation removes the rating comment and keeps the episode and its score', async () => {
    const c = await served(bob);
    await agentCall(bob, c.id, 'close');
    expect((await rate(c, { score: 3, comment: 'my number is 0470 12 34 56' })).status).toBe(201);
    await s.baton.deps.store.write.run((tx) => anonymizeConversations(tx, [c.id], clock.now()));
    const e = await s.baton.deps.store.db.selectFrom('conversation_episodes').selectAll().where('conversation_id', '=', c.id).executeTakeFirstOrThrow();
    expect({ agent: e.agent_id, score: Number(e.rating_score), comment: e.rating_comment }).toEqual({ agent: bob.id, score: 3, comment: null });
  }, 60_000);

  it('pages History with its cursor to the end, newest first, each conversation once, handed-back ones included', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await served(i % 2 ? bob : ada);
      await agentCall(i % 2 ? bob : ada, c.id, i === 2 ? 'handback' : 'close', i === 2 ? {} : undefined);
      made.push(c.id);
      clock.advance(1000);
    }
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const page = await history(admin, `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.conversations.map((x) => x.id));
      cursor = page.nextCursor;
      pages++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    // the newest five, newest first
    expect(seen.slice(0, 5)).toEqual([...made].reverse());
    expect(pages).toBe(Math.ceil(seen.length / 2));
  }, 60_000);

  it('counts conversations, containment, CSAT and not-understood exactly, equal to COUNTs over the rows, before and after the fold', async () => {
    const db = s.baton.deps.store.db;
    // fresh hours of their own
    clock.set('2026-11-22T08:00:00Z');
    // sessions expire on the test clock too
    admin = await login(s.url);
    for (const a of [ada, bob]) a.token = await login(s.url, a.email, 'agent-password');
    const from = clock.now();
    // three conversations the bot handles alone (two end, one stays open); two with a message it does
    // not understand (one each: two in a row would make the demo bot hand over, as a stuck user)
    for (let i = 0; i < 3; i++) {
      const c = await createConversation(s.url, { locale: 'en' });
      const conv = { id: c.conversation.id, token: c.token };
      if (i < 2) {
        expect((await say(conv, i ? 'blib blob wubwub' : 'zzqx vlorp gnarf')).status).toBe(201);
        await waitFor(async () => (await db.selectFrom('conversation_events').select('id').where('conversation_id', '=', conv.id).where('type', '=', 'bot.not_understood').execute()).length === 1, 10_000, 'miss counted');
      }
      if (i < 2) expect((await call(s.url, 'POST', `/api/v1/conversations/${conv.id}/end`, { token: conv.token })).status).toBe(200);
      clock.advance(7 * 60_000);
    }
    // handed over: rated 5 (Ada), 3 then 4 (Bob), one not rated; one left while waiting (not contained)
    const ratings: Array<[Agent, number[]]> = [
      [ada, [5]],
      [bob, [3, 4]],
      [ada, []],
    ];
    for (const [agent, scores] of ratings) {
      const c = await served(agent);
      await agentCall(agent, c.id, 'close');
      for (const score of scores) expect((await rate(c, { score })).status).toBe(201);
      clock.advance(11 * 60_000);
    }
    const left = await offloadedConversation(s.url);
    expect((await call(s.url, 'POST', `/api/v1/conversations/${left.id}/end`, { token: left.token })).status).toBe(200);
    const to = clock.now();

    // the oracle: the rows themselves
    const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
    const conversations = await count(db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', from).where('created_at', '<=', to).executeTakeFirst());
    const contained = await count(
      db.selectFrom('conversations').select((eb) => eb.fn.countAll<number>().as('n')).where('created_at', '>=', from).where('status', '=', 'closed').where('handover', 'is', null).executeTakeFirst(),
    );
    const rated = await db
      .selectFrom('conversation_episodes as e')
      .innerJoin('conversations as c', 'c.id', 'e.conversation_id')
      .select(['e.agent_id', 'e.rating_score', 'e.trigger', 'e.skill'])
      .where('c.created_at', '>=', from)
      .where('e.rating_score', 'is not', null)
      .execute();
    expect(conversations).toBe(7);
    expect(contained).toBe(2);
    expect(rated.map((r) => Number(r.rating_score)).sort()).toEqual([4, 5]);
    const avg = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;

    const range = `?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
    const figures = async () => {
      const r = await call(s.url, 'GET', `/api/v1/analytics${range}`, { token: admin });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    const before = await figures();
    expect(before.conversations).toBe(conversations);
    expect(before.containedByBot).toBe(contained);
    expect(before.containmentRate).toBe(Math.round((contained / conversations) * 1000) / 1000);
    expect(before.csat).toMatchObject({ count: 2, average: avg([4, 5]) });
    expect(before.csat.byAgent).toEqual([
      { agentId: ada.id, name: 'Ada', count: 1, average: 5 },
      { agentId: bob.id, name: 'Bob', count: 1, average: 4 },
    ]);
    expect(before.csat.byTrigger).toEqual({ explicit: { count: 2, average: 4.5 } });
    expect(before.csat.bySkill).toEqual({ general: { count: 2, average: 4.5 } });
    expect(before.handovers.total).toBe(4);
    expect(before.handoverRate.total).toBe(Math.round((4 / 7) * 1000) / 1000);
    expect(before.handoverRate.byTrigger).toEqual({ explicit: Math.round((4 / 7) * 1000) / 1000 });
    expect(before.notUnderstood).toEqual({ messages: 2, conversations: 2, rate: Math.round((2 / 7) * 1000) / 1000 });

    // folded into the rollup: the same figures
    clock.advance(3 * 3_600_000);
    admin = await login(s.url);
    await s.baton.analyticsFold.catchUp();
    expect((await db.selectFrom('analytics_rollup').select('metric').where('metric', '=', 'csat').execute()).length).toBeGreaterThan(0);
    expect(await figures()).toEqual(before);

    // the CSV has the same figures for the day
    const csv = await (await fetch(`${s.url}/api/v1/analytics.csv?from=2026-11-22&to=2026-11-22`, { headers: { authorization: `Bearer ${admin}` } })).text();
    const rows = csv.trim().split('\n').map((l) => l.split(','));
    const cell = (metric: string, key = '') => rows.find((r) => r[1] === metric && r[2] === key);
    expect(cell('conversations')?.[4]).toBe(String(conversations));
    expect(cell('contained_by_bot')?.[4]).toBe(String(contained));
    expect(cell('csat')?.slice(4)).toEqual(['2', '', '', '4.5']);
    expect(cell('csat_by_agent', bob.id)?.slice(3)).toEqual(['Bob', '1', '', '', '4']);
    expect(cell('not_understood_messages')?.[4]).toBe('2');
  }, 120_000);
});

describe.each(STORES)('the satisfaction question on a channel, on %s', (store) => {
  const SECRET = 'channel-secret-0123456789';
  let s: TestServer;
  let admin: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    rx = await startReceiver(SECRET);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    expect((await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: rx.url, secret: SECRET } })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });
  let n = 0;
  const post = (body: Record<string, unknown>) => {
    const raw = JSON.stringify({ id: `ev-${store}-${++n}`, type: 'message', user: { id: '+32470000099' }, locale: 'nl', ...body });
    return call(s.url, 'POST', '/api/v1/channels/sms/events', { raw, headers: { 'x-baton-signature': signBody(SECRET, raw, Math.floor(Date.now() / 1000)) } });
  };
  const episode = (id: string) => s.baton.deps.store.db.selectFrom('conversation_episodes').selectAll().where('conversation_id', '=', id).executeTakeFirstOrThrow();
  const delivered = (id: string, pred: (m: { text?: string; buttons?: Array<{ payload: string }> }) => boolean) =>
    waitFor(() => rx.received.find((r) => r.body?.conversationId === id && pred(r.body.message)), 10_000, 'delivery');

  it('asks with buttons 1–5 after the close; a typed digit or a button is recorded, not sent to the bot; a digit after that is a message again', async () => {
    const first = await post({ text: ASK_FOR_AGENT.nl! });
    expect(first.status).toBe(201);
    const id = first.body.conversationId as string;
    const agent = await makeAgent(s.url, admin, { skills: ['general'], languages: ['nl'] });
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${id}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${id}/close`, { token: agent.token })).status).toBe(200);
    const question = await delivered(id, (m) => (m.buttons?.length ?? 0) === 5);
    expect(question.body.message.text).toMatch(/^Hoe beoordeelt u/);
    expect(question.body.message.buttons.map((b: { payload: string }) => b.payload)).toEqual(['rating:1', 'rating:2', 'rating:3', 'rating:4', 'rating:5']);
    expect(question.body.fallbackText).toMatch(/1\. /);

    // typed: the same as the button
    const typed = await post({ text: '4' });
    expect(typed.status).toBe(201);
    expect(typed.body).toMatchObject({ conversationId: id, created: false, duplicate: false, message: { text: '4', author: { type: 'user' } } });
    expect((await episode(id)).rating_score).toBe(4);
    await delivered(id, (m) => m.text === 'Bedankt voor uw beoordeling!');
    const row = await s.baton.deps.store.db.selectFrom('conversations').select(['status', 'bot_seq', 'last_seq']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('closed');
    // a button press replaces it
    expect((await post({ postback: 'rating:2' })).status).toBe(201);
    expect((await episode(id)).rating_score).toBe(2);
    // the question answered, a digit is an ordinary message: it reopens the conversation with the bot
    expect((await post({ text: '3' })).status).toBe(201);
    await waitFor(async () => (await s.baton.deps.store.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status === 'bot', 10_000, 'reopen');
    expect((await episode(id)).rating_score).toBe(2);
  }, 60_000);
});

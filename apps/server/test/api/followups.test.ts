// Follow-ups (DESIGN §10.3) through the public APIs on both stores: a user nobody can take leaves an
// e-mail and a question — outside the hours (closed), after the wait timed out (timeout), and when no
// eligible agent is online with routing.closeWhenNoAgents (no_agent); honest waits (an estimate only
// while an eligible agent is online); and the agents' API: list with filters and keyset paging, who
// may see what, assign, reply (a message in the user's conversation), done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASK_FOR_AGENT, makeAgent } from '../support/flows.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const stores: TestStore[] = (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];

// Wednesday 11:00 and Saturday 13:00 in Brussels (the demo's hours: Monday to Friday 9-17)
const OPEN = '2026-11-25T10:00:00Z';
const CLOSED = '2026-11-28T12:00:00Z';

describe.each(stores)('follow-ups on %s', (store) => {
  const clock = new TestClock(Date.parse(OPEN));
  let s: TestServer;
  let admin: string;

  async function settings(patch: Record<string, unknown>) {
    admin = await login(s.url);
    const current = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const r = await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current.body, ...patch } });
    if (r.status !== 200) throw new Error(`settings: ${r.status} ${JSON.stringify(r.body)}`);
  }

  async function start(locale = 'en') {
    const c = await createConversation(s.url, { locale });
    await waitFor(async () => (await messages(s.url, c.conversation.id, c.token)).some((m) => m.author.type === 'bot'), 10_000, 'welcome');
    return { id: c.conversation.id as string, token: c.token as string };
  }

  /** the user's input, and the bot's answer to it */
  async function say(c: { id: string; token: string }, input: string | { postback: string }) {
    const sent = await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: typeof input === 'string' ? { text: input } : input });
    expect(sent.status).toBe(201);
    const seq = sent.body.message.seq as number;
    return waitFor(async () => {
      const after = (await messages(s.url, c.id, c.token, seq)).filter((m) => m.author.type === 'bot');
      return after.length ? after : undefined;
    }, 10_000, `bot answer to ${JSON.stringify(input)}`);
  }
  const text = (ms: Array<{ text?: string }>) => ms.map((m) => m.text ?? '').join('\n');
  const conversation = async (c: { id: string; token: string }) => (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation;
  // the test clock moves by days: a fresh admin session each time
  async function followupsOf(conversationId: string, status = 'open'): Promise<Array<Record<string, unknown>>> {
    admin = await login(s.url);
    const list = await call(s.url, 'GET', `/api/v1/agent/followups?status=${status}&limit=200`, { token: admin });
    return (list.body.followups as Array<Record<string, unknown>>).filter((f) => f.conversationId === conversationId);
  }

  beforeAll(async () => {
    s = await startOnStore(store, { clock });
    admin = await login(s.url);
    // the clock jumps by days here: idle bot conversations must not be closed by a retention pass
    // that happens to run in between (a CI run saw a follow-up's conversation closed so)
    const kept = await call(s.url, 'PUT', '/api/v1/settings/retention', { token: admin, body: { idleCloseHours: null, closedAfterDays: null, anonymizeAfterDays: null, deleteAfterDays: null } });
    expect(kept.status).toBe(200);
  });
  afterAll(() => s?.close());

  it('a fresh install applies the bot\'s hours, and the first admin serves every skill of the demo bot', async () => {
    const got = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    expect(got.body.alwaysOpen).toBe(false);
    expect(got.body.routing.closeWhenNoAgents).toBe(false);
    const me = await call(s.url, 'GET', '/api/v1/agent/me', { token: admin });
    expect(me.body.agent.skills).toEqual(expect.arrayContaining(['general', 'address_change']));
  });

  it('closed: the bot offers to leave a message (a typed answer takes the button), asks the e-mail and the question, and a follow-up is made', async () => {
    clock.set(CLOSED);
    // the desks hear of it at once (their badge), not at their next poll
    const desk = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${await login(s.url)}`);
    const c = await start('nl');
    const offer = await say(c, ASK_FOR_AGENT.nl!);
    expect(text(offer)).toContain('Wil je een bericht achterlaten?');
    expect(text(await say(c, 'bericht achterlaten'))).toContain('e-mailadres');
    expect(text(await say(c, 'not-an-email'))).toContain('geen e-mailadres');
    expect(text(await say(c, 'Jan@Example.com'))).toContain('Wat wil je ons vragen?');
    expect(text(await say(c, 'Wanneer loopt mijn abonnement af?'))).toContain('jan@example.com');
    expect((await conversation(c)).status).toBe('bot');
    const [f] = await followupsOf(c.id);
    expect(f).toMatchObject({ status: 'open', reason: 'closed', email: 'jan@example.com', question: 'Wanneer loopt mijn abonnement af?', language: 'nl', skill: 'general', assignee: null });
    await desk.waitFor((es) => es.find((e) => e.type === 'followups.updated' && e.followupId === f!.id && e.status === 'open'), 10_000, 'followups.updated');
    await desk.close();
    expect(typeof f!.createdAt).toBe('string');
    // the agents' transcript records it
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: admin });
    expect(detail.body.messages.some((m: { event?: string }) => m.event === 'followup.created')).toBe(true);
  });

  it('honest waits: no estimate while nobody eligible is online; the wait times out and the user leaves a message (timeout)', async () => {
    clock.set(OPEN);
    const c = await start('en');
    await say(c, ASK_FOR_AGENT.en!);
    const waiting = await conversation(c);
    expect(waiting).toMatchObject({ status: 'offloaded', queuePosition: expect.any(Number), estimatedWaitSeconds: null, agentsAvailable: false });
    clock.advance(601_000);
    await s.baton.timers.runOnce();
    const timedOut = await waitFor(async () => {
      const ms = await messages(s.url, c.id, c.token);
      const last = ms.filter((m) => m.author.type === 'bot').at(-1);
      return last?.text?.includes('all our agents are still busy') ? last : undefined;
    }, 10_000, 'timeout dialog');
    expect(timedOut.buttons?.[0]?.title).toBe('Leave a message');
    await say(c, { postback: timedOut.buttons![0]!.payload });
    await say(c, 'ann@example.org');
    await say(c, 'Can I pause my subscription for a month?');
    const [f] = await followupsOf(c.id);
    expect(f).toMatchObject({ reason: 'timeout', email: 'ann@example.org', skill: 'general', language: 'en' });
  });

  it('waiting with nobody online, the widget\'s "Leave a message" (postback leave_message) leaves a follow-up and the queue (no_agent)', async () => {
    clock.set(OPEN);
    const c = await start('en');
    await say(c, ASK_FOR_AGENT.en!);
    expect(await conversation(c)).toMatchObject({ status: 'offloaded', agentsAvailable: false });
    expect(text(await say(c, { postback: 'leave_message' }))).toContain('What is your e-mail address');
    await say(c, 'kim@example.com');
    await say(c, 'Please call me back tomorrow.');
    expect(await conversation(c)).toMatchObject({ status: 'bot' });
    const [f] = await followupsOf(c.id);
    expect(f).toMatchObject({ reason: 'no_agent', email: 'kim@example.com', skill: 'general' });
  });

  it('honest waits: with an eligible agent online the estimate is given, and it goes when they leave', async () => {
    clock.set(OPEN);
    await settings({ routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null, closeWhenNoAgents: false } });
    const agent = await makeAgent(s.url, admin, { skills: ['general'], languages: ['fr'] });
    try {
      const c = await start('fr');
      await say(c, ASK_FOR_AGENT.fr!);
      expect(await conversation(c)).toMatchObject({ status: 'offloaded', estimatedWaitSeconds: expect.any(Number), agentsAvailable: true });
      await call(s.url, 'PUT', '/api/v1/agent/status', { token: agent.token, body: { status: 'offline' } });
      expect(await conversation(c)).toMatchObject({ status: 'offloaded', estimatedWaitSeconds: null, agentsAvailable: false });
      await call(s.url, 'POST', `/api/v1/conversations/${c.id}/cancel`, { token: c.token });
    } finally {
      await settings({ routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null, closeWhenNoAgents: false } });
    }
  });

  it('no_agent: with closeWhenNoAgents nobody online is like closed; an e-mail the bot already has is not asked again', async () => {
    clock.set(OPEN);
    await settings({ routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null, closeWhenNoAgents: true } });
    try {
      const c = await start('fr');
      await say(c, 'je veux recevoir mon journal à une nouvelle adresse');
      await say(c, 'Marie Dubois');
      await say(c, 'Rue Haute 5, 1000 Bruxelles');
      const offer = await say(c, 'marie@example.be');
      expect(text(offer)).toContain('personne ne peut vous aider');
      expect((await conversation(c)).status).toBe('bot');
      const leave = offer.find((m) => m.buttons?.length)!.buttons![0]!;
      expect(text(await say(c, { postback: leave.payload }))).toContain('Que souhaitez-vous nous demander');
      await say(c, 'Mon adresse change le 1er décembre.');
      const [f] = await followupsOf(c.id);
      expect(f).toMatchObject({ reason: 'no_agent', email: 'marie@example.be', skill: 'address_change', language: 'fr' });
    } finally {
      await settings({ routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null, closeWhenNoAgents: false } });
    }
  });

  it('settings.dialogs is read: a named dialog runs instead of the system dialog, and a name no bot has is refused', async () => {
    admin = await login(s.url);
    const current = (await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin })).body;
    const bad = await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current, dialogs: { closed: 'no_such_dialog' } } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.problems).toEqual([{ path: 'dialogs.closed', message: 'no bot has a dialog named "no_such_dialog"' }]);
    await settings({ dialogs: { closed: 'offer_declined' } });
    try {
      clock.set(CLOSED);
      const c = await start('en');
      const answer = text(await say(c, ASK_FOR_AGENT.en!));
      expect(answer).toContain('No problem. Try asking in other words');
      expect(answer).not.toContain('Would you like to leave a message?');
    } finally {
      await settings({ dialogs: {} });
      clock.set(OPEN);
    }
  });

  it('the API: filters, keyset paging, who may see what, assign, reply into the conversation, done', async () => {
    admin = await login(s.url);
    const all = (await call(s.url, 'GET', '/api/v1/agent/followups?status=open', { token: admin })).body;
    expect(all.followups.length).toBeGreaterThanOrEqual(3);
    expect(all.nextCursor).toBeNull();
    // oldest first, one per page
    const first = await call(s.url, 'GET', '/api/v1/agent/followups?status=open&limit=1', { token: admin });
    expect(first.body.followups[0].id).toBe(all.followups[0].id);
    const second = await call(s.url, 'GET', `/api/v1/agent/followups?status=open&limit=1&cursor=${first.body.nextCursor}`, { token: admin });
    expect(second.body.followups[0].id).toBe(all.followups[1].id);
    expect((await call(s.url, 'GET', '/api/v1/agent/followups?cursor=nonsense', { token: admin })).body.error.code).toBe('INVALID_CURSOR');
    const byReason = (await call(s.url, 'GET', '/api/v1/agent/followups?reason=no_agent', { token: admin })).body.followups;
    expect(byReason.length).toBeGreaterThan(0);
    expect(byReason.every((f: { reason: string }) => f.reason === 'no_agent')).toBe(true);
    const bySkill = (await call(s.url, 'GET', '/api/v1/agent/followups?skill=address_change', { token: admin })).body.followups;
    expect(bySkill.every((f: { skill: string }) => f.skill === 'address_change')).toBe(true);
    expect((await call(s.url, 'GET', '/api/v1/agent/followups/count', { token: admin })).body).toEqual({ open: all.followups.length, capped: false });

    // a plain agent sees the follow-ups of their skill and languages only; another's is "not found"
    const general = all.followups.find((f: { skill: string; language: string }) => f.skill === 'general' && f.language === 'en');
    const billing = await makeAgent(s.url, admin, { skills: ['billing'], languages: ['en'] });
    expect((await call(s.url, 'GET', '/api/v1/agent/followups', { token: billing.token })).body.followups).toEqual([]);
    const refused = await call(s.url, 'POST', `/api/v1/agent/followups/${general.id}/reply`, { token: billing.token, body: { text: 'hi' } });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('FOLLOWUP_NOT_FOUND');
    const agent = await makeAgent(s.url, admin, { skills: ['general'], languages: ['en'], online: false });
    const mine = (await call(s.url, 'GET', '/api/v1/agent/followups', { token: agent.token })).body.followups;
    expect(mine.map((f: { id: string }) => f.id)).toContain(general.id);
    expect(mine.every((f: { skill: string; language: string }) => f.skill === 'general' && f.language === 'en')).toBe(true);
    // only supervisors assign to others
    expect((await call(s.url, 'POST', `/api/v1/agent/followups/${general.id}/assign`, { token: agent.token, body: { agentId: billing.id } })).body.error.code).toBe('FORBIDDEN');
    const desk = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${agent.token}`);
    await desk.waitFor((es) => es.find((e) => e.type === 'ready'));
    const assigned = await call(s.url, 'POST', `/api/v1/agent/followups/${general.id}/assign`, { token: admin, body: { agentId: agent.id } });
    expect(assigned.body.followup.assignee).toEqual({ id: agent.id, name: agent.name });
    expect((await call(s.url, 'GET', '/api/v1/agent/followups?assignee=me', { token: agent.token })).body.followups.map((f: { id: string }) => f.id)).toEqual([general.id]);

    // the reply is an agent message in the user's conversation; no SMTP here, so nothing is e-mailed
    const reply = await call(s.url, 'POST', `/api/v1/agent/followups/${general.id}/reply`, { token: agent.token, body: { text: 'Yes, for up to two months.' } });
    expect(reply.status).toBe(200);
    expect(reply.body.emailed).toBe(false);
    const conv = await s.baton.deps.store.db.selectFrom('conversations').select(['id', 'status']).where('id', '=', general.conversationId).executeTakeFirstOrThrow();
    const seen = await s.baton.deps.store.db.selectFrom('messages').select(['author_type', 'author_name', 'text']).where('conversation_id', '=', conv.id).where('author_type', '=', 'agent').execute();
    expect(seen).toEqual([{ author_type: 'agent', author_name: agent.name, text: 'Yes, for up to two months.' }]);
    expect(conv.status).toBe('bot');

    const done = await call(s.url, 'POST', `/api/v1/agent/followups/${general.id}/done`, { token: agent.token });
    expect(done.body.followup).toMatchObject({ status: 'done', doneAt: expect.any(String) });
    expect((await call(s.url, 'POST', `/api/v1/agent/followups/${general.id}/reply`, { token: agent.token, body: { text: 'again' } })).body.error.code).toBe('FOLLOWUP_DONE');
    expect((await call(s.url, 'GET', '/api/v1/agent/followups?status=done', { token: admin })).body.followups.map((f: { id: string }) => f.id)).toContain(general.id);
    expect((await call(s.url, 'GET', '/api/v1/agent/followups', { token: admin })).body.followups.map((f: { id: string }) => f.id)).not.toContain(general.id);
    expect((await call(s.url, 'POST', '/api/v1/agent/followups/nope/done', { token: admin })).status).toBe(404);
    // assigned, answered, done: each told to the desks, in that order
    const told = await desk.waitFor((es) => {
      const mine = es.filter((e) => e.type === 'followups.updated' && e.followupId === general.id);
      return mine.length >= 3 ? mine.map((e) => e.status) : undefined;
    }, 10_000, 'three followups.updated');
    expect(told).toEqual(['open', 'open', 'done']);
    await desk.close();
  });
});

// Who sees what (docs/security.md, findings 1.62–1.63): a plain agent reads, lists and live-watches only
// conversations routed to them, theirs, or handled by them before; conversations still with the bot
// and others' history are for supervisors and admins. Through real HTTP and WebSocket, on SQLite and
// on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../src/commands/create-conversation.js';
import { call, createConversation, login } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, waitFor, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const IDENTITY_SECRET = 'identity-verification-secret-0123';
const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
type Agent = Awaited<ReturnType<typeof makeAgent>>;

describe.each(STORES)('who sees what on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let supervisor: Agent;
  let a1: Agent;
  let a2: Agent;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    s = await startOnStore(store, { env: { IDENTITY_VERIFICATION_SECRET: IDENTITY_SECRET } });
    admin = await login(s.url);
    // broadcast: nothing is given to anyone until they accept
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    supervisor = await makeAgent(s.url, admin, { role: 'supervisor' });
    a1 = await makeAgent(s.url, admin, { skills: ['general'] });
    a2 = await makeAgent(s.url, admin, { skills: ['general'] });
  });
  afterAll(async () => {
    for (const sock of sockets) await sock.close();
    await s?.close();
  });

  const read = (who: string, id: string) => call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token: who });
  const list = async (who: string, query: string) => {
    const r = await call(s.url, 'GET', `/api/v1/agent/conversations?${query}`, { token: who });
    expect(r.status).toBe(200);
    return (r.body.conversations as Array<{ id: string }>).map((c) => c.id);
  };
  const history = async (who: string, id: string) => ((await call(s.url, 'GET', `/api/v1/agent/conversations/${id}/history`, { token: who })).body.conversations as Array<{ id: string }>).map((c) => c.id);
  const say = (c: { id: string; token: string }, text: string) => call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
  async function socketOf(agent: { token: string }) {
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${agent.token}`);
    sockets.push(sock);
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    return sock;
  }
  const said = (sock: TestSocket, text: string) => sock.events.some((e) => e.type === 'message.created' && e.message.text === text);

  it('a live bot conversation is for supervisors and admins: a plain agent can neither read, list nor watch it (finding 1.62–1.63)', async () => {
    const c = await createConversation(s.url, { locale: 'en', user: { email: 'carol@x.test' }, variables: { secret_note: 'carol-private' } });
    const carol = { id: c.conversation.id, token: c.token };
    expect((await say(carol, 'my PIN is 9999')).status).toBe(201);

    const denied = await read(a1.token, carol.id);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(denied.body)).not.toContain('carol');
    expect(await list(a1.token, 'status=bot')).not.toContain(carol.id);
    expect(await list(a1.token, 'status=bot&scope=all')).not.toContain(carol.id);
    expect((await call(s.url, 'GET', `/api/v1/agent/conversations/${carol.id}/history`, { token: a1.token })).status).toBe(403);

    const watcher = await socketOf(a1);
    const boss = await socketOf(supervisor);
    watcher.send({ type: 'subscribe', conversationId: carol.id });
    boss.send({ type: 'subscribe', conversationId: carol.id });
    const refused = await watcher.waitFor((e) => e.find((x) => x.type === 'error'));
    expect(refused.error.code).toBe('FORBIDDEN');
    // the supervisor's socket is the control: once it has the next message, the agent's had its chance
    await waitFor(async () => (await read(supervisor.token, carol.id)).status === 200, 5000, 'supervisor read');
    await new Promise((r) => setTimeout(r, 100)); // both subscriptions registered
    // a question the bot answers: a second not-understood turn in a row would hand the user over (frustration)
    const again = 'what are your opening hours? my PIN is 9999, again';
    expect((await say(carol, again)).status).toBe(201);
    await boss.waitFor(() => said(boss, again), 10_000, 'the message on the supervisor socket');
    expect(said(watcher, again)).toBe(false);

    for (const who of [supervisor.token, admin]) {
      const seen = await read(who, carol.id);
      expect(seen.status).toBe(200);
      expect(seen.body.conversation.variables).toMatchObject({ secret_note: 'carol-private' });
    }
    expect(await list(supervisor.token, 'status=bot&scope=all')).toContain(carol.id);
    expect(await list(admin, 'status=bot')).toContain(carol.id);
  });

  it('a socket that followed a waiting conversation stops when someone else accepts it: no later message, note or typing reaches it', async () => {
    const c = await offloadedConversation(s.url);
    const watcher = await socketOf(a1);
    const owner = await socketOf(a2);
    watcher.send({ type: 'subscribe', conversationId: c.id });
    owner.send({ type: 'subscribe', conversationId: c.id });
    // routed to both while it waits: the user's message reaches both
    expect((await say(c, 'still waiting')).status).toBe(201);
    await watcher.waitFor(() => said(watcher, 'still waiting'), 10_000, 'the waiting message on a1');
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a2.token })).status).toBe(200);
    const stopped = await watcher.waitFor((e) => e.find((x) => x.type === 'error' && x.error.code === 'FORBIDDEN'), 10_000, 'the feed stopping on a1');
    expect(stopped.error.message).toContain(c.id);
    expect((await say(c, 'my card is 4111-1111')).status).toBe(201);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a2.token, body: { text: 'note: card seen', internal: true } })).status).toBe(201);
    await owner.waitFor(() => said(owner, 'note: card seen'), 10_000, 'the note on the owner socket');
    expect(said(watcher, 'my card is 4111-1111')).toBe(false);
    expect(said(watcher, 'note: card seen')).toBe(false);
    expect((await read(a1.token, c.id)).status).toBe(403);
  });

  it('the agent who handled a conversation still reads it when closed and when the user reopens it; a colleague does not', async () => {
    const c = await offloadedConversation(s.url);
    // waiting for the general team: routed to both plain agents
    expect((await read(a1.token, c.id)).status).toBe(200);
    expect((await read(a2.token, c.id)).status).toBe(200);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a1.token })).status).toBe(200);
    expect((await read(a2.token, c.id)).status).toBe(403); // a1's chat now
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a1.token, body: { text: 'your code is 1234' } });
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/close`, { token: a1.token })).status).toBe(200);

    expect((await read(a1.token, c.id)).status).toBe(200);
    expect((await read(a2.token, c.id)).status).toBe(403);
    expect((await read(supervisor.token, c.id)).status).toBe(200);
    expect(await list(a1.token, 'status=closed')).toContain(c.id);
    expect(await list(a1.token, 'status=closed&q=code%20is%201234')).toEqual([c.id]);
    expect(await list(a2.token, 'status=closed')).not.toContain(c.id);
    expect(await list(a2.token, `status=closed&agentId=${a1.id}`)).not.toContain(c.id);
    expect(await list(supervisor.token, 'status=closed')).toContain(c.id);

    // the user writes again: back with the bot, and still a1's to follow
    const mine = await socketOf(a1);
    const theirs = await socketOf(a2);
    mine.send({ type: 'subscribe', conversationId: c.id });
    theirs.send({ type: 'subscribe', conversationId: c.id });
    expect((await theirs.waitFor((e) => e.find((x) => x.type === 'error'))).error.code).toBe('FORBIDDEN');
    await new Promise((r) => setTimeout(r, 100));
    expect((await say(c, 'one more question')).status).toBe(201);
    await mine.waitFor(() => said(mine, 'one more question'), 10_000, 'the reopening message on the handler’s socket');
    expect(said(theirs, 'one more question')).toBe(false);
    expect((await read(a1.token, c.id)).body.conversation.status).toBe('bot');
    expect(await list(a1.token, 'status=bot')).toContain(c.id);
    expect(await list(a2.token, 'status=bot')).not.toContain(c.id);
  });

  it('a transfer: the new owner and the one who handled it read it, nobody else; the queue stays routed by skill', async () => {
    const a3 = await makeAgent(s.url, admin, { skills: ['general'] });
    const billing = await makeAgent(s.url, admin, { skills: ['billing'] });
    const c = await offloadedConversation(s.url);
    expect((await read(billing.token, c.id)).status).toBe(403); // waiting for another skill
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a1.token });
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/transfer`, { token: a1.token, body: { agentId: a2.id } })).status).toBe(200);
    expect((await read(a2.token, c.id)).status).toBe(200);
    expect((await read(a1.token, c.id)).status).toBe(200);
    expect((await read(a3.token, c.id)).status).toBe(403);
    expect(await list(a2.token, 'status=agent')).toContain(c.id);
    expect(await list(a1.token, 'status=agent')).not.toContain(c.id);
  });

  it('the user’s earlier conversations: a plain agent sees the ones they handled, a supervisor all', async () => {
    const vera = { user: { id: 'crm-vera', name: 'Vera' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-vera') };
    const earlier = await offloadedConversation(s.url, vera);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${earlier.id}/accept`, { token: a2.token });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${earlier.id}/close`, { token: a2.token });
    const now = await offloadedConversation(s.url, vera);
    expect((await read(a1.token, now.id)).status).toBe(200);
    expect(await history(a1.token, now.id)).toEqual([]);
    expect(await history(a2.token, now.id)).toEqual([earlier.id]);
    expect(await history(supervisor.token, now.id)).toEqual([earlier.id]);
    expect(await history(admin, now.id)).toEqual([earlier.id]);
  });
});

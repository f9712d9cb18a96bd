// Skill and language routing, auto-assignment, capacity, presence, overflow and durable waiting
// timers — on SQLite, plus the accept race on PostgreSQL.
import { afterAll, describe, expect, it } from 'vitest';
import { pickAgent, type RoutableAgent } from '../../src/domain/routing.js';
import { call, login, messages } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { startTestServer, TestClock, waitFor, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';
import { tempDir } from '../support/temp.js';

const pgOk = await postgresAvailable();
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => undefined);
});
async function server(opts: Parameters<typeof startTestServer>[0] = {}) {
  const s = await startTestServer(opts);
  servers.push(s);
  return s;
}

describe('routing (pure)', () => {
  const agent = (id: string, p: Partial<RoutableAgent>): RoutableAgent => ({ id, role: 'agent', skills: [], languages: [], status: 'online', maxConcurrent: 3, activeChats: 0, lastAssignedAt: 0, ...p });
  it('picks the least-busy eligible online agent with the skill and language', () => {
    const agents = [
      agent('offline', { status: 'offline' }),
      agent('busy', { skills: ['billing'], activeChats: 2 }),
      agent('free', { skills: ['billing'], activeChats: 1 }),
      agent('french', { skills: ['billing'], languages: ['fr'] }),
      agent('full', { skills: ['billing'], activeChats: 3 }),
      agent('away', { skills: ['billing'], status: 'away' }),
    ];
    expect(pickAgent(agents, { skill: 'billing', language: 'en' })?.id).toBe('free');
    expect(pickAgent(agents, { skill: 'billing', language: 'fr' })?.id).toBe('french');
    expect(pickAgent(agents, { skill: 'sales', language: 'en' })).toBeUndefined();
    expect(pickAgent([agent('a', { lastAssignedAt: 5 }), agent('b', { lastAssignedAt: 1 })], { skill: null, language: 'en' })?.id).toBe('b');
  });
});

describe('auto-assignment', () => {
  it('assigns to a matching online agent, never to an offline one, and respects capacity', async () => {
    const s = await server();
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null } });
    const offline = await makeAgent(s.url, admin, { skills: ['general'], online: false });
    const nl = await makeAgent(s.url, admin, { skills: ['general'], languages: ['nl'], maxConcurrent: 1 });
    const c1 = await offloadedConversation(s.url, { locale: 'nl' });
    const assigned = await waitFor(async () => {
      const v = (await call(s.url, 'GET', `/api/v1/conversations/${c1.id}`, { token: c1.token })).body.conversation;
      return v.status === 'agent' ? v : undefined;
    }, 10_000, 'auto-assignment');
    expect(assigned.assignee.id).toBe(nl.id);
    // capacity 1: the next Dutch conversation waits, with a queue position
    const c2 = await offloadedConversation(s.url, { locale: 'nl' });
    await new Promise((r) => setTimeout(r, 300));
    const waiting = (await call(s.url, 'GET', `/api/v1/conversations/${c2.id}`, { token: c2.token })).body.conversation;
    expect(waiting).toMatchObject({ status: 'offloaded', queuePosition: 1 });
    expect(waiting.estimatedWaitSeconds).toBeGreaterThan(0);
    // the offline agent comes online and gets it
    await call(s.url, 'PUT', '/api/v1/agent/status', { token: offline.token, body: { status: 'online' } });
    const got = await waitFor(async () => {
      const v = (await call(s.url, 'GET', `/api/v1/conversations/${c2.id}`, { token: c2.token })).body.conversation;
      return v.status === 'agent' ? v : undefined;
    }, 10_000, 'assignment when an agent comes online');
    expect(got.assignee.id).toBe(offline.id);
  });

  it("a user who ends their chat frees the agent's slot: the next waiting conversation is assigned to them", async () => {
    const s = await server();
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null } });
    const agent = await makeAgent(s.url, admin, { skills: ['general'], maxConcurrent: 1 });
    const status = async (c: { id: string; token: string }) => (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation;
    const c1 = await offloadedConversation(s.url);
    await waitFor(async () => ((await status(c1)).status === 'agent' ? true : undefined), 10_000, 'first assignment');
    const c2 = await offloadedConversation(s.url);
    await new Promise((r) => setTimeout(r, 300));
    expect((await status(c2)).status).toBe('offloaded');
    expect((await call(s.url, 'POST', `/api/v1/conversations/${c1.id}/end`, { token: c1.token })).status).toBe(200);
    const got = await waitFor(async () => {
      const v = await status(c2);
      return v.status === 'agent' ? v : undefined;
    }, 10_000, 'assignment once the first user ended their chat');
    expect(got.assignee.id).toBe(agent.id);
  });

  it('pushes the queue position to a waiting user over the WebSocket', async () => {
    const s = await server();
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const first = await offloadedConversation(s.url);
    const second = await offloadedConversation(s.url);
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${second.token}`);
    const a = await makeAgent(s.url, admin, { skills: ['general'] });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${first.id}/accept`, { token: a.token });
    await sock.waitFor((e) => e.some((x) => x.type === 'conversation.updated' && x.conversation.queuePosition === 1), 10_000, 'position 1');
    await sock.close();
  });

  it('overflows to the fallback skill after the configured wait', async () => {
    const clock = new TestClock();
    const s = await server({ clock });
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'auto', overflowAfterSeconds: 60, overflowSkill: 'overflow' } });
    const c = await offloadedConversation(s.url);
    await waitFor(async () => (await s.baton.deps.store.db.selectFrom('timers').select('kind').where('conversation_id', '=', c.id).execute()).some((t) => t.kind === 'overflow'), 5000, 'overflow timer');
    const helper = await makeAgent(s.url, admin, { skills: ['overflow'] });
    clock.advance(61_000);
    await s.baton.timers.runOnce();
    const v = await waitFor(async () => {
      const x = (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation;
      return x.status === 'agent' ? x : undefined;
    }, 10_000, 'overflow assignment');
    expect(v).toMatchObject({ skill: 'overflow', assignee: { id: helper.id } });
  });

  it('an agent whose desk disconnects goes offline after the grace period', async () => {
    const s = await server({ env: { PRESENCE_GRACE_SECONDS: '0.3' } });
    const admin = await login(s.url);
    const a = await makeAgent(s.url, admin);
    // a colleague's desk (the supervisor's, say) is told of presence changes as they happen
    const watcher = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${admin}`);
    await watcher.waitFor((e) => e.some((x) => x.type === 'ready'));
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${a.token}`);
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    await sock.close();
    await waitFor(async () => (await call(s.url, 'GET', '/api/v1/agent/me', { token: a.token })).body.agent.status === 'offline', 5000, 'offline');
    await watcher.waitFor((e) => e.some((x) => x.type === 'agent.status' && x.agentId === a.id && x.status === 'offline'), 5000, 'presence event');
    await watcher.close();
    // a reconnect within the grace period keeps the agent online
    await call(s.url, 'PUT', '/api/v1/agent/status', { token: a.token, body: { status: 'online' } });
    const s1 = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${a.token}`);
    await s1.waitFor((e) => e.some((x) => x.type === 'ready'));
    await s1.close();
    const s2 = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${a.token}`);
    await new Promise((r) => setTimeout(r, 600));
    expect((await call(s.url, 'GET', '/api/v1/agent/me', { token: a.token })).body.agent.status).toBe('online');
    await s2.close();
  });
});

describe('durable waiting timeout', () => {
  it('fires after a restart and returns the user to the bot with the timeout dialog', async () => {
    const clock = new TestClock();
    const dataDir = tempDir();
    const s1 = await startTestServer({ clock, dataDir, build: { workers: false } });
    const admin = await login(s1.url);
    await openOffloading(s1.url, admin, { waitingTimeoutSeconds: 120, routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const c = await offloadedConversation(s1.url);
    await s1.close();
    clock.advance(121_000);
    const s2 = await server({ clock, dataDir, build: { workers: false } });
    const n = (await messages(s2.url, c.id, c.token)).length;
    await s2.baton.timers.runOnce();
    const v = (await call(s2.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation;
    expect(v.status).toBe('bot');
    await waitFor(async () => (await messages(s2.url, c.id, c.token)).slice(n).some((m) => m.author.type === 'bot'), 10_000, 'timeout dialog');
    const events = await s2.baton.deps.store.db.selectFrom('conversation_events').select('type').where('conversation_id', '=', c.id).execute();
    expect(events.map((e) => e.type)).toContain('conversation.timed_out');
  });
});

describe.skipIf(!pgOk)('on PostgreSQL', () => {
  it('many parallel accepts: exactly one winner, everyone else 409 ALREADY_ASSIGNED', async () => {
    const db = await freshDatabase();
    try {
      const s = await startTestServer({ env: { DATABASE_URL: db.url, BATON_SECRET_KEY: 'test-secret-key-0123456789abcdef0123' } });
      try {
        const admin = await login(s.url);
        await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
        const agents = await Promise.all(Array.from({ length: 10 }, () => makeAgent(s.url, admin, { skills: ['general'] })));
        for (let round = 0; round < 3; round++) {
          const c = await offloadedConversation(s.url);
          const results = await Promise.all(agents.map((a) => call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token })));
          expect(results.filter((r) => r.status === 200)).toHaveLength(1);
          expect(results.filter((r) => r.status === 409 && r.body.error.code === 'ALREADY_ASSIGNED')).toHaveLength(9);
        }
      } finally {
        await s.close();
      }
    } finally {
      await db.drop();
    }
  });
});

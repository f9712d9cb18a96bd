// Who a socket belongs to, and for how long (security findings #4, #5, 1.38, 1.70–1.73, "never log
// tokens"): logout, expiry, deletion, demotion and a new password close an agent's sockets at once,
// on every instance, and every subscribe checks the session again; a socket authenticated by the desk
// cookie must come from the desk's own origin; browsers may send the token as the first frame; and
// tokens never reach the logs.
import { Writable } from 'node:stream';
import { SocketClose } from '@baton/proto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { freshDatabase, postgresAvailable, TEST_REDIS_URL, redisAvailable } from '../support/postgres.js';
import { startTestServer, TestClock, waitFor, type TestServer, startOnStore } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const pgOk = await postgresAvailable();
const STORES = [['SQLite', false] as const, ...(pgOk ? [['PostgreSQL', true] as const] : [])];
const SECRET_KEY = 'test-secret-key-0123456789abcdef0123';

async function agentSocket(s: TestServer, token: string) {
  const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
  await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
  return sock;
}

async function closedWith(sock: TestSocket, timeoutMs = 5000) {
  await waitFor(() => sock.closed, timeoutMs, 'the socket to close');
  return { code: sock.closeCode, reason: sock.closeReason };
}

async function pong(sock: TestSocket) {
  const before = sock.events.filter((e) => e.type === 'pong').length;
  sock.send({ type: 'ping' });
  await sock.waitFor((e) => e.filter((x) => x.type === 'pong').length > before);
}

describe.each(STORES)('revoked sessions on %s', (_name, pg) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startOnStore(pg ? 'postgres' : 'sqlite');
    admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('logout closes the sockets of that session at once (token and cookie); another session keeps its own', async () => {
    const a = await makeAgent(s.url, admin, { role: 'supervisor' });
    const other = await login(s.url, a.email, 'agent-password');
    const byToken = await agentSocket(s, a.token);
    const byCookie = await TestSocket.open(`${s.wsUrl}/api/v1/ws`, { cookie: `baton_session=${a.token}`, origin: s.url });
    await byCookie.waitFor((e) => e.some((x) => x.type === 'ready'));
    const otherSock = await agentSocket(s, other);

    expect((await call(s.url, 'POST', '/api/v1/auth/logout', { token: a.token })).status).toBe(200);
    for (const sock of [byToken, byCookie]) {
      expect(await closedWith(sock)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_REVOKED' });
      expect(sock.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'UNAUTHORIZED' } });
    }
    await pong(otherSock);
    // and the ended session cannot open a new one
    const again = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${a.token}`);
    expect(await closedWith(again)).toMatchObject({ code: SocketClose.UNAUTHORIZED });
    await otherSock.close();
  });

  it("the finding's repro: after logout and deletion the old socket is gone and never sees a new conversation", async () => {
    const rev = await makeAgent(s.url, admin, { role: 'supervisor' });
    const sock = await agentSocket(s, rev.token);
    await call(s.url, 'POST', '/api/v1/auth/logout', { token: rev.token });
    expect((await call(s.url, 'DELETE', `/api/v1/agents/${rev.id}`, { token: admin })).status).toBe(200);
    expect((await closedWith(sock)).code).toBe(SocketClose.UNAUTHORIZED);
    const c = await createConversation(s.url);
    expect(sock.ws.readyState).not.toBe(sock.ws.OPEN);
    await call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { text: 'secret after revoke' } });
    expect(JSON.stringify(sock.events)).not.toContain('secret after revoke');
  });

  it('deleting an agent closes every socket of it; the others stay', async () => {
    const gone = await makeAgent(s.url, admin);
    const stays = await makeAgent(s.url, admin);
    const first = await agentSocket(s, gone.token);
    const second = await agentSocket(s, await login(s.url, gone.email, 'agent-password'));
    const kept = await agentSocket(s, stays.token);
    await call(s.url, 'DELETE', `/api/v1/agents/${gone.id}`, { token: admin });
    for (const sock of [first, second]) expect(await closedWith(sock)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_REVOKED' });
    await pong(kept);
    await kept.close();
  });

  it('a new password closes the sockets; a demotion closes them with ROLE_CHANGED and the reconnected socket has the new role', async () => {
    const sup = await makeAgent(s.url, admin, { role: 'supervisor' });
    const sock = await agentSocket(s, sup.token);
    const botConv = await createConversation(s.url);
    // a supervisor follows a conversation still with the bot
    sock.send({ type: 'resume', conversationId: botConv.conversation.id, afterSeq: 0 });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready' && x.conversationId === botConv.conversation.id));

    expect((await call(s.url, 'PATCH', `/api/v1/agents/${sup.id}`, { token: admin, body: { role: 'agent' } })).status).toBe(200);
    expect(await closedWith(sock)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'ROLE_CHANGED' });
    // the session is still good: the desk reconnects, now as a plain agent
    const again = await agentSocket(s, sup.token);
    again.send({ type: 'subscribe', conversationId: botConv.conversation.id });
    await again.waitFor((e) => e.some((x) => x.type === 'error' && x.error.code === 'FORBIDDEN'));

    expect((await call(s.url, 'PATCH', `/api/v1/agents/${sup.id}`, { token: admin, body: { password: 'another-password' } })).status).toBe(200);
    expect(await closedWith(again)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_REVOKED' });
  });

  it('every subscribe checks the session and the role again (a revocation this instance did not hear of)', async () => {
    const sup = await makeAgent(s.url, admin, { role: 'supervisor' });
    const sock = await agentSocket(s, sup.token);
    const botConv = await createConversation(s.url);
    // the role changes behind the socket's back: the next subscribe uses the row as it is now
    await s.baton.deps.store.write.run((tx) => tx.updateTable('agents').set({ role: 'agent' }).where('id', '=', sup.id).execute());
    sock.send({ type: 'subscribe', conversationId: botConv.conversation.id });
    await sock.waitFor((e) => e.some((x) => x.type === 'error' && x.error.code === 'FORBIDDEN'));
    // the session ends behind its back: the next subscribe closes the socket, before any data
    await s.baton.deps.store.write.run((tx) => tx.deleteFrom('sessions').where('agent_id', '=', sup.id).execute());
    const c = await offloadedConversation(s.url);
    sock.send({ type: 'subscribe', conversationId: c.id });
    expect(await closedWith(sock)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_REVOKED' });
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'secret after revoke' } });
    expect(JSON.stringify(sock.events)).not.toContain('secret after revoke');
  });
});

describe('a socket that cannot be opened because the store fails', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { PRESENCE_GRACE_SECONDS: '1' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('closes 1013 STORAGE_UNAVAILABLE and leaves nothing behind: the agent still goes offline, no timers run on', async () => {
    const admin = await login(s.url);
    const agent = await makeAgent(s.url, admin);
    // the store refuses the socket's read of the agent's chats (as PostgreSQL does when it is
    // unreachable): the one failure a test can cause at that point without taking the store down
    const db = s.baton.deps.store.db;
    const selectFrom = db.selectFrom.bind(db);
    let failing = true;
    (db as { selectFrom: unknown }).selectFrom = (table: string) => {
      if (failing && table === 'conversations') throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return selectFrom(table as 'conversations');
    };
    try {
      const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${agent.token}`);
      expect(await closedWith(sock)).toEqual({ code: 1013, reason: 'STORAGE_UNAVAILABLE' });
    } finally {
      failing = false;
      (db as { selectFrom: unknown }).selectFrom = selectFrom;
    }
    // the half-opened socket was not counted as the agent's desk: it goes offline after the grace
    await waitFor(async () => (await call(s.url, 'GET', '/api/v1/agent/me', { token: agent.token })).body.agent.status === 'offline', 10_000, 'the agent offline');
    const metrics = String((await call(s.url, 'GET', '/metrics')).body);
    expect(metrics).toMatch(/baton_ws_connections\{kind="agent"\} 0/);
  });
});

describe.each(STORES)('session expiry on %s', (_name, pg) => {
  const clock = new TestClock(Date.now());
  let s: TestServer;
  beforeAll(async () => {
    // presence heartbeat every second, which also checks the session's expiry against the clock
    s = await startOnStore(pg ? 'postgres' : 'sqlite', { clock, env: { SESSION_TTL_HOURS: '1', PRESENCE_GRACE_SECONDS: '3' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a socket closes when its session expires (4401 SESSION_EXPIRED)', async () => {
    const token = await login(s.url);
    const sock = await agentSocket(s, token);
    clock.advance(30 * 60_000);
    await new Promise((r) => setTimeout(r, 1500));
    await pong(sock);
    clock.advance(31 * 60_000);
    expect(await closedWith(sock)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_EXPIRED' });
    expect(sock.events.at(-1)).toMatchObject({ type: 'error', error: { code: 'SESSION_EXPIRED' } });
  });
});

const clusterOk = pgOk && (await redisAvailable('the cross-instance revocation test'));

describe.skipIf(!clusterOk)('revocation across instances (PostgreSQL + Redis)', () => {
  let a: TestServer;
  let b: TestServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, BATON_SECRET_KEY: SECRET_KEY };
    a = await startTestServer({ env });
    b = await startTestServer({ env });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
  });

  it('logout on one instance closes the socket held by another; so does a deletion', async () => {
    const admin = await login(a.url);
    const agent = await makeAgent(a.url, admin);
    const onB = await agentSocket(b, agent.token);
    await call(a.url, 'POST', '/api/v1/auth/logout', { token: agent.token });
    expect(await closedWith(onB)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_REVOKED' });

    const second = await agentSocket(b, await login(b.url, agent.email, 'agent-password'));
    await call(a.url, 'DELETE', `/api/v1/agents/${agent.id}`, { token: admin });
    expect(await closedWith(second)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'SESSION_REVOKED' });
  });
});

describe('cookie sockets and Origin', () => {
  let s: TestServer;
  let viaPublicUrl: TestServer;
  let behindProxy: TestServer;
  let cookie: string;
  beforeAll(async () => {
    s = await startTestServer();
    viaPublicUrl = await startTestServer({ env: { PUBLIC_URL: 'https://desk.example.com/' } });
    behindProxy = await startTestServer({ env: { TRUST_PROXY: 'true' } });
    cookie = `baton_session=${await login(s.url)}`;
  });
  afterAll(async () => {
    await Promise.all([s?.close(), viaPublicUrl?.close(), behindProxy?.close()]);
  });

  const open = (server: TestServer, headers: Record<string, string>, cookieHeader = cookie) => TestSocket.open(`${server.wsUrl}/api/v1/ws`, { cookie: cookieHeader, ...headers });

  it("the desk's own origin gets its socket", async () => {
    const sock = await open(s, { origin: s.url });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    await sock.close();
  });

  it("another origin of the same host (the finding's :18794), another host name, or none: ORIGIN_REJECTED, 4403, nothing sent", async () => {
    for (const origin of ['http://127.0.0.1:18794', `http://localhost:${s.port}`, `https://127.0.0.1:${s.port}`, 'null', undefined]) {
      const sock = await open(s, origin === undefined ? {} : { origin });
      expect(await closedWith(sock), String(origin)).toEqual({ code: SocketClose.ORIGIN_REJECTED, reason: 'ORIGIN_REJECTED' });
      expect(sock.events.map((e) => e.type)).toEqual(['error']);
      expect(sock.events[0]!.error.code).toBe('ORIGIN_REJECTED');
    }
  });

  it('an explicit token is not ambient: it works from any origin', async () => {
    const token = await login(s.url);
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`, { origin: 'http://127.0.0.1:18794' });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    await sock.close();
  });

  it("PUBLIC_URL names the desk's origin", async () => {
    const c = `baton_session=${await login(viaPublicUrl.url)}`;
    const own = await open(viaPublicUrl, { origin: 'https://desk.example.com' }, c);
    await own.waitFor((e) => e.some((x) => x.type === 'ready'));
    await own.close();
    const local = await open(viaPublicUrl, { origin: viaPublicUrl.url }, c);
    expect((await closedWith(local)).code).toBe(SocketClose.ORIGIN_REJECTED);
  });

  it('with TRUST_PROXY the origin is the one the proxy forwards (X-Forwarded-Proto/Host)', async () => {
    const c = `baton_session=${await login(behindProxy.url)}`;
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'support.example.org' };
    const own = await open(behindProxy, { ...forwarded, origin: 'https://support.example.org' }, c);
    await own.waitFor((e) => e.some((x) => x.type === 'ready'));
    await own.close();
    const other = await open(behindProxy, { ...forwarded, origin: 'https://evil.example.org' }, c);
    expect((await closedWith(other)).code).toBe(SocketClose.ORIGIN_REJECTED);
  });
});

describe('the token in the first frame', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a conversation token: {type:"auth"} first, then frames sent right behind it are handled', async () => {
    const { conversation, token } = await createConversation(s.url);
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws`);
    sock.send({ type: 'auth', token });
    sock.send({ type: 'resume', afterSeq: 0 });
    const ready = await sock.waitFor((e) => e.find((x) => x.type === 'ready'));
    expect(ready.conversationId).toBe(conversation.id);
    expect(sock.messages().length).toBeGreaterThan(0);
    await sock.close();
  });

  it('an agent session token', async () => {
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws`);
    sock.send({ type: 'auth', token: await login(s.url) });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    await pong(sock);
    await sock.close();
  });

  it("a widget on the desk's own site, in a browser where an agent is logged in: the auth frame wins over the cookie", async () => {
    const { conversation, token } = await createConversation(s.url);
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws`, { cookie: `baton_session=${await login(s.url)}`, origin: s.url });
    sock.send({ type: 'auth', token });
    sock.send({ type: 'resume', afterSeq: 0 });
    const ready = await sock.waitFor((e) => e.find((x) => x.type === 'ready'));
    expect(ready.conversationId).toBe(conversation.id);
    await sock.close();
  });

  it('a wrong token, or a first frame that is not auth: UNAUTHORIZED, 4401', async () => {
    const wrong = await TestSocket.open(`${s.wsUrl}/api/v1/ws`);
    wrong.send({ type: 'auth', token: 'cu_not-a-token' });
    expect(await closedWith(wrong)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'UNAUTHORIZED' });
    const chatty = await TestSocket.open(`${s.wsUrl}/api/v1/ws`);
    chatty.send({ type: 'resume', afterSeq: 0 });
    expect(await closedWith(chatty)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'UNAUTHORIZED' });
    expect(chatty.events).toMatchObject([{ type: 'error', error: { code: 'UNAUTHORIZED' } }]);
  });

  it('a socket that never authenticates is closed after 10 s', async () => {
    const started = Date.now();
    const silent = await TestSocket.open(`${s.wsUrl}/api/v1/ws`);
    expect(await closedWith(silent, 15_000)).toEqual({ code: SocketClose.UNAUTHORIZED, reason: 'UNAUTHORIZED' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
  }, 20_000);
});

describe('tokens never reach the logs', () => {
  it('a debug-level log of socket connects and requests holds no token, ?token= is redacted', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const s = await startTestServer({ env: { LOG_LEVEL: 'debug' }, build: { logger: pino({ level: 'debug' }, sink) } });
    try {
      const { token } = await createConversation(s.url);
      const agentToken = await login(s.url);
      const user = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
      user.send({ type: 'resume', afterSeq: 0 });
      await user.waitFor((e) => e.some((x) => x.type === 'ready'));
      const agent = await agentSocket(s, agentToken);
      // a bad one too (its refusal is logged as well), and the token in other query positions
      const bad = await TestSocket.open(`${s.wsUrl}/api/v1/ws?x=1&token=${token}x&y=2`);
      await closedWith(bad);
      await call(s.url, 'GET', `/api/v1/conversations?token=${token}`);
      await Promise.all([user.close(), agent.close()]);
      await new Promise((r) => setTimeout(r, 100));
      const log = lines.join('');
      expect(log).toContain('/api/v1/ws?token=[redacted]');
      expect(log).toContain('/api/v1/ws?x=1&token=[redacted]&y=2');
      expect(log).not.toContain(token);
      expect(log).not.toContain(agentToken);
      expect(log).not.toContain(token.slice(3, 20));
    } finally {
      await s.close();
    }
  });
});

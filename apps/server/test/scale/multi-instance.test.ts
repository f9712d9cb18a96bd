// Several instances on one PostgreSQL and one Redis: sockets on one instance get what is sent
// through another, in order; outbox deliveries and timers run exactly once across instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/providers/signing.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { freshDatabase, postgresAvailable, TEST_REDIS_URL, redisAvailable } from '../support/postgres.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';
import { Redis } from 'ioredis';
import { MAX_EVENTS_PER_MESSAGE, RedisBus } from '../../src/bus/redis.js';
import type { BusEvent } from '../../src/bus/bus.js';

const ok = (await postgresAvailable()) && (await redisAvailable('multi-instance tests'));
const SECRET = 'multi-secret-0123456789';

describe.skipIf(!ok)('the Redis bus', () => {
  it('delivers each event once to every instance, in order: its own instance at once, the others through Redis', async () => {
    const [a, b] = await Promise.all([RedisBus.connect(TEST_REDIS_URL), RedisBus.connect(TEST_REDIS_URL)]);
    try {
      // the channel is shared with other tests running at the same time: only this test's events count
      const id = `bus-test-${Date.now()}-${Math.random()}`;
      const seen = (bus: RedisBus) => {
        const got: number[] = [];
        bus.subscribe((e: BusEvent) => e.type === 'typing' && e.conversationId === id && got.push(e.on ? 1 : 0));
        return got;
      };
      const atA = seen(a);
      const atB = seen(b);
      const pattern = [1, 0, 1, 1, 0, 0, 1, 0];
      for (const on of pattern) a.publish({ type: 'typing', conversationId: id, author: { type: 'user' }, on: on === 1 });
      // A's own subscribers have them before publish returns; B's arrive through Redis
      expect(atA).toEqual(pattern);
      await waitFor(() => atB.length >= pattern.length, 5000, "B's events");
      // and nothing comes twice: A ignores its echo, B gets one copy
      await new Promise((r) => setTimeout(r, 200));
      expect(atA).toEqual(pattern);
      expect(atB).toEqual(pattern);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("sends one turn's events in one Redis message (several past the cap), in order, and still reads single-event messages", async () => {
    const [a, b] = await Promise.all([RedisBus.connect(TEST_REDIS_URL), RedisBus.connect(TEST_REDIS_URL)]);
    const spy = new Redis(TEST_REDIS_URL);
    try {
      const id = `bus-batch-${Date.now()}-${Math.random()}`;
      const wire: string[] = [];
      await spy.subscribe('baton:events');
      spy.on('message', (_c: string, raw: string) => raw.includes(id) && wire.push(raw));
      const atB: number[] = [];
      b.subscribe((e: BusEvent) => e.type === 'message.created' && e.conversationId === id && atB.push(e.message.seq));
      const event = (seq: number): BusEvent => ({
        type: 'message.created',
        conversationId: id,
        message: { id: `m${seq}`, conversationId: id, seq, author: { type: 'user' }, text: `t${seq}`, internal: false, createdAt: new Date(0).toISOString() },
      });

      // one turn, a group commit's worth: one message on the wire
      for (let seq = 1; seq <= 20; seq++) a.publish(event(seq));
      // (the spy is a subscriber of its own: it may read the channel a little after B does)
      await waitFor(() => atB.length >= 20 && wire.length >= 1, 5000, 'the first turn at B');
      expect(wire).toHaveLength(1);

      // one turn past the cap: several messages, none over the cap, order kept across them
      const more = MAX_EVENTS_PER_MESSAGE * 2 + 10;
      for (let seq = 21; seq < 21 + more; seq++) a.publish(event(seq));
      await waitFor(() => atB.length >= 20 + more && wire.length >= 4, 5000, 'the second turn at B');
      await new Promise((r) => setTimeout(r, 100));
      expect(wire).toHaveLength(4);
      for (const raw of wire) expect((JSON.parse(raw) as { events: unknown[] }).events.length).toBeLessThanOrEqual(MAX_EVENTS_PER_MESSAGE);
      expect(atB).toEqual(Array.from({ length: 20 + more }, (_, i) => i + 1));

      // an instance of the version before batching sends one event per message: still delivered
      // (and what is no envelope at all is ignored)
      const old = new Redis(TEST_REDIS_URL);
      try {
        for (const junk of ['null', '42', '"text"', '{"from":"x","events":null}', 'not json']) await old.publish('baton:events', junk);
        await old.publish('baton:events', JSON.stringify({ from: 'an-older-instance', event: event(9999) }));
      } finally {
        old.disconnect();
      }
      await waitFor(() => atB.includes(9999), 5000, "the older instance's event at B");
    } finally {
      spy.disconnect();
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe.skipIf(!ok)('several instances (PostgreSQL + Redis)', () => {
  let a: TestServer;
  let b: TestServer;
  let drop: () => Promise<void>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, BATON_SECRET_KEY: 'multi-instance-secret-key-0123456789' };
    a = await startTestServer({ env });
    b = await startTestServer({ env });
    rx = await startReceiver(SECRET);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await rx?.close();
    await drop?.();
  });

  it('a user socket on A gets, in order, what an agent sends through B', async () => {
    const adminB = await login(b.url);
    await openOffloading(b.url, adminB, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const c = await offloadedConversation(a.url);
    const sock = await TestSocket.open(`${a.wsUrl}/api/v1/ws?token=${c.token}`);
    sock.send({ type: 'resume', afterSeq: 0 });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    const agent = await makeAgent(b.url, adminB, { skills: ['general'] });
    // the settings cache on A follows B's change through Redis
    expect((await call(b.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: agent.token })).status).toBe(200);
    for (let i = 0; i < 30; i++) {
      const r = await call(b.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: agent.token, body: { text: `agent ${i}` } });
      expect(r.status).toBe(201);
    }
    await sock.waitFor((e) => e.some((x) => x.type === 'message.created' && x.message.text === 'agent 29'), 10_000, 'last agent message on A');
    const got = sock.messages();
    const seqs = got.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(got.filter((m) => m.text?.startsWith('agent ')).map((m) => m.text)).toEqual(Array.from({ length: 30 }, (_, i) => `agent ${i}`));
    expect(got.some((m) => m.internal)).toBe(false);
    // and the user's typing on A reaches an agent socket on B
    const agentSock = await TestSocket.open(`${b.wsUrl}/api/v1/ws?token=${agent.token}`);
    await agentSock.waitFor((e) => e.some((x) => x.type === 'ready'));
    agentSock.send({ type: 'subscribe', conversationId: c.id });
    await new Promise((r) => setTimeout(r, 200));
    sock.send({ type: 'typing', on: true });
    await agentSock.waitFor((e) => e.some((x) => x.type === 'typing' && x.author.type === 'user'), 5000, 'typing across instances');
    await sock.close();
    await agentSock.close();
  });

  it('outbox deliveries are sent once across instances', async () => {
    const admin = await login(a.url);
    const settings = await call(a.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    await openOffloading(a.url, admin, {
      defaultProviderId: 'multi',
      providers: [...settings.body.providers.filter((p: { id: string }) => p.id !== 'multi'), { id: 'multi', type: 'webhook', name: 'Multi', config: { url: rx.url, secret: SECRET } }],
    });
    const convs = await Promise.all(Array.from({ length: 8 }, (_, i) => offloadedConversation(i % 2 ? a.url : b.url)));
    for (const c of convs) {
      for (let i = 0; i < 3; i++) await call(a.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: `m${i}` } });
    }
    await Promise.all([a.baton.outbox.runOnce(), b.baton.outbox.runOnce(), a.baton.outbox.runOnce(), b.baton.outbox.runOnce()]);
    await waitFor(async () => {
      await Promise.all([a.baton.outbox.runOnce(), b.baton.outbox.runOnce()]);
      const pending = await a.baton.deps.store.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute();
      return pending.length === 0;
    }, 20_000, 'outbox drained');
    const ids = rx.received.map((r) => r.headers['x-baton-delivery']);
    expect(ids.length).toBeGreaterThan(8 * 4);
    expect(new Set(ids).size).toBe(ids.length);
    // per conversation, the handover came first and messages kept their order
    for (const c of convs) {
      const mine = rx.received.filter((r) => r.body.conversation.id === c.id);
      expect(mine[0]!.body.type).toBe('handover.requested');
      const userTexts = mine.filter((r) => r.body.type === 'message.created' && r.body.message.author.type === 'user').map((r) => r.body.message.text);
      expect(userTexts).toEqual(['m0', 'm1', 'm2']);
    }
    // a signed callback to either instance works (same secret everywhere)
    const c0 = convs[0]!;
    const raw = JSON.stringify({ id: 'x1', type: 'agent.accepted', conversationId: c0.id, agent: { id: 'z', name: 'Zoe' } });
    const r = await call(b.url, 'POST', '/api/v1/providers/webhook/multi/events', { raw, headers: { 'x-baton-signature': signBody(SECRET, raw, Math.floor(Date.now() / 1000)) } });
    expect(r.status).toBe(200);
    await waitFor(async () => (await call(a.url, 'GET', `/api/v1/conversations/${c0.id}`, { token: c0.token })).body.conversation.status === 'agent', 5000, 'accepted');
  });

  it('messages to one conversation through both instances get unique, gapless seqs', async () => {
    const c = await createConversation(a.url);
    await Promise.all(
      // questions the bot answers: not-understood turns in a row would hand over (a transcript line the user does not see)
      Array.from({ length: 40 }, (_, i) => call(i % 2 ? a.url : b.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { text: `p${i}: what are your opening hours?` } })),
    );
    await a.baton.botTurns.idle();
    await b.baton.botTurns.idle();
    const all = await messages(a.url, c.conversation.id, c.token);
    const seqs = all.map((m) => m.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(all.filter((m) => m.text?.startsWith('p'))).toHaveLength(40);
  });
});

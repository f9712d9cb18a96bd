// Sockets that ask for more than they read (security finding #2, 4.30–4.32, 4.41, 4.50–4.52): a
// conversation of ~1,200 messages and a socket that stops reading and sends `resume {afterSeq:0}`
// 5,000 times used to take the server from 155 MB to 4.7 GB and stall /healthz for over 100 s. Now
// the replays are coalesced and paced by what the client reads, the frames are rate limited, and the
// socket is closed; memory stays flat and /healthz keeps answering. Also: the per-IP connection cap,
// the unread-output cap, and typing floods.
import http from 'node:http';
import v8 from 'node:v8';
import vm from 'node:vm';
import { SocketClose } from '@baton/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, createConversation, login } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { postgresAvailable } from '../support/postgres.js';
import { startTestServer, waitFor, type TestServer, startOnStore } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const pgOk = await postgresAvailable();
const STORES = [['SQLite', false] as const, ...(pgOk ? [['PostgreSQL', true] as const] : [])];

/** a raw client whose close code the test can read */
function rawSocket(url: string, headers?: Record<string, string>) {
  const ws = new WebSocket(url, { headers });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  ws.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
  return { ws, closed, opened };
}

/** /healthz latency, sampled every 50 ms until stopped */
function healthProbe(base: string) {
  const samples: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), 20_000);
      await fetch(`${base}/healthz`, { signal: ac.signal }).then((r) => r.text()).catch(() => undefined);
      clearTimeout(timer);
      samples.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples;
    },
  };
}

/** the most typing events on/off alternating can pass in `ms` (domain/typing-throttle.ts: an `on` at most every 300 ms, each ended by one `off`) */
const atMostChanges = (ms: number) => 2 * (1 + Math.floor(ms / 300));

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

// a full garbage collection on demand, without starting the test process with --expose-gc
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
/** memory the process holds after a GC: the heap plus buffers outside it (socket write queues) */
const retained = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

describe.each(STORES)('resume amplification on %s', (_name, pg) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startOnStore(pg ? 'postgres' : 'sqlite');
  });
  afterAll(async () => {
    await s?.close();
  });

  it('5,000 resume frames on a paused socket over ~1,200 messages: bounded memory, /healthz answers, the socket is closed', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'en' });
    // the finding's set-up: ~600 sends on the socket, each answered by the bot → ~1,200 messages
    const filler = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    for (let i = 0; i < 600; i++) filler.send({ type: 'message.send', clientMessageId: `fill-${i}`, message: { text: `what are your opening hours? (${i})` } });
    await filler.waitFor((e) => e.filter((x) => x.type === 'message.ack').length >= 600, 60_000, '600 acks');
    await filler.close();
    await s.baton.botTurns.idle();
    const row = await s.baton.deps.store.db.selectFrom('conversations').select('last_seq').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(row.last_seq).toBeGreaterThanOrEqual(1200);

    const rssBefore = process.memoryUsage().rss;
    const probe = healthProbe(s.url);
    const flood = rawSocket(`${s.wsUrl}/api/v1/ws?token=${token}`);
    await flood.opened;
    // stop reading, then ask for the whole history 5,000 times (~150 KB of frames)
    (flood.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const frame = JSON.stringify({ type: 'resume', afterSeq: 0 });
    for (let i = 0; i < 5000; i++) flood.ws.send(frame);
    let rssPeak = rssBefore;
    const peak = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 25);
    // the server lets go of the socket (it cannot see the close while paused: watched from the server)
    await waitFor(() => s.baton.app.websocketServer.clients.size === 0, 20_000, 'the flooding socket to be closed');
    await new Promise((r) => setTimeout(r, 500));
    clearInterval(peak);
    const samples = await probe.stop();
    const rssAfter = process.memoryUsage().rss;
    (flood.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await flood.closed;
    const worst = Math.max(...samples);
    console.log(
      `[${_name}] resume flood: last_seq ${row.last_seq}, RSS ${mb(rssBefore)} MB → peak ${mb(rssPeak)} MB → ${mb(rssAfter)} MB after; /healthz ${samples.length} probes, worst ${Math.round(worst)} ms; close code ${code}`,
    );
    expect(rssPeak - rssBefore).toBeLessThan(150 * 1024 * 1024);
    expect(worst).toBeLessThan(500);
    // closed for its flood (1008) — or cut (1006) when its close frame sat behind what it did not read
    expect([SocketClose.POLICY_VIOLATION, 1006]).toContain(code);
  });

  it('a hundred paused sockets replaying long histories at once: memory per socket stays small and /healthz answers (found by the re-test)', async () => {
    const CONVERSATIONS = 10;
    const convs = await Promise.all(Array.from({ length: CONVERSATIONS }, () => createConversation(s.url, { locale: 'en' })));
    await Promise.all(
      convs.map(async ({ token }, c) => {
        const filler = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
        for (let i = 0; i < 600; i++) filler.send({ type: 'message.send', clientMessageId: `fill-${c}-${i}`, message: { text: `what are your opening hours? (${i}) ${'x'.repeat(200)}` } });
        await filler.waitFor((e) => e.filter((x) => x.type === 'message.ack').length >= 600, 120_000, '600 acks');
        await filler.close();
      }),
    );
    await s.baton.botTurns.idle();
    gc();
    const retainedBefore = retained();
    const rssBefore = process.memoryUsage().rss;
    const probe = healthProbe(s.url);
    let rssPeak = rssBefore;
    const peak = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 25);
    // ten sockets per conversation (the most one conversation may have), none of them reading
    const floods = [];
    for (const { token } of convs) {
      for (let i = 0; i < 10; i++) {
        const f = rawSocket(`${s.wsUrl}/api/v1/ws?token=${token}`);
        await f.opened;
        (f.ws as unknown as { _socket: { pause(): void } })._socket.pause();
        for (let r = 0; r < 5; r++) f.ws.send(JSON.stringify({ type: 'resume', afterSeq: 0 }));
        floods.push(f);
      }
    }
    await new Promise((r) => setTimeout(r, 4000));
    clearInterval(peak);
    const samples = await probe.stop();
    const worst = Math.max(...samples);
    // what the server holds for the sockets while they still wait (garbage collected first: the peak
    // RSS also counts frames already sent to the kernel and not yet collected)
    gc();
    const perSocket = (retained() - retainedBefore) / floods.length;
    console.log(
      `[${_name}] ${floods.length} paused sockets replaying: ${Math.round(perSocket / 1024)} KB retained per socket; RSS ${mb(rssBefore)} → peak ${mb(rssPeak)} MB; /healthz worst ${Math.round(worst)} ms`,
    );
    // an eleventh socket on one conversation is refused
    const extra = rawSocket(`${s.wsUrl}/api/v1/ws?token=${convs[0]!.token}`);
    await extra.opened;
    expect(await extra.closed).toEqual({ code: SocketClose.POLICY_VIOLATION, reason: 'TOO_MANY_CONNECTIONS' });
    for (const f of floods) f.ws.terminate();
    expect(perSocket).toBeLessThan(200 * 1024);
    expect(rssPeak - rssBefore).toBeLessThan(400 * 1024 * 1024);
    expect(worst).toBeLessThan(500);
  }, 180_000);

  it('a reading client still gets the whole history once, in order, then ready', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'en' });
    // questions the bot answers: not-understood turns in a row would hand the user over, and the
    // handover's transcript line is not the user's to see
    for (let i = 0; i < 300; i++) await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: `what are your opening hours? (${i})` } });
    await s.baton.botTurns.idle();
    const row = await s.baton.deps.store.db.selectFrom('conversations').select('last_seq').where('id', '=', conversation.id).executeTakeFirstOrThrow();
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    // several resumes at once are one replay: one ready, every message once
    for (let i = 0; i < 5; i++) sock.send({ type: 'resume', afterSeq: 0 });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'), 20_000, 'ready');
    await new Promise((r) => setTimeout(r, 300));
    const seqs = sock.messages().map((m) => m.seq);
    expect(sock.events.filter((e) => e.type === 'ready')).toHaveLength(1);
    const tail = seqs.slice(seqs.lastIndexOf(1));
    expect(tail).toEqual(Array.from({ length: row.last_seq }, (_, i) => i + 1));
    await sock.close();
  });
});

describe('socket limits', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ env: { WS_MAX_CONNECTIONS_PER_IP: '5', WS_MAX_BUFFERED_BYTES: String(64 * 1024), PRESENCE_GRACE_SECONDS: '3' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('refuses the connection past WS_MAX_CONNECTIONS_PER_IP with 429 TOO_MANY_CONNECTIONS before the upgrade; a closed one frees its place', async () => {
    const { token } = await createConversation(s.url);
    const open = [];
    for (let i = 0; i < 5; i++) {
      const r = rawSocket(`${s.wsUrl}/api/v1/ws?token=${token}`);
      await r.opened;
      open.push(r);
    }
    const sixth = rawSocket(`${s.wsUrl}/api/v1/ws?token=${token}`);
    await expect(sixth.opened).rejects.toMatchObject({ status: 429 });
    // the body says why
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.get(`${s.url}/api/v1/ws?token=${token}`, {
        headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      });
      req.on('upgrade', () => reject(new Error('upgraded past the cap')));
      req.on('error', reject);
    });
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body).error.code).toBe('TOO_MANY_CONNECTIONS');
    open[0]!.ws.close();
    await open[0]!.closed;
    await waitFor(async () => {
      const r = rawSocket(`${s.wsUrl}/api/v1/ws?token=${token}`);
      try {
        await r.opened;
        open.push(r);
        return true;
      } catch {
        return false;
      }
    }, 5000, 'a place to free up');
    for (const r of open) r.ws.close();
    await Promise.all(open.map((r) => r.closed));
  });

  it('closes a socket that does not read its output (4008) instead of buffering it', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'en' });
    const slow = rawSocket(`${s.wsUrl}/api/v1/ws?token=${token}`);
    await slow.opened;
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    // live messages go straight to the socket: 8 KB texts until the kernel's buffers (~4 MB on
    // loopback here) and then WS_MAX_BUFFERED_BYTES (64 KB here) are full
    const text = '😀'.repeat(1990);
    let sent = 0;
    while (s.baton.app.websocketServer.clients.size > 0 && sent < 5000) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: `${text}${sent + i}` } })));
      sent += 20;
    }
    expect(s.baton.app.websocketServer.clients.size).toBe(0);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await slow.closed;
    console.log(`unread-output cap: closed after ${sent} messages of 8 KB, close code ${code}`);
    expect([SocketClose.OUTPUT_OVERFLOW, 1006]).toContain(code);
  });

  it('streams a replay as the client reads: a paused client holds the server to the low-water mark, then gets everything once', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'en' });
    // ~6.5 MB of history (8 KB texts): more than loopback's socket buffers take (~4 MB here) while
    // the client does not read. Ten at a time: their acks carry the texts.
    const filler = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    for (let i = 0; i < 800; i++) {
      // a question the bot answers (not-understood turns in a row would hand over: a transcript line the user does not see)
      filler.send({ type: 'message.send', clientMessageId: `big-${i}`, message: { text: `what are your opening hours? ${'😀'.repeat(1976)}${i}` } });
      if (i % 10 === 9) await filler.waitFor((e) => e.filter((x) => x.type === 'message.ack').length > i, 20_000, 'acks');
    }
    await filler.close();
    await s.baton.botTurns.idle();
    const { last_seq: lastSeq } = await s.baton.deps.store.db.selectFrom('conversations').select('last_seq').where('id', '=', conversation.id).executeTakeFirstOrThrow();

    const reader = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    const tcp = (reader.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    tcp.pause();
    reader.send({ type: 'resume', afterSeq: 0 });
    const serverSide = [...s.baton.app.websocketServer.clients].find((c) => c.readyState === WebSocket.OPEN);
    let most = 0;
    for (let i = 0; i < 60; i++) {
      most = Math.max(most, serverSide!.bufferedAmount);
      await new Promise((r) => setTimeout(r, 25));
    }
    console.log(`paced replay of ${lastSeq} messages to a paused client: at most ${most} bytes waited in the server`);
    // the kernel's buffers are full (the pacing is at work), and what waits in the server is the
    // low-water mark (a quarter of WS_MAX_BUFFERED_BYTES = 16 KB) plus the one frame that crossed it
    expect(most).toBeGreaterThan(16 * 1024);
    expect(most).toBeLessThanOrEqual(16 * 1024 + 8 * 1024);
    expect(serverSide!.readyState).toBe(WebSocket.OPEN);
    tcp.resume();
    await reader.waitFor((e) => e.some((x) => x.type === 'ready'), 30_000, 'ready');
    expect(reader.messages().map((m) => m.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
    await reader.close();
  });

  it('rate limits every frame type: RATE_LIMITED errors, then close 1008', async () => {
    const { token } = await createConversation(s.url);
    for (const frame of [{ type: 'ping' }, { type: 'resume', afterSeq: 0 }, { type: 'typing', on: true }, { type: 'nonsense' }]) {
      const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
      const closed = new Promise<number>((r) => sock.ws.once('close', (code) => r(code)));
      for (let i = 0; i < 2000 && sock.ws.readyState === WebSocket.OPEN; i++) sock.send(frame);
      expect(await closed, `${frame.type} flood`).toBe(SocketClose.POLICY_VIOLATION);
      expect(sock.events.some((e) => e.type === 'error' && e.error.code === 'RATE_LIMITED')).toBe(true);
      // far fewer answers than frames
      expect(sock.events.length).toBeLessThan(200);
    }
    // a client within its budget is never refused
    const calm = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    for (let i = 0; i < 10; i++) calm.send({ type: 'ping' });
    await calm.waitFor((e) => e.filter((x) => x.type === 'pong').length === 10);
    expect(calm.events.some((e) => e.type === 'error')).toBe(false);
    await calm.close();
  });

  it('typing floods (20,000 × on:false, on/off alternating) reach the agent as a handful of events', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const agent = await makeAgent(s.url, admin, { maxConcurrent: 5 });
    const c = await offloadedConversation(s.url);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: agent.token })).status).toBe(200);
    const desk = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${agent.token}`);
    await desk.waitFor((e) => e.some((x) => x.type === 'ready'));
    desk.send({ type: 'subscribe', conversationId: c.id });
    const typingAtDesk = () => desk.events.filter((e) => e.type === 'typing' && e.author.type === 'user');

    const user = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${c.token}`);
    const closed = new Promise<number>((r) => user.ws.once('close', (code) => r(code)));
    for (let i = 0; i < 20_000 && user.ws.readyState === WebSocket.OPEN; i++) user.send({ type: 'typing', on: false });
    expect(await closed).toBe(SocketClose.POLICY_VIOLATION);
    await new Promise((r) => setTimeout(r, 300));
    // an `off` without an `on` is nothing to announce
    expect(typingAtDesk()).toHaveLength(0);

    const user2 = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${c.token}`);
    let burstStarted = performance.now();
    for (let i = 0; i < 30; i++) user2.send({ type: 'typing', on: i % 2 === 0 });
    await desk.waitFor((e) => e.some((x) => x.type === 'typing' && x.on === false), 5000, 'typing off');
    await new Promise((r) => setTimeout(r, 300));
    // on, then off, alternating, and at most one new `on` per 300 ms of the time the burst can have been
    // read in (an upper bound from the clock, so a slow machine cannot make this fail)
    const changes = typingAtDesk().map((e) => e.on);
    expect(changes.slice(0, 2)).toEqual([true, false]);
    expect(changes).toEqual(changes.map((_, i) => i % 2 === 0));
    expect(changes.length).toBeLessThanOrEqual(atMostChanges(performance.now() - burstStarted));
    await user2.close();

    // the agent's typing is held the same way
    const userView = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${c.token}`);
    const deskClosed = new Promise<number>((r) => desk.ws.once('close', (code) => r(code)));
    for (let i = 0; i < 20_000 && desk.ws.readyState === WebSocket.OPEN; i++) desk.send({ type: 'typing', conversationId: c.id, on: false });
    expect(await deskClosed).toBe(SocketClose.POLICY_VIOLATION);
    await new Promise((r) => setTimeout(r, 300));
    expect(userView.events.filter((e) => e.type === 'typing')).toHaveLength(0);

    // and over REST (POST …/typing, for API clients): throttled the same, and 120 a minute per session
    const rest = [];
    burstStarted = performance.now();
    for (let i = 0; i < 150; i++) rest.push((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/typing`, { token: agent.token, body: { on: i % 3 !== 2 } })).status);
    expect(rest.slice(0, 120).every((code) => code === 200)).toBe(true);
    expect(rest.slice(120).every((code) => code === 429)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(userView.events.filter((e) => e.type === 'typing').length).toBeLessThanOrEqual(atMostChanges(performance.now() - burstStarted));
    await userView.close();
  });
});

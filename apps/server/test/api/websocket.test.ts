// WebSocket pushes and resume: after a reconnect a client gets exactly what it missed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, messages } from '../support/http.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

const send = (id: string, token: string, text: string) => call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token, body: { text } });

describe('WebSocket', () => {
  it('refuses a socket without a valid token', async () => {
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=cu_wrong`);
    await sock.waitFor((e) => e.some((x) => x.type === 'error'));
    expect(sock.events[0]).toMatchObject({ type: 'error', error: { code: 'UNAUTHORIZED' } });
    await waitFor(() => sock.closed, 5000, 'close');
  });

  it('a malformed frame closes that socket only; the server carries on', async () => {
    const { token } = await createConversation(s.url);
    // a handshake by hand, then a frame a client must never send (unmasked): the server's socket
    // errors, and its error listener (ours, replacing the library's) cuts the connection
    const raw = net.connect(s.port, '127.0.0.1');
    let received = '';
    raw.on('data', (d) => (received += d.toString('latin1')));
    raw.on('error', () => undefined);
    raw.write(`GET /api/v1/ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    await waitFor(() => received.includes('101 Switching Protocols'), 5000, 'upgrade');
    raw.write(Buffer.from([0x81, 0x02, 0x68, 0x69]));
    await waitFor(() => raw.closed, 5000, 'the server to cut the connection');
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    sock.send({ type: 'ping' });
    await sock.waitFor((e) => e.some((x) => x.type === 'pong'));
    await sock.close();
  });

  it('resume after 0 replays the history, then live messages arrive in seq order', async () => {
    const { conversation, token } = await createConversation(s.url);
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    sock.send({ type: 'resume', afterSeq: 0 });
    await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
    const welcome = sock.messages();
    expect(welcome.length).toBeGreaterThan(0);
    expect(welcome[0]!.seq).toBe(1);
    const r = await send(conversation.id, token, 'hello');
    await sock.waitFor((e) => e.some((x) => x.type === 'message.created' && x.message.seq > r.body.message.seq), 10_000, 'bot answer');
    const seqs = sock.messages().map((m) => m.seq);
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    await sock.close();
  });

  it('after a disconnect, resume {afterSeq} delivers what was missed: nothing lost, nothing twice', async () => {
    const { conversation, token } = await createConversation(s.url);
    const first = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    first.send({ type: 'resume', afterSeq: 0 });
    await first.waitFor((e) => e.some((x) => x.type === 'ready'));
    for (let i = 0; i < 3; i++) await send(conversation.id, token, `before ${i}`);
    await first.waitFor((e) => e.filter((x) => x.type === 'message.created' && x.message.author.type === 'user').length === 3);
    const seen = first.messages();
    const lastSeen = seen[seen.length - 1]!.seq;
    await first.close();
    // while disconnected
    for (let i = 0; i < 5; i++) await send(conversation.id, token, `offline ${i}`);
    await waitFor(async () => (await messages(s.url, conversation.id, token)).filter((m) => m.author.type === 'bot').length >= 9, 10_000, 'bot replies');
    await s.baton.botTurns.idle();
    const all = await messages(s.url, conversation.id, token);
    const second = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    second.send({ type: 'resume', afterSeq: lastSeen });
    await second.waitFor((e) => e.some((x) => x.type === 'ready'));
    const got = second.messages().map((m) => m.seq);
    const union = [...seen.map((m) => m.seq).filter((q) => q <= lastSeen), ...got];
    expect(union).toEqual(all.map((m) => m.seq));
    expect(new Set(union).size).toBe(union.length);
    // live traffic continues on the new socket without repeats
    await send(conversation.id, token, 'after');
    await second.waitFor((e) => e.some((x) => x.type === 'message.created' && x.message.text === 'after'));
    const after = second.messages().map((m) => m.seq);
    expect(new Set(after).size).toBe(after.length);
    await second.close();
  });

  it('pushes conversation.updated and forwards typing', async () => {
    const { conversation, token } = await createConversation(s.url);
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    sock.send({ type: 'ping' });
    await sock.waitFor((e) => e.some((x) => x.type === 'pong'));
    await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/end`, { token });
    await sock.waitFor((e) => e.some((x) => x.type === 'conversation.updated' && x.conversation.status === 'closed'));
    sock.send({ type: 'nonsense' });
    await sock.waitFor((e) => e.some((x) => x.type === 'error' && x.error.code === 'VALIDATION_FAILED'));
    await sock.close();
  });

  it('sends over the socket: acknowledged once durable, a resend stored once, refusals name the message', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'en' });
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    const otherTab = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${token}`);
    for (const t of [sock, otherTab]) {
      t.send({ type: 'resume', afterSeq: 0 });
      await t.waitFor((e) => e.some((x) => x.type === 'ready'));
    }
    sock.send({ type: 'message.send', clientMessageId: 'c-1', message: { text: 'what are your opening hours?' } });
    const ack = await sock.waitFor((e) => e.find((x) => x.type === 'message.ack' && x.clientMessageId === 'c-1'));
    expect(ack).toMatchObject({ duplicate: false, message: { text: 'what are your opening hours?', author: { type: 'user' } } });
    // durable and visible through the API, and the bot answers it
    expect((await messages(s.url, conversation.id, token)).some((m) => m.id === ack.message.id)).toBe(true);
    await sock.waitFor((e) => e.some((x) => x.type === 'message.created' && x.message.author.type === 'bot' && x.message.seq > ack.message.seq));
    // the ack takes the place of the sender's own message.created, in seq order; another tab gets message.created
    const mine = sock.events.filter((x) => (x.type === 'message.created' || x.type === 'message.ack') && x.message.seq === ack.message.seq);
    expect(mine.map((x) => x.type)).toEqual(['message.ack']);
    const order = sock.events.flatMap((x) => (x.type === 'message.created' || x.type === 'message.ack' ? [x.message.seq] : []));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await otherTab.waitFor((e) => e.some((x) => x.type === 'message.created' && x.message.id === ack.message.id));
    await otherTab.close();
    // a resend after a lost ack is the same message
    sock.send({ type: 'message.send', clientMessageId: 'c-1', message: { text: 'what are your opening hours?' } });
    const again = await sock.waitFor((e) => e.filter((x) => x.type === 'message.ack' && x.clientMessageId === 'c-1')[1]);
    expect(again).toMatchObject({ duplicate: true, message: { id: ack.message.id } });
    expect((await messages(s.url, conversation.id, token)).filter((m) => m.text === 'what are your opening hours?')).toHaveLength(1);
    // refusals carry the client's id and the same codes as POST /messages
    sock.send({ type: 'message.send', clientMessageId: 'c-2', message: { text: 'x'.repeat(4001) } });
    const tooLong = await sock.waitFor((e) => e.find((x) => x.type === 'message.rejected' && x.clientMessageId === 'c-2'));
    expect(tooLong.error.code).toBe('TEXT_TOO_LONG');
    sock.send({ type: 'message.send', clientMessageId: 'c-3', message: {} });
    const empty = await sock.waitFor((e) => e.find((x) => x.type === 'message.rejected' && x.clientMessageId === 'c-3'));
    expect(empty.error.code).toBe('VALIDATION_FAILED');
    await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/end`, { token });
    await sock.close();
  });
});

// One socket's view of a conversation (ws/conversation-feed.ts) without a server: messages in seq
// order, each once; a gap is fetched from the store and what arrives meanwhile waits behind it.
import { describe, expect, it } from 'vitest';
import type { Message, ServerEvent } from '@baton/proto';
import { ConversationFeed, type FeedSource } from '../../src/ws/conversation-feed.js';
import { pacedSource } from '../../src/ws/replay-source.js';

const CONV = 'c1';
const msg = (seq: number): Message => ({ id: `m${seq}`, conversationId: CONV, seq, author: { type: 'user' }, text: `t${seq}`, createdAt: new Date(0).toISOString() });
const created = (seq: number, clientMessageId?: string) => ({ type: 'message.created' as const, conversationId: CONV, message: msg(seq), ...(clientMessageId ? { clientMessageId } : {}) });

function feedWith(stored: Message[], send: (e: ServerEvent) => void = () => undefined) {
  const reads: number[] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const source: FeedSource = {
    async messagesAfter(_id, after) {
      reads.push(after);
      await gate;
      return stored.filter((m) => m.seq > after);
    },
  };
  const sent: ServerEvent[] = [];
  const feed = new ConversationFeed(CONV, 0, source, (e) => (sent.push(e), send(e)), false, 'user:');
  return { feed, sent, reads, release };
}

const seqs = (sent: ServerEvent[]) => sent.map((e) => (e.type === 'message.created' || e.type === 'message.ack' ? e.message.seq : e.type));

describe('ConversationFeed', () => {
  it('sends the next message at once when nothing is queued, and a message it has sent never again', () => {
    const { feed, sent, reads } = feedWith([]);
    feed.onEvent(created(1));
    feed.onEvent(created(2));
    // synchronously: no promise, no microtask in between
    expect(seqs(sent)).toEqual([1, 2]);
    feed.onEvent(created(2));
    feed.onEvent(created(1));
    expect(seqs(sent)).toEqual([1, 2]);
    expect(reads).toEqual([]);
  });

  it('fetches a gap from the store; events arriving meanwhile wait behind it, in order, each once', async () => {
    const { feed, sent, reads, release } = feedWith([msg(1), msg(2), msg(3)]);
    feed.onEvent(created(3)); // 1 and 2 missed: catch up
    feed.onEvent(created(4)); // arrives while the read runs: must not overtake 1–3
    feed.onEvent({ type: 'typing', conversationId: CONV, author: { type: 'agent', id: 'a1', name: 'Ann' }, on: true });
    await Promise.resolve();
    expect(sent).toEqual([]);
    expect(reads).toEqual([0]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(seqs(sent)).toEqual([1, 2, 3, 4, 'typing']);
    // the queue is empty again: back to sending at once
    feed.onEvent(created(5));
    expect(seqs(sent)).toEqual([1, 2, 3, 4, 'typing', 5]);
  });

  it("answers the socket's own send with an ack in place of message.created, once", () => {
    const { feed, sent } = feedWith([]);
    feed.expectAck('k1');
    feed.onEvent(created(1, 'k1'));
    feed.settleAck({ type: 'message.ack', clientMessageId: 'k1', message: msg(1), duplicate: false });
    expect(sent.map((e) => e.type)).toEqual(['message.ack']);
  });

  it('resumes that come while one is queued or replaying are one replay, after the last afterSeq, with one ready', async () => {
    const stored = [msg(1), msg(2), msg(3), msg(4)];
    const { feed, sent, reads, release } = feedWith(stored);
    void feed.resume(0);
    await Promise.resolve();
    await Promise.resolve(); // it has started reading, held by the gate
    for (let i = 0; i < 50; i++) void feed.resume(i % 2); // one queued resume, moved each time
    const last = feed.resume(2);
    release();
    await last;
    // the first replay was abandoned (a newer resume came); the queued one ran once, after seq 2
    expect(reads).toEqual([0, 2]);
    expect(sent.filter((e) => e.type === 'ready')).toHaveLength(1);
    expect(seqs(sent)).toEqual([3, 4, 'ready']);

    // resumes before the queued one started: one read, of the last afterSeq
    const next = feedWith(stored);
    for (let i = 0; i < 50; i++) void next.feed.resume(0);
    const end = next.feed.resume(3);
    next.release();
    await end;
    expect(next.reads).toEqual([3]);
    expect(seqs(next.sent)).toEqual([4, 'ready']);
  });

  it('a replay waits while the socket is congested, and stops when the socket goes away', async () => {
    const stored = Array.from({ length: 10 }, (_, i) => msg(i + 1));
    const sent: ServerEvent[] = [];
    let congested = false;
    let drain: (ok: boolean) => void = () => undefined;
    const output = Object.assign((e: ServerEvent) => void sent.push(e), {
      congested: () => congested,
      drained: () => new Promise<boolean>((r) => (drain = r)),
    });
    const feed = new ConversationFeed(CONV, 0, { messagesAfter: async (_id, after) => stored.filter((m) => m.seq > after) }, output, false, 'user:');
    congested = true;
    const done = feed.resume(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(seqs(sent)).toEqual([1]); // one frame, then it waits for the client to read
    congested = false;
    drain(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(seqs(sent)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'ready']);
    await done;

    congested = true;
    const again = feed.resume(5);
    await new Promise((r) => setTimeout(r, 0));
    drain(false); // the socket closed meanwhile: nothing more is read or sent
    await again;
    feed.onEvent(created(11));
    expect(seqs(sent).slice(11)).toEqual([6]);
  });

  it("a socket whose send throws does not throw into the bus (the hub's other listeners still get the event)", () => {
    const { feed } = feedWith([], () => {
      throw new Error('socket gone');
    });
    expect(() => feed.onEvent(created(1))).not.toThrow();
    expect(() => feed.onEvent({ type: 'conversation.updated', conversationId: CONV, conversation: {} as never })).not.toThrow();
  });
});

describe('replays of many sockets at once (ws/replay-source.ts)', () => {
  // 200 feeds, each replaying 5,000 messages from a store that answers at once (SQLite's reads do):
  // without pacing the pages chain through microtasks and the event loop cannot turn until all are
  // done. Counted in event-loop turns, not milliseconds, so a loaded machine cannot make it flaky.
  async function mostPagesInOneTurn(source: FeedSource, count: () => number): Promise<{ most: number; total: number }> {
    const feeds = Array.from({ length: 200 }, (_, i) => new ConversationFeed(`c${i}`, 0, source, () => undefined, false, 'user:'));
    let most = 0;
    let last = count();
    let running = true;
    const turn = () => {
      most = Math.max(most, count() - last);
      last = count();
      if (running) setImmediate(turn);
    };
    setImmediate(turn);
    await Promise.all(feeds.map((f) => f.resume(0)));
    running = false;
    most = Math.max(most, count() - last);
    return { most, total: count() };
  }
  const history = Array.from({ length: 5000 }, (_, i) => msg(i + 1));
  function counted() {
    let pages = 0;
    const read: FeedSource['messagesAfter'] = async (_id, after, limit) => (pages++, history.slice(after, after + limit));
    return { read, pages: () => pages };
  }

  it('pages are paced: the event loop (timers, I/O, /healthz) turns between a few pages at a time', async () => {
    const bare = counted();
    const unpaced = await mostPagesInOneTurn({ messagesAfter: bare.read }, bare.pages);
    const slow = counted();
    const paced = await mostPagesInOneTurn(pacedSource(slow.read), slow.pages);
    console.log(`200 replays: ${unpaced.total} pages, at most ${unpaced.most} in one event-loop turn unpaced, ${paced.most} paced`);
    expect(paced.total).toBe(unpaced.total);
    expect(unpaced.most).toBe(unpaced.total); // the whole replay wave in one turn
    expect(paced.most).toBeLessThanOrEqual(8);
  });
});

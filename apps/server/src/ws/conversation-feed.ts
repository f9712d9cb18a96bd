// One socket's view of one conversation: sends messages strictly in seq order, each once. Live
// events that arrive with a gap (e.g. published by another instance out of order, or during a
// resume) trigger a catch-up read from the store, so a client that resumes after seq N gets
// everything after N, nothing twice. A user's own `message.send` is answered by `message.ack` at the
// message's place in the feed, in place of its `message.created` (one frame instead of two).
import type { Message, ServerEvent } from '@baton/proto';
import type { BusEvent } from '../bus/bus.js';
import type { ConversationListener } from './hub.js';

export interface FeedSource {
  /** messages after `after`, oldest first, internal ones included (the feed filters) */
  messagesAfter(conversationId: string, after: number, limit: number): Promise<Message[]>;
}

const PAGE = 500;

export class ConversationFeed implements ConversationListener {
  private lastSeq: number;
  private chain: Promise<void> = Promise.resolve();
  /** steps enqueued and not yet finished: while none is, an event in order is sent at once */
  private queued = 0;
  /** message.send answers still owed on this socket, by clientMessageId (a resend may be in flight twice) */
  private owedAcks = new Map<string, number>();

  constructor(
    readonly conversationId: string,
    startSeq: number,
    private readonly source: FeedSource,
    private readonly send: (e: ServerEvent) => void,
    /** agents see internal notes and system events; end users do not */
    private readonly seesInternal: boolean,
    /** who is on this socket, so their own typing is not echoed */
    private readonly selfAuthor: string,
  ) {
    this.lastSeq = startSeq;
  }

  /** the client has everything up to afterSeq: send the rest, then `ready` */
  resume(afterSeq: number): Promise<void> {
    return this.enqueue(async () => {
      this.lastSeq = afterSeq;
      await this.catchUp();
      this.send({ type: 'ready', conversationId: this.conversationId, lastSeq: this.lastSeq });
    });
  }

  /** this socket sent `clientMessageId`: its stored message comes back as message.ack, not message.created */
  expectAck(clientMessageId: string): void {
    this.owedAcks.set(clientMessageId, (this.owedAcks.get(clientMessageId) ?? 0) + 1);
  }

  /**
   * The send has settled (stored, duplicate or refused): answer it unless the feed already did. Queued
   * behind the feed, so an ack never overtakes the messages before it.
   */
  settleAck(answer: Extract<ServerEvent, { type: 'message.ack' | 'message.rejected' }>): void {
    this.inOrder(() => {
      if (this.takeAck(answer.clientMessageId)) this.send(answer);
    });
  }

  private takeAck(clientMessageId: string | undefined): boolean {
    const owed = clientMessageId === undefined ? undefined : this.owedAcks.get(clientMessageId);
    if (!owed) return false;
    if (owed === 1) this.owedAcks.delete(clientMessageId!);
    else this.owedAcks.set(clientMessageId!, owed - 1);
    return true;
  }

  onEvent(event: BusEvent): void {
    switch (event.type) {
      case 'message.created': {
        const m = event.message;
        // the usual case: the next message, nothing queued before it
        if (this.queued === 0 && m.seq <= this.lastSeq + 1) {
          if (m.seq === this.lastSeq + 1) this.now(() => this.deliver(m, event.clientMessageId));
          return;
        }
        void this.enqueue(async () => {
          if (m.seq <= this.lastSeq) return;
          if (m.seq === this.lastSeq + 1) this.deliver(m, event.clientMessageId);
          else await this.catchUp();
        });
        return;
      }
      case 'conversation.updated':
        this.inOrder(() => this.send({ type: 'conversation.updated', conversation: event.conversation }));
        return;
      case 'typing': {
        const who = `${event.author.type}:${event.author.id ?? ''}`;
        if (who === this.selfAuthor) return;
        this.inOrder(() => this.send({ type: 'typing', conversationId: event.conversationId, author: event.author, on: event.on }));
        return;
      }
      default:
        return;
    }
  }

  private deliver(m: Message, clientMessageId?: string): void {
    this.lastSeq = m.seq;
    if (m.internal && !this.seesInternal) return;
    if (this.takeAck(clientMessageId)) this.send({ type: 'message.ack', clientMessageId: clientMessageId!, message: m, duplicate: false });
    else this.send({ type: 'message.created', message: m });
  }

  private async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.source.messagesAfter(this.conversationId, this.lastSeq, PAGE);
      for (const m of page) if (m.seq > this.lastSeq) this.deliver(m);
      if (page.length < PAGE) return;
    }
  }

  /** runs `fn` now if nothing is queued (no promise, no microtask), else after what is queued */
  private inOrder(fn: () => void): void {
    if (this.queued === 0) this.now(fn);
    else void this.enqueue(async () => fn());
  }

  /** a failure to send to this socket is its own: it must not stop the bus's other listeners */
  private now(fn: () => void): void {
    try {
      fn();
    } catch {
      // as a queued step's failure is dropped
    }
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    this.queued++;
    this.chain = this.chain
      .then(fn)
      .catch(() => undefined)
      .then(() => void this.queued--);
    return this.chain;
  }
}

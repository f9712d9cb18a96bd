// One socket's view of one conversation: sends messages strictly in seq order, each once. Live
// events that arrive with a gap (e.g. published by another instance out of order, or during a
// resume) trigger a catch-up read from the store, so a client that resumes after seq N gets
// everything after N, nothing twice. A user's own `message.send` is answered by `message.ack` at the
// message's place in the feed, in place of its `message.created` (one frame instead of two).
// A replay is streamed: one page read at a time, and the next frame only once the socket has room
// (send.ts), so a client that does not read holds one page here at most, never a whole history. A
// `resume` that comes while another is queued or running replaces it.
import type { Message, ServerEvent } from '@baton/proto';
import type { BusEvent } from '../bus/bus.js';
import type { ConversationListener } from './hub.js';
import type { EventSender } from './send.js';

export interface FeedSource {
  /** messages after `after`, oldest first, internal ones included (the feed filters) */
  messagesAfter(conversationId: string, after: number, limit: number): Promise<Message[]>;
}

const PAGE = 500;
/** the page after the client made the replay wait: little is read that may be dropped again */
const SLOW_PAGE = 50;
/** steps waiting behind a replay: past this the socket is not reading, and it is closed */
export const MAX_QUEUED_STEPS = 5000;

/** the socket's sender; the flow-control part is optional (unit tests send into an array) */
export type FeedOutput = ((e: ServerEvent) => void) & Partial<Pick<EventSender, 'congested' | 'drained' | 'overflow'>>;

export class ConversationFeed implements ConversationListener {
  private lastSeq: number;
  private chain: Promise<void> = Promise.resolve();
  /** steps enqueued and not yet finished: while none is, an event in order is sent at once */
  private queued = 0;
  /** message.send answers still owed on this socket, by clientMessageId (a resend may be in flight twice) */
  private owedAcks = new Map<string, number>();
  /** the socket is gone: queued steps do nothing */
  private stopped = false;
  /** a resume enqueued and not started yet (a later one only moves its afterSeq) */
  private queuedResume: { afterSeq: number; done: Promise<void> } | undefined;
  /** bumped by every resume: a running replay of an older one stops */
  private resumeGen = 0;

  constructor(
    readonly conversationId: string,
    startSeq: number,
    private readonly source: FeedSource,
    private readonly send: FeedOutput,
    /** agents see internal notes and system events; end users do not */
    private readonly seesInternal: boolean,
    /** who is on this socket, so their own typing is not echoed */
    private readonly selfAuthor: string,
  ) {
    this.lastSeq = startSeq;
  }

  /**
   * The client has everything up to afterSeq: send the rest, then `ready`. Coalesced: while a resume
   * waits in the queue, another one takes its place; a replay still running for an older resume stops
   * (without its `ready`), so N resumes cost one replay, not N.
   */
  resume(afterSeq: number): Promise<void> {
    this.resumeGen++;
    if (this.queuedResume) {
      this.queuedResume.afterSeq = afterSeq;
      return this.queuedResume.done;
    }
    const queued = { afterSeq, done: Promise.resolve() };
    this.queuedResume = queued;
    queued.done = this.enqueue(async () => {
      this.queuedResume = undefined;
      const gen = this.resumeGen;
      this.lastSeq = queued.afterSeq;
      if (!(await this.catchUp(() => gen !== this.resumeGen))) return;
      this.send({ type: 'ready', conversationId: this.conversationId, lastSeq: this.lastSeq });
    });
    return queued.done;
  }

  /** the socket closed: nothing more is read or sent */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Holds what comes after this point until `allowed` answers: false (or a failed check) stops the
   * feed and calls `revoked`. The socket's right to see a conversation can end while it follows it
   * (another agent accepted, a transfer): nothing after that change may reach it.
   */
  recheck(allowed: () => Promise<boolean>, revoked: () => void): void {
    void this.enqueue(async () => {
      if (await allowed().catch(() => false)) return;
      this.stopped = true;
      revoked();
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
    if (this.stopped) return;
    switch (event.type) {
      case 'message.created': {
        const m = event.message;
        if (event.updated) {
          // a message this socket has had, changed: sent again in its place; one it has not had yet
          // comes with the change through the usual path (read from the store)
          this.inOrder(() => {
            if (m.seq <= this.lastSeq && (!m.internal || this.seesInternal)) this.send({ type: 'message.created', message: m, updated: true });
          });
          return;
        }
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

  /**
   * Sends everything after lastSeq, page by page, pausing while the socket is congested. False when it
   * stopped early: the socket went away or `abandon` said so (a newer resume).
   */
  private async catchUp(abandon?: () => boolean): Promise<boolean> {
    // after a wait for the client, pages are small: what was read and not sent is dropped (below)
    let limit = PAGE;
    for (;;) {
      if (this.stopped || abandon?.()) return false;
      const page = await this.source.messagesAfter(this.conversationId, this.lastSeq, limit);
      let congested = false;
      for (const m of page) {
        if (this.stopped || abandon?.()) return false;
        if (m.seq <= this.lastSeq) continue;
        this.deliver(m);
        if ((congested = this.send.congested?.() ?? false)) break;
      }
      if (congested) {
        // the rest of the page is dropped while the client catches up and read again after: a socket
        // that waits holds what it has not read, not a page of messages too
        if (!(await this.send.drained!())) {
          this.stopped = true;
          return false;
        }
        limit = SLOW_PAGE;
        continue;
      }
      if (page.length < limit) return true;
      limit = PAGE;
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
    if (this.stopped) return this.chain;
    if (this.queued >= MAX_QUEUED_STEPS) {
      // the replay ahead of these steps waits for a client that does not read
      this.stopped = true;
      this.send.overflow?.();
      return this.chain;
    }
    this.queued++;
    this.chain = this.chain
      .then(() => (this.stopped ? undefined : fn()))
      .catch(() => undefined)
      .then(() => void this.queued--);
    return this.chain;
  }
}

// Cross-instance bus over Redis pub/sub. Every instance delivers its own events locally at once and
// ignores their echo from Redis, so a local socket never waits on a Redis round trip. The events an
// instance publishes in one turn of its event loop (a group commit announces a whole batch of
// messages) cross in one Redis message: one PUBLISH for Redis to fan out and one message for each
// other instance to read and parse, instead of one per event.
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Bus, BusEvent, BusHandler } from './bus.js';
import { MemoryBus } from './memory.js';

const CHANNEL = 'baton:events';
/** a turn that publishes more than this sends several Redis messages, each at most this many events */
export const MAX_EVENTS_PER_MESSAGE = 256;

/**
 * What crosses Redis: the publishing instance and its events in order. `event` (one event per
 * message) is what versions before the batching sent; it is still understood.
 */
interface Envelope {
  from: string;
  events?: BusEvent[];
  event?: BusEvent;
}

export class RedisBus implements Bus {
  private readonly local = new MemoryBus();
  private readonly instance = randomUUID();
  /** published this turn, not yet sent to Redis */
  private pending: BusEvent[] = [];
  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
  ) {}

  static async connect(url: string): Promise<RedisBus> {
    const opts = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    const pub = new Redis(url, { ...opts, enableAutoPipelining: true });
    const sub = new Redis(url, opts);
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub);
    await sub.subscribe(CHANNEL);
    // our own events come back too: recognised by how they start, without parsing them
    const echo = `{"from":"${bus.instance}"`;
    sub.on('message', (_channel: string, raw: string) => {
      if (raw.startsWith(echo)) return;
      let envelope: Envelope;
      try {
        envelope = JSON.parse(raw) as Envelope;
      } catch {
        return; // a malformed message from another version is ignored
      }
      if (typeof envelope !== 'object' || envelope === null || envelope.from === bus.instance) return;
      const events = Array.isArray(envelope.events) ? envelope.events : envelope.event ? [envelope.event] : [];
      for (const e of events) bus.local.publish(e);
    });
    return bus;
  }

  publish(event: BusEvent): void {
    this.local.publish(event);
    this.pending.push(event);
    if (this.pending.length >= MAX_EVENTS_PER_MESSAGE) this.flush();
    else if (this.pending.length === 1) setImmediate(this.flush);
  }

  /** sends what this turn published, in order, in one Redis message */
  private readonly flush = (): void => {
    if (this.pending.length === 0) return;
    const envelope: Envelope = { from: this.instance, events: this.pending };
    this.pending = [];
    void this.pub.publish(CHANNEL, JSON.stringify(envelope)).catch(() => undefined);
  };

  subscribe(handler: BusHandler): () => void {
    return this.local.subscribe(handler);
  }

  async close(): Promise<void> {
    this.flush();
    await this.local.close();
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}

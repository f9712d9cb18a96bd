// Cross-instance bus over Redis pub/sub. Every instance delivers its own events locally at once and
// ignores their echo from Redis, so a local socket never waits on a Redis round trip.
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { Bus, BusEvent, BusHandler } from './bus.js';
import { MemoryBus } from './memory.js';

const CHANNEL = 'baton:events';

export class RedisBus implements Bus {
  private readonly local = new MemoryBus();
  private readonly instance = randomUUID();
  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
  ) {}

  static async connect(url: string): Promise<RedisBus> {
    const opts = { maxRetriesPerRequest: null, lazyConnect: true } as const;
    // the events of one group commit go out in one write (commands issued in the same tick are sent
    // together), not one write per event
    const pub = new Redis(url, { ...opts, enableAutoPipelining: true });
    const sub = new Redis(url, opts);
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub);
    await sub.subscribe(CHANNEL);
    // our own events come back too: recognised by how they start, without parsing them
    const echo = `{"from":"${bus.instance}"`;
    sub.on('message', (_channel: string, raw: string) => {
      if (raw.startsWith(echo)) return;
      try {
        const { from, event } = JSON.parse(raw) as { from: string; event: BusEvent };
        if (from !== bus.instance) bus.local.publish(event);
      } catch {
        // a malformed message from another version is ignored
      }
    });
    return bus;
  }

  publish(event: BusEvent): void {
    this.local.publish(event);
    void this.pub.publish(CHANNEL, JSON.stringify({ from: this.instance, event })).catch(() => undefined);
  }

  subscribe(handler: BusHandler): () => void {
    return this.local.subscribe(handler);
  }

  async close(): Promise<void> {
    await this.local.close();
    await Promise.allSettled([this.sub.quit(), this.pub.quit()]);
  }
}

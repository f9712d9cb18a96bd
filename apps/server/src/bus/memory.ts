import type { Bus, BusEvent, BusHandler } from './bus.js';

/** In-process bus: handlers run synchronously in publish order. */
export class MemoryBus implements Bus {
  private handlers = new Set<BusHandler>();

  publish(event: BusEvent): void {
    for (const h of this.handlers) {
      try {
        h(event);
      } catch {
        // one faulty subscriber must not stop the others
      }
    }
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}

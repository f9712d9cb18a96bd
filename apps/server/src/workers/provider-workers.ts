// Runs each provider type's optional background work (see OffloadingProvider.worker) on an interval,
// only for types that are configured and enabled, one tick at a time per type.
import type { InboundActions } from '../commands/provider-inbound.js';
import type { Deps } from '../deps.js';

export function createProviderWorkers(deps: Deps, inbound: InboundActions) {
  // the next tick of each provider type (one timer per type, replaced at every tick)
  const timers = new Map<string, NodeJS.Timeout>();
  const running = new Set<Promise<void>>();
  let stopped = true;

  function schedule(type: string, intervalMs: number, tick: () => Promise<void>) {
    const loop = async () => {
      if (stopped) return;
      const settings = await deps.settings.offloading().catch(() => undefined);
      if (settings?.providers.some((p) => p.type === type && p.enabled !== false)) {
        const p = tick().catch((err) => deps.log.error({ err, provider: type }, 'provider worker failed'));
        running.add(p);
        await p;
        running.delete(p);
      }
      if (!stopped) timers.set(type, setTimeout(loop, intervalMs).unref());
    };
    timers.set(type, setTimeout(loop, intervalMs).unref());
  }

  return {
    start() {
      stopped = false;
      for (const impl of deps.providerRegistry.all()) {
        const w = impl.worker;
        if (w) schedule(impl.type, w.intervalMs, () => w.tick(deps, inbound));
      }
    },
    /** runs every worker once now (tests) */
    async runOnce() {
      for (const impl of deps.providerRegistry.all()) if (impl.worker) await impl.worker.tick(deps, inbound);
    },
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      await Promise.all(running);
    },
  };
}

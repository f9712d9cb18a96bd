// Runs retention (docs/deployment.md "Retention"): every so often, the instance holding the
// `retention` lease makes the passes the settings ask for, batch by batch. The lease is renewed
// between batches and let go at the end; between batches the event loop serves others. A run stopped
// anywhere (shutdown, crash) leaves nothing half done: each batch is its own transaction and the next
// run picks up what is left.
import type { Deps } from '../deps.js';
import { retentionBatch } from '../commands/retention.js';
import { readRetentionSettings } from '../commands/retention-settings.js';
import { retentionPasses, type RetentionPass } from '../domain/retention.js';
import { releaseLease, takeLease } from '../store/retention.js';
import { newId } from '../tokens.js';

const LEASE = 'retention';
/** longer than any batch takes: the holder renews it after each one */
const LEASE_MS = 120_000;

export interface RetentionRun {
  /** conversations changed per action of this run */
  closed: number;
  anonymized: number;
  deleted: number;
  batches: number;
  /** another instance held the lease: this one did nothing */
  skipped: boolean;
}

export function createRetentionWorker(deps: Deps) {
  const holder = newId();
  const batchSize = deps.config.RETENTION_BATCH_SIZE;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<RetentionRun> | undefined;
  let stopped = true;
  /** set by stop(): a run under way ends after its current batch */
  let stopping = false;

  const lease = () => deps.store.write.run((tx) => takeLease(tx, LEASE, holder, deps.clock.now(), deps.clock.now() + LEASE_MS));

  async function run(opts: { maxBatches?: number }): Promise<RetentionRun> {
    const result: RetentionRun = { closed: 0, anonymized: 0, deleted: 0, batches: 0, skipped: false };
    const passes = retentionPasses(await readRetentionSettings(deps.store.db), deps.clock.now());
    if (passes.length === 0) return result;
    if (!(await lease())) return { ...result, skipped: true };
    try {
      for (const pass of passes) {
        for (;;) {
          const b = await retentionBatch(deps, pass, batchSize);
          result.batches++;
          result[counted(pass)] += b.done;
          // a short batch was the last; one that changed nothing would pick the same ones again
          if (b.picked < batchSize || b.done === 0) break;
          if (stopping) return result;
          if (opts.maxBatches && result.batches >= opts.maxBatches) return result;
          // another instance took over a lease this one let lapse: it carries on
          if (!(await lease())) return result;
          await new Promise((r) => setImmediate(r));
        }
      }
      return result;
    } finally {
      await deps.store.write.run((tx) => releaseLease(tx, LEASE, holder)).catch((err) => deps.log.warn({ err }, 'could not release the retention lease; it lapses'));
    }
  }

  function runOnce(opts: { maxBatches?: number } = {}): Promise<RetentionRun> {
    running ??= run(opts).finally(() => {
      running = undefined;
    });
    return running;
  }

  return {
    async start() {
      stopped = false;
      stopping = false;
      // a store only this process uses: a lease left by a crashed run is stale
      if (deps.store.exclusive) await deps.store.write.run((tx) => tx.deleteFrom('job_leases').where('name', '=', LEASE).execute());
      const loop = async () => {
        if (stopped) return;
        await runOnce().catch((err) => deps.log.error({ err }, 'retention run failed; the next run carries on'));
        if (!stopped) timer = setTimeout(loop, deps.config.RETENTION_INTERVAL_SECONDS * 1000);
      };
      timer = setTimeout(loop, 1000);
    },
    /** one run now (tests with an injected clock); `maxBatches` stops it part-way, as a shutdown would */
    runOnce,
    async stop() {
      stopped = true;
      stopping = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

function counted(pass: RetentionPass): 'closed' | 'anonymized' | 'deleted' {
  return pass.action === 'close' ? 'closed' : pass.action === 'anonymize' ? 'anonymized' : 'deleted';
}

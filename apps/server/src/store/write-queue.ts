// Group commit: every state change is a job; the jobs queued during one tick run in ONE transaction.
// If one job fails, the batch rolls back and each of its jobs runs again alone, so a failing job fails
// alone (jobs must be safe to run twice: until the commit they only touch the transaction). A job's
// promise resolves only after the transaction has committed, so whatever the caller acknowledges is
// durable.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

export type Tx = Transaction<Database> | Kysely<Database>;
type Job<T> = { fn: (tx: Tx) => Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void };

const MAX_BATCH = 256;
// a job that queued another job would wait for itself: fail loudly instead of hanging
const insideJob = new AsyncLocalStorage<true>();

export class WriteQueue {
  private queue: Job<unknown>[] = [];
  private running = false;
  private idle: Array<() => void> = [];
  private closed = false;
  /** observability: batches committed and jobs in them */
  readonly stats = { batches: 0, jobs: 0 };

  constructor(private readonly db: Kysely<Database>) {}

  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    if (insideJob.getStore()) return Promise.reject(new Error('write queue: a job may not queue another job (use its transaction)'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve, reject } as Job<unknown>);
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.loop());
      }
    });
  }

  /** resolves when every queued job has settled; new jobs are refused afterwards if close is true */
  async drain(close = true): Promise<void> {
    this.closed = close;
    if (!this.running && this.queue.length === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private async loop(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      await this.commit(batch);
    }
    this.running = false;
    for (const r of this.idle.splice(0)) r();
  }

  private commit(batch: Job<unknown>[]): Promise<void> {
    return insideJob.run(true, () => this.commitBatch(batch));
  }

  private async commitBatch(batch: Job<unknown>[]): Promise<void> {
    const values: unknown[] = [];
    try {
      const trx = await this.db.startTransaction().execute();
      try {
        // no savepoint per job: two extra round trips per job cost PostgreSQL more than the rare
        // failure does; a job that throws rolls the batch back and each job is retried alone below
        for (const job of batch) values.push(await job.fn(trx));
        await trx.commit().execute();
      } catch (error) {
        await trx.rollback().execute().catch(() => undefined);
        throw error;
      }
    } catch (error) {
      // single job: its own error; a failed batch (e.g. a deadlock between instances): retry each alone
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const job of batch) await this.commit([job]);
      return;
    }
    this.stats.batches++;
    this.stats.jobs += batch.length;
    batch.forEach((job, i) => job.resolve(values[i]));
  }
}

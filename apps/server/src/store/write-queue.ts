// Group commit: every state change is a job; the jobs queued to a lane during one tick run in ONE
// transaction (SQLite has one lane; PostgreSQL several, see the constructor).
// If one job fails, the batch rolls back and each of its jobs runs again alone, so a failing job fails
// alone (jobs must be safe to run twice: until the commit they only touch the transaction). A job's
// promise resolves only after the transaction has committed (and, given a GroupSync, after the commit
// is on disk), so whatever the caller acknowledges is durable. A lane's batches are resolved in commit
// order.
import { Kysely, sql, type CompiledQuery, type DatabaseConnection, type QueryResult } from 'kysely';
import type { GroupSync } from './group-sync.js';
import { markReadOnly, refusedWrite } from './read-only.js';
import type { Database } from './schema.js';
import type { Tx } from './types.js';

export type { Tx } from './types.js';
type Job<T> = {
  fn: (tx: Tx, pre: unknown) => Promise<T>;
  resolve: (v: T) => void;
  reject: (e: unknown) => void;
  committed?: () => void;
  prelude?: PreludeCall<unknown, unknown>;
};

/**
 * A first statement that several jobs in a row would each run for themselves, run once for all of them
 * (one round trip instead of one each, on PostgreSQL): consecutive jobs of a batch with the same prelude
 * get their inputs run together, in queue order, when the first of them is reached; each job then
 * starts from its own result (so a job's own statements run after the whole group's prelude: as if the
 * group's first statements had all come a little earlier). `run` answers one result per input, in order.
 */
export interface Prelude<I, O> {
  run(tx: Tx, inputs: I[]): Promise<O[]>;
  /**
   * The same work as ONE statement outside a transaction (atomic and, on PostgreSQL, durable once it
   * returns: one round trip where BEGIN … COMMIT takes two), used when a whole batch is this prelude's
   * jobs. Answers per input its result, or undefined where it wrote nothing because that job needs a
   * transaction (its jobs then run in one right after, through `run`). It must leave out all of a key's
   * inputs or none, so a key's jobs keep their order. A job given a result from here may read but not
   * write: it gets a connection that refuses anything but SELECT (a write there would not be atomic
   * with the statement, so it fails loudly instead). It may also throw, having written nothing: the
   * batch then runs in a transaction through `run`.
   */
  alone?(db: Kysely<Database>, inputs: I[]): Promise<AloneAnswer<O>>;
  /**
   * `alone` runs elsewhere (SQLite's writer thread): the next batch's may start as soon as this one's
   * has answered with a result for every job, and run while this batch's jobs run here. Those jobs then
   * read what the next batch wrote too, as they could read another lane's or instance's writes.
   */
  overlaps?: boolean;
}

/** What a prelude run alone answers: a result per input (see Prelude.alone). */
export interface AloneAnswer<O> {
  results: Array<O | undefined>;
  /**
   * resolves once the statement is on disk, when it ran where the store's own durability does not
   * reach (SQLite's writer thread syncs its commits itself); without it the store's applies
   */
  durable?: Promise<void>;
}

export interface PreludeCall<I, O> {
  of: Prelude<I, O>;
  input: I;
}

/** One group-commit queue with its own transaction (and, on PostgreSQL, its own connection). */
interface Lane {
  queue: Job<unknown>[];
  running: boolean;
}

export interface JobOptions {
  /**
   * called as soon as the transaction has committed, possibly before the fsync: for work that only
   * reads what was committed and whose own results wait for their own durability (a later commit is
   * never on disk without the earlier ones: the WAL is written in order)
   */
  committed?: () => void;
  /**
   * what the job is about (a conversation id): jobs with the same key run in one lane, in the order
   * they were queued; jobs without one run in the first lane
   */
  key?: string;
}

const MAX_BATCH = 256;
// A job must never queue another job (it would wait for itself): use its transaction. This is not
// checked at run time (an AsyncLocalStorage guard slows every promise of the process); the test
// suite's timeouts catch such a hang.

/** FNV-1a: spreads conversation ids over the lanes, the same lane for the same id */
export function laneOf(key: string, lanes: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % lanes;
}

export class WriteQueue {
  private readonly lanes: Lane[];
  private idle: Array<() => void> = [];
  private closed = false;
  /** observability: batches committed, jobs in them, and batches whose prelude ran alone (no transaction) */
  readonly stats = { batches: 0, jobs: 0, alone: 0 };

  /** observability: fsyncs made for durability (0 when the store syncs on commit itself) */
  get syncs(): number {
    return this.durable?.syncs ?? 0;
  }
  /** batches committed whose fsync has not finished */
  private syncing = new Set<Promise<void>>();
  /** what jobs after a prelude that ran alone get instead of a transaction */
  private readOnly?: Kysely<Database>;
  /**
   * observability: called for each committed batch with its job count and how it committed (in a
   * transaction, or as one statement without one: see Prelude.alone)
   */
  onBatch?: (jobs: number, path: 'transaction' | 'statement') => void;

  /**
   * `lanes` > 1 (PostgreSQL only: each lane's transaction needs a connection of its own) runs that many
   * batches at once, so one batch's round trips and commit no longer wait for another's; a
   * conversation's jobs stay in one lane, in order. Lanes contend like separate instances do: row
   * locks and conditional updates keep them consistent, and a batch that fails (a deadlock between
   * lanes) reruns job by job.
   */
  constructor(
    private readonly db: Kysely<Database>,
    private readonly durable?: GroupSync,
    lanes = 1,
    /**
     * the connections pipeline (node-postgres `pipeline: true`): a batch's BEGIN then goes out with its
     * first statement instead of taking a round trip of its own
     */
    private readonly pipelined = false,
    /**
     * the store's upkeep, one step at a time, run by the first lane when it has no job (SQLite: merging
     * the search index's segments on the writer thread): true when the step did work, so another may
     * follow. A job queued meanwhile waits for the step, never for more.
     */
    private readonly upkeep?: () => Promise<boolean>,
  ) {
    this.lanes = Array.from({ length: Math.max(1, lanes) }, () => ({ queue: [], running: false }));
  }

  /**
   * Queues a job. Its promise resolves once the commit is durable. With a prelude, the job starts
   * from the prelude's result for its input (see Prelude); without one, `pre` is undefined.
   */
  run<T, O = undefined>(fn: (tx: Tx, pre: O) => Promise<T>, opts: JobOptions & { prelude?: PreludeCall<unknown, O> } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const lane = this.lanes[opts.key === undefined || this.lanes.length === 1 ? 0 : laneOf(opts.key, this.lanes.length)]!;
    return new Promise<T>((resolve, reject) => {
      lane.queue.push({ fn, resolve, reject, committed: opts.committed, prelude: opts.prelude } as Job<unknown>);
      if (!lane.running) {
        lane.running = true;
        setImmediate(() => void this.loop(lane));
      }
    });
  }

  private get busy(): boolean {
    return this.lanes.some((l) => l.running || l.queue.length > 0);
  }

  /** resolves when every queued job has settled; new jobs are refused afterwards if close is true */
  async drain(close = true): Promise<void> {
    this.closed = close;
    if (!this.busy) {
      await Promise.all(this.syncing);
      return;
    }
    await new Promise<void>((r) => this.idle.push(r));
  }

  private async loop(lane: Lane): Promise<void> {
    for (;;) {
      await this.runQueued(lane);
      if (lane === this.lanes[0] && (await this.upkeepStep())) continue;
      // jobs queued while the step ran (the lane still counted as running for them)
      if (lane.queue.length === 0) break;
    }
    lane.running = false;
    await Promise.all(this.syncing);
    if (!this.busy) for (const r of this.idle.splice(0)) r();
  }

  /** one step of the store's upkeep; false when it did nothing, failed, or the queue is closing */
  private async upkeepStep(): Promise<boolean> {
    if (!this.upkeep || this.closed) return false;
    try {
      return await this.upkeep();
    } catch {
      return false;
    }
  }

  /** runs the lane's jobs until its queue is empty */
  private async runQueued(lane: Lane): Promise<void> {
    // a batch whose prelude runs alone and has been started: its answer is awaited below
    let started: { batch: Job<unknown>[]; of: Prelude<unknown, unknown>; answers: Promise<AloneAnswer<unknown>> } | undefined;
    while (started || lane.queue.length > 0) {
      if (!started) {
        const batch = lane.queue.splice(0, MAX_BATCH);
        const of = aloneOf(batch);
        if (!of) {
          await this.commitInTransaction(batch);
          continue;
        }
        started = this.startAlone(batch, of);
      }
      const { batch, of, answers } = started;
      started = undefined;
      let answer: AloneAnswer<unknown>;
      try {
        answer = await answers;
      } catch {
        // it wrote nothing (and nothing else was started): the transaction's path runs the batch (and,
        // if that fails too, each job alone)
        await this.commitInTransaction(batch);
        continue;
      }
      // a prelude that runs elsewhere (Prelude.overlaps) and every job has its result: the next batch
      // (if it can) starts now and runs while these jobs run
      if (of.overlaps && answer.results.every((r) => r !== undefined) && lane.queue.length > 0) {
        const next = lane.queue.splice(0, MAX_BATCH);
        if (aloneOf(next) === of) started = this.startAlone(next, of);
        else lane.queue.unshift(...next);
      }
      await this.finishAlone(batch, answer);
    }
  }

  /** A batch of one prelude's jobs, its prelude run alone (see Prelude.alone): a result per job, or undefined. */
  private async runAlone(batch: Job<unknown>[], of: Prelude<unknown, unknown>): Promise<AloneAnswer<unknown>> {
    const answer = await of.alone!(this.db, batch.map((j) => j.prelude!.input));
    oneEach(answer.results, batch.length);
    return answer;
  }

  private startAlone(batch: Job<unknown>[], of: Prelude<unknown, unknown>) {
    const answers = this.runAlone(batch, of);
    // may be awaited only after the batch before it has finished: a failure meanwhile is not unhandled
    answers.catch(() => undefined);
    return { batch, of, answers };
  }

  /** Runs the jobs of a batch whose prelude ran alone (read-only), then those it left to a transaction. */
  private async finishAlone(batch: Job<unknown>[], { results: answers, durable }: AloneAnswer<unknown>): Promise<void> {
    const done: Job<unknown>[] = [];
    const values: unknown[] = [];
    const later: Job<unknown>[] = [];
    const reader = (this.readOnly ??= readOnly(this.db));
    for (const [i, job] of batch.entries()) {
      if (answers[i] === undefined) {
        later.push(job);
        continue;
      }
      try {
        values.push(await job.fn(reader, answers[i]));
        done.push(job);
      } catch (error) {
        job.reject(error);
      }
    }
    this.stats.alone++;
    if (done.length) this.committedBatch(done, values, 'statement', durable);
    if (later.length) await this.commitInTransaction(later);
  }

  private async commitInTransaction(batch: Job<unknown>[]): Promise<void> {
    const values: unknown[] = [];
    // no savepoint per job: two extra round trips per job cost PostgreSQL more than the rare failure
    // does; a job that throws rolls the batch back and each job is retried alone below
    const runJobs = async (tx: Tx) => {
      const pre: unknown[] = [];
      let preluded = 0; // jobs before this index have their prelude's result
      for (let i = 0; i < batch.length; i++) {
        const of = batch[i]!.prelude?.of;
        if (of && i >= preluded) {
          let end = i + 1;
          while (end < batch.length && batch[end]!.prelude?.of === of) end++;
          const results = oneEach(await of.run(tx, batch.slice(i, end).map((j) => j.prelude!.input)), end - i);
          results.forEach((r, k) => (pre[i + k] = r));
          preluded = end;
        }
        values.push(await batch[i]!.fn(tx, pre[i]));
      }
    };
    try {
      if (this.pipelined) {
        await this.db.connection().execute(async (conn) => {
          // sent now, answered with the first statement's answer: the batch's statements are queued
          // behind it on this connection, so they run inside the transaction
          const begin = sql`begin`.execute(conn);
          begin.catch(() => undefined);
          try {
            await runJobs(conn);
            await begin;
            await sql`commit`.execute(conn);
          } catch (error) {
            await sql`rollback`.execute(conn).catch(() => undefined);
            throw error;
          }
        });
      } else {
        const trx = await this.db.startTransaction().execute();
        try {
          await runJobs(trx);
          await trx.commit().execute();
        } catch (error) {
          await trx.rollback().execute().catch(() => undefined);
          throw error;
        }
      }
    } catch (error) {
      // single job: its own error; a failed batch (e.g. a deadlock between instances): retry each alone
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const job of batch) await this.commitInTransaction([job]);
      return;
    }
    this.committedBatch(batch, values, 'transaction');
  }

  /**
   * Jobs whose writes have committed: counted, told, and resolved once durable (`durable`: when their
   * commit is on disk, if it was made where the store's own group fsync does not apply).
   */
  private committedBatch(batch: Job<unknown>[], values: unknown[], path: 'transaction' | 'statement', durable?: Promise<void>): void {
    this.stats.batches++;
    this.stats.jobs += batch.length;
    this.onBatch?.(batch.length, path);
    for (const job of batch) job.committed?.();
    const synced = durable ?? this.durable?.request();
    if (!synced) {
      batch.forEach((job, i) => job.resolve(values[i]));
      return;
    }
    // the next batch may execute while this one's fsync runs; batches are resolved in commit order
    // (after the batches still waiting for theirs, whichever sync they wait for)
    const done: Promise<void> = Promise.all([synced, ...this.syncing]).then(
      () => batch.forEach((job, i) => job.resolve(values[i])),
      (error: unknown) => batch.forEach((job) => job.reject(error)),
    );
    this.syncing.add(done);
    void done.finally(() => this.syncing.delete(done));
  }
}

/** the prelude of a batch that can run alone: every job has it */
function aloneOf(batch: Job<unknown>[]): Prelude<unknown, unknown> | undefined {
  const of = batch[0]!.prelude?.of;
  return of?.alone && batch.every((j) => j.prelude?.of === of) ? of : undefined;
}

/** a prelude's results, checked to be one per input */
function oneEach<T>(results: T[], inputs: number): T[] {
  if (results.length !== inputs) throw new Error(`prelude answered ${results.length} results for ${inputs} inputs`);
  return results;
}

/**
 * `db` for reads only: any other statement throws (after a prelude ran alone, a write would not be
 * atomic with it). Its queries compile and run as `db`'s do.
 */
function readOnly(db: Kysely<Database>): Kysely<Database> {
  const executor = db.getExecutor();
  const connection: DatabaseConnection = {
    executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const refused = refusedWrite(query.sql);
      if (refused) return Promise.reject(refused);
      return db.executeQuery<R>(query);
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('streaming after a prelude run alone');
    },
  };
  const refuse = () => Promise.reject(new Error('no transaction after a prelude run alone'));
  const reader = new Kysely<Database>({
    dialect: {
      createAdapter: () => executor.adapter,
      createQueryCompiler: () => ({ compileQuery: (node, queryId) => executor.compileQuery(node, queryId) }),
      createIntrospector: () => {
        throw new Error('no introspection here');
      },
      createDriver: () => ({
        init: async () => undefined,
        acquireConnection: async () => connection,
        beginTransaction: refuse,
        commitTransaction: refuse,
        rollbackTransaction: refuse,
        releaseConnection: async () => undefined,
        destroy: async () => undefined,
      }),
    },
  });
  // hot statements on SQLite go to the connection directly (sqlite/adapter.ts): it makes the same check
  markReadOnly(reader);
  return reader;
}

// Group fsync for the embedded SQLite store. Commits run with `synchronous = NORMAL` (WAL frames reach
// the OS, no fsync on the event loop), and the write queue acknowledges a batch only after the WAL file
// has been fdatasync'ed on libuv's thread pool: the same durability as `synchronous = FULL` (the frames
// and their commit record are on disk before anyone is told), while the next batch already executes.
// One sync covers every commit made before it started; commits made while a sync runs share the next.
import fs from 'node:fs/promises';

export class GroupSync {
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** observability: fsyncs issued */
  syncs = 0;

  constructor(private readonly fsync: () => Promise<void>) {}

  /** Resolves once everything committed before this call is on disk. */
  request(): Promise<void> {
    if (!this.running) return this.start();
    // the running sync may have started before our commit: wait for the one after it
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<void> {
    this.syncs++;
    const p: Promise<void> = this.fsync().finally(() => {
      if (this.running === p) this.running = null;
    });
    this.running = p;
    return p;
  }
}

/** fdatasync of a file opened once (fsync is per file, whichever descriptor wrote the pages). */
export function fileSync(file: string): { sync: () => Promise<void>; close: () => Promise<void> } {
  let handle: Promise<fs.FileHandle> | undefined;
  return {
    sync: async () => {
      handle ??= fs.open(file, 'r').catch((err: unknown) => {
        handle = undefined;
        throw err;
      });
      await (await handle).datasync();
    },
    close: async () => {
      if (handle) await (await handle).close();
    },
  };
}

// Whether the store can take writes: a full disk (or a database that refuses connections) is an
// outage to report — 503 STORAGE_UNAVAILABLE to the caller and /readyz not ready, so a load balancer
// stops sending traffic — not an internal error. Nothing is acknowledged that was not stored.
import fs from 'node:fs';

// SQLite's full disk / I/O failures (also as the writer thread's re-thrown message) and PostgreSQL's
// class 53 (insufficient resources), 57P0x (shutting down) and 08 (connection) errors
const SQLITE = /SQLITE_(FULL|IOERR|CANTOPEN|READONLY)|database or disk is full|disk I\/O error|unable to open database|attempt to write a readonly database|ENOSPC/i;
const PG_CODE = /^(53|57P0|08)/;
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOSPC']);

export function isStorageUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (PG_CODE.test(code) || NETWORK.has(code) || SQLITE.test(code))) return true;
  return typeof message === 'string' && SQLITE.test(message);
}

/** PostgreSQL refusing text it cannot encode (a NUL that slipped past the edge checks): the caller's input, not our fault. */
export function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/** Below this much free space on the SQLite data directory's file system, the instance reports not ready. */
const MIN_FREE_BYTES = 1024 * 1024;
/** A storage failure keeps /readyz not ready this long (a later failure extends it). */
const FAILURE_WINDOW_MS = 30_000;

export interface StorageHealth {
  failed(now: number): void;
  /** why the store cannot take writes now, or undefined */
  problem(now: number): Promise<string | undefined>;
}

export function createStorageHealth(sqliteDir: string | undefined): StorageHealth {
  let lastFailure = -Infinity;
  return {
    failed(now) {
      lastFailure = now;
    },
    async problem(now) {
      if (sqliteDir) {
        const s = await fs.promises.statfs(sqliteDir).catch(() => undefined);
        if (s && s.bavail * s.bsize < MIN_FREE_BYTES) return `less than 1 MiB free in ${sqliteDir}`;
      }
      if (now - lastFailure < FAILURE_WINDOW_MS) return 'a write failed for lack of storage in the last 30 s';
      return undefined;
    },
  };
}

// Whether this instance can serve: the store answers, its migrations are applied and its storage
// can take writes.
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import type { ErrorCode } from '../errors.js';
import { migrationsApplied } from '../store/database.js';
import type { StorageHealth } from '../store/storage-health.js';

export type Readiness =
  | { ok: true; view: { status: 'ready'; store: Deps['store']['dialect']; bus: 'redis' | 'memory' } }
  | { ok: false; code: ErrorCode; message: string };

export async function readiness(deps: Deps, storage: StorageHealth): Promise<Readiness> {
  try {
    await sql`select 1`.execute(deps.store.db);
    if (!(await migrationsApplied(deps.store.db))) return { ok: false, code: 'NOT_READY', message: 'Migrations pending' };
    const problem = await storage.problem(deps.clock.now());
    if (problem) return { ok: false, code: 'STORAGE_UNAVAILABLE', message: `Storage cannot take writes: ${problem}` };
    return { ok: true, view: { status: 'ready', store: deps.store.dialect, bus: deps.config.REDIS_URL ? 'redis' : 'memory' } };
  } catch {
    return { ok: false, code: 'NOT_READY', message: 'Store unreachable' };
  }
}

// Types every store module shares. Kept apart so the query helpers and the write queue do not import
// each other.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.js';

/** What a store function runs its statements on: a batch's transaction, or the store itself. */
export type Tx = Transaction<Database> | Kysely<Database>;

export type Dialect = 'sqlite' | 'postgres';

/** Where a waiting conversation stands in its queue (null: it is not waiting). */
export interface QueueInfo {
  position: number | null;
  estimatedWaitSeconds: number | null;
  /** desk conversations: is anyone eligible online (no estimate when not); null: unknown (an external provider) */
  agentsAvailable?: boolean | null;
}

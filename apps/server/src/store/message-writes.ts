// How a user's message and a bot's turn are stored: the store's seam for its two hottest writes.
// Commands ask the store for these writes and never learn how it makes them fast:
// - in a transaction, `storeUser` takes the conversation's next seq (refusing a duplicate idempotency
//   key) and inserts the row;
// - batched, several commands' writes are made at once, ahead of their jobs (a write-queue prelude):
//   on PostgreSQL one statement for a batch of user messages (postgres/user-messages.ts), on SQLite
//   the writer thread for user messages and simple bot turns (sqlite/writes.ts).
// A batched write gives each job its outcome, or nothing when the job must store it itself.
import type { NewMessageInput } from './conversations.js';
import type { AttachmentRow, MessageRow, ConversationRow } from './schema.js';
import type { Tx } from './types.js';
import type { PreludeCall } from './write-queue.js';

export type UserMessageOutcome =
  | { kind: 'stored'; row: MessageRow; conversation: Pick<ConversationRow, 'status' | 'provider_id' | 'last_seq'> }
  | { kind: 'duplicate'; existing: MessageRow }
  /** closed, or no such conversation */
  | { kind: 'closed' };

export interface UserMessageItem {
  input: NewMessageInput;
  now: number;
  /**
   * providers whose conversations need the job's transaction for a user message (an outbox delivery
   * joins it): a batch made outside a transaction leaves their messages to the job
   */
  held?: readonly string[];
}

/**
 * A bot turn whose only writes are its own: the conversation is with the bot, the turn neither
 * offloads nor cancels an offload nor changes the language. Its row is updated only if the bot's state
 * is still the one the turn started from and the bot still has the conversation; its messages follow
 * with the next seqs.
 */
export interface BotTurnItem {
  id: string;
  expectVersion: number;
  botSeq: number;
  botState: string;
  variables: string | null;
  tags: string | null;
  now: number;
  messages: NewMessageInput[];
}

/** A simple bot turn stored (its messages as stored), or not (the job then takes the full path). */
export type BotTurnOutcome = { kind: 'bot'; rows: MessageRow[]; lastSeq: number } | { kind: 'missed' };

/** A write the store makes for a job ahead of it, batched with other jobs' (commit's `batched`). */
export interface Batched<O> {
  readonly call: PreludeCall<unknown, unknown>;
  /** the job's outcome from what the batch answered for it (undefined: the job stores it itself) */
  pick(answer: unknown): O | undefined;
}

export interface MessageWrites {
  /** A user's message in the caller's transaction: stored with the next seq, a duplicate of its idempotency key, or 'closed' (the caller reopens). */
  storeUser(tx: Tx, input: NewMessageInput, now: number): Promise<UserMessageOutcome>;
  /** The same for a job, batched with other jobs' user messages. */
  batchUser(item: UserMessageItem): Batched<UserMessageOutcome>;
  /**
   * A simple bot turn for a job, batched the same way; undefined where the store has no such path (the
   * job stores the turn). `make` answers undefined for a turn that is not simple; it is not called
   * where there is no such path.
   */
  batchBotTurn(make: () => BotTurnItem | undefined): Batched<BotTurnOutcome> | undefined;
  /**
   * An attachment's row (bytes included) for a job, batched the same way where the store has a thread
   * to copy the bytes in (SQLite's writer), so a large file does not hold the event loop; undefined
   * where the job inserts it itself (PostgreSQL sends the bytes over its socket without blocking).
   */
  batchAttachment?(row: AttachmentRow): Batched<true> | undefined;
}

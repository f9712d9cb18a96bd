// Messages between the main thread (writer.ts) and SQLite's writer thread (writer-worker.ts).
import type { AttachmentRow, MessageRow } from '../schema.js';

/** A user's message, its row built by the caller (seq 0: the thread takes the next one). */
export interface WriterMessage {
  row: MessageRow;
  /** providers whose conversations need the caller's own transaction: such messages are left out */
  held: readonly string[];
}

/** A simple bot turn: SIMPLE_BOT_TURN's parameters and its message rows (seq 0: they get the seqs it took, in order). */
export interface WriterBotTurn {
  bot: { id: string; params: unknown[]; rows: MessageRow[] };
}

/** An attachment's row, bytes included: its insert (and the copy of its bytes into the WAL) runs on the thread. */
export interface WriterAttachment {
  attachment: AttachmentRow;
}

export type WriterWrite = WriterMessage | WriterBotTurn | WriterAttachment;

/**
 * Per write: a message stored under `seq`; a duplicate of a stored one (by idempotency key); a bot turn
 * stored, its conversation's `last_seq` after it; an attachment stored; or left out (null).
 */
export type WriterOutcome =
  | { kind: 'stored'; seq: number; status: string; provider_id: string | null }
  | { kind: 'duplicate'; existing: MessageRow }
  | { kind: 'bot'; lastSeq: number }
  | { kind: 'attachment' }
  | null;

export interface WriterData {
  file: string;
  /** fdatasync the WAL after commits and report it (FULL durability) */
  durable: boolean;
}

export type ToWriter =
  | { type: 'store'; id: number; writes: WriterWrite[] }
  /** one step of the search index's merging (search-merge.ts): at most `pages` pages written */
  | { type: 'merge'; id: number; pages: number }
  | { type: 'stop' };

export type FromWriter =
  | { type: 'ready' | 'stopped' }
  | { type: 'done'; id: number; outcomes: WriterOutcome[] }
  | { type: 'failed'; id: number; message: string }
  /** a merge step done: whether it found anything to merge, or why it failed */
  | { type: 'merged'; id: number; worked: boolean; error?: string }
  | { type: 'synced'; upTo: number }
  | { type: 'syncFailed'; upTo: number; message: string };

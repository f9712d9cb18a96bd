// SQL text of the message writes that run in more than one place: on the main connection in a
// transaction, and in SQLite's writer thread (sqlite/writer-worker.ts). One text, so they cannot drift.
import type { AttachmentRow, MessageRow } from './schema.js';

export const INSERT_MESSAGE =
  'insert into messages (id, conversation_id, seq, author_type, author_id, author_name, text, body, event, internal, idempotency_key, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

export const MESSAGE_BY_KEY = 'select * from messages where conversation_id = ? and idempotency_key = ?';

/**
 * Takes the next seq of an open conversation for a user's message. Parameters: now, conversation id,
 * then with `held` a JSON array of provider ids whose conversations are left out (SQLite), then with
 * `key` the conversation id and the idempotency key (a stored duplicate leaves the row untouched).
 * Returns status, provider_id and the new last_seq, or no row.
 */
export function takeSeqSql(opts: { key: boolean; held: boolean }): string {
  return TAKE_SEQ[(opts.key ? 2 : 0) + (opts.held ? 1 : 0)]!;
}

const TAKE_SEQ = [0, 1, 2, 3].map(
  (k) =>
    "update conversations set last_seq = last_seq + 1, updated_at = ? where id = ? and status <> 'closed'" +
    (k & 1 ? ' and (provider_id is null or provider_id not in (select value from json_each(?)))' : '') +
    (k & 2 ? ' and not exists (select 1 from messages where conversation_id = ? and idempotency_key = ?)' : '') +
    ' returning status, provider_id, last_seq',
);

/**
 * A simple bot turn's update of its conversation: seqs for its messages, the bot's progress and state,
 * variables and tags (null: unchanged), only if the bot's state is the one the turn started from and
 * the bot still has the conversation. Parameters: message count, bot_seq, bot_state, variables, tags,
 * now, id, expected bot_version.
 */
export const SIMPLE_BOT_TURN =
  'update conversations set last_seq = last_seq + ?, bot_seq = ?, bot_version = bot_version + 1, bot_state = ?, ' +
  "variables = coalesce(?, variables), tags = coalesce(?, tags), updated_at = ? where id = ? and bot_version = ? and status = 'bot' returning last_seq";

/** A message row's values in INSERT_MESSAGE's order. */
export function messageValues(row: MessageRow, seq: number): unknown[] {
  return [row.id, row.conversation_id, seq, row.author_type, row.author_id, row.author_name, row.text, row.body, row.event, row.internal, row.idempotency_key, row.created_at];
}

export const INSERT_ATTACHMENT =
  'insert into attachments (id, conversation_id, message_id, name, content_type, size, sha256, bytes, uploaded_by, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** An attachment row's values in INSERT_ATTACHMENT's order. */
export function attachmentValues(row: AttachmentRow): unknown[] {
  return [row.id, row.conversation_id, row.message_id, row.name, row.content_type, row.size, row.sha256, row.bytes, row.uploaded_by, row.created_at];
}

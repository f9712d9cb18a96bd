// Conversation and message rows: reads, the row lock, seq allocation and appends.
import type { Button, Card } from '@baton/proto';
import { newSortableId } from '../tokens.js';
import type { ConversationRow, ConversationUpdate, MessageRow } from './schema.js';
import type { Tx } from './types.js';
import { toJson } from './json.js';
import { hot, rowLock } from './hot.js';
import { INSERT_MESSAGE, MESSAGE_BY_KEY, messageValues, takeSeqSql } from './statements.js';

export async function findConversation(tx: Tx, id: string): Promise<ConversationRow | undefined> {
  return (await hot<ConversationRow>(tx, 'select * from conversations where id = ?', [id])).rows[0];
}

/** The conversation a user token's hash belongs to: only what every user request needs (a whole row costs more to build). */
export async function findByToken(tx: Tx, tokenHash: string): Promise<Pick<ConversationRow, 'id' | 'status' | 'last_seq'> | undefined> {
  return (await hot<Pick<ConversationRow, 'id' | 'status' | 'last_seq'>>(tx, 'select id, status, last_seq from conversations where token_hash = ?', [tokenHash])).rows[0];
}

/** Reads the row for update: locked to the end of the transaction where writers run concurrently. */
export async function lockConversation(tx: Tx, id: string): Promise<ConversationRow | undefined> {
  return (await hot<ConversationRow>(tx, `select * from conversations where id = ?${rowLock(tx)}`, [id])).rows[0];
}

/** The first user message the bot has not answered yet (after `afterSeq`). */
export async function nextUserMessage(tx: Tx, conversationId: string, afterSeq: number): Promise<Pick<MessageRow, 'seq' | 'text' | 'body'> | undefined> {
  const sql = "select seq, text, body from messages where conversation_id = ? and seq > ? and author_type = 'user' order by seq limit 1";
  return (await hot<Pick<MessageRow, 'seq' | 'text' | 'body'>>(tx, sql, [conversationId, afterSeq])).rows[0];
}

/** UPDATE statements by the columns they set and their WHERE clause (a handful of shapes: the callers' patches) */
const updates = new Map<string, string>();
const COLUMN = /^[a-z_]+$/;

/**
 * `update conversations set <the patch's columns>, updated_at = ? <where>` with the patch's values
 * (undefined columns are left as they are): a hot statement per shape of patch, written as the query
 * builder would write it, without building it on every call.
 */
export function patchStatement(patch: ConversationUpdate, where: string): { text: string; values: unknown[] } {
  const columns = (Object.keys(patch) as Array<keyof ConversationUpdate>).filter((c) => patch[c] !== undefined && c !== 'updated_at');
  const shape = `${columns.join(',')}|${where}`;
  let text = updates.get(shape);
  if (text === undefined) {
    // column names are interpolated (quoted): only the schema's plain names pass
    const odd = columns.find((c) => !COLUMN.test(c));
    if (odd !== undefined) throw new Error(`patchStatement: not a column name: ${odd}`);
    text = `update conversations set ${columns.map((c) => `"${c}" = ?, `).join('')}updated_at = ? ${where}`;
    updates.set(shape, text);
  }
  return { text, values: columns.map((c) => patch[c]) };
}

/** Sets the patch's columns (undefined ones are left as they are) and updated_at. */
export async function updateConversation(tx: Tx, id: string, patch: ConversationUpdate, now: number): Promise<void> {
  const { text, values } = patchStatement(patch, 'where id = ?');
  await hot(tx, text, [...values, now, id]);
}

export interface NewMessageInput {
  conversationId: string;
  authorType: 'user' | 'bot' | 'agent' | 'system';
  authorId?: string | null;
  authorName?: string | null;
  text?: string | null;
  buttons?: Button[];
  cards?: Card[];
  postback?: string;
  event?: string | null;
  internal?: boolean;
  idempotencyKey?: string | null;
  data?: Record<string, unknown>;
  /** the message's id when the caller needs it before the insert (files claimed for it); a new one otherwise */
  id?: string;
  /** files the message carries, as its body keeps them (commands/attachments.ts carryAttachments) */
  attachments?: Array<{ id: string; name: string; contentType: string; size: number }>;
}

/** Appends a message with the next seq of its conversation (the UPDATE also locks the row). */
export async function appendMessage(tx: Tx, input: NewMessageInput, now: number): Promise<MessageRow> {
  const bumped = await hot<{ last_seq: number }>(tx, 'update conversations set last_seq = last_seq + 1, updated_at = ? where id = ? returning last_seq', [now, input.conversationId]);
  const seq = bumped.rows[0]?.last_seq;
  if (seq === undefined) throw new Error(`appendMessage: no conversation ${input.conversationId}`);
  return insertMessage(tx, input, seq, now);
}

/**
 * A user's message to an open conversation, in one statement: the seq is taken and the row locked
 * (PostgreSQL) by the UPDATE that also answers with what the caller checks. Undefined when the
 * conversation is closed or unknown: the caller takes the slow path (reopen, or not found).
 */
export async function takeSeqIfOpen(
  tx: Tx,
  conversationId: string,
  now: number,
  /** also undefined when a message with this idempotency key is already stored */
  newKey?: string,
): Promise<Pick<ConversationRow, 'status' | 'provider_id' | 'last_seq'> | undefined> {
  type Open = Pick<ConversationRow, 'status' | 'provider_id' | 'last_seq'>;
  const sql = takeSeqSql({ key: newKey !== undefined, held: false });
  return (await hot<Open>(tx, sql, newKey === undefined ? [now, conversationId] : [now, conversationId, conversationId, newKey])).rows[0];
}

/**
 * A bot turn's changes to its conversation in one statement: seqs for its `messages`, the bot's
 * progress and state, variables, tags and language (null: unchanged), only if the bot's state is
 * still the one the turn started from (`expectVersion`) and the bot may speak (bot or offloaded).
 * Returns the updated row, or undefined (the caller reads the row to find out why).
 */
export async function storeBotTurn(
  tx: Tx,
  t: { id: string; expectVersion: number; messages: number; botSeq: number; botState: string; variables: string | null; tags: string | null; language: string | null },
  now: number,
): Promise<ConversationRow | undefined> {
  const sql =
    'update conversations set last_seq = last_seq + ?, bot_seq = ?, bot_version = bot_version + 1, bot_state = ?, ' +
    'variables = coalesce(?, variables), tags = coalesce(?, tags), language = coalesce(?, language), updated_at = ? ' +
    "where id = ? and bot_version = ? and status in ('bot', 'offloaded') returning *";
  const params = [t.messages, t.botSeq, t.botState, t.variables, t.tags, t.language, now, t.id, t.expectVersion];
  return (await hot<ConversationRow>(tx, sql, params)).rows[0];
}

/** Stores a message under a seq taken from its conversation (appendMessage, takeSeqIfOpen). */
export async function insertMessage(tx: Tx, input: NewMessageInput, seq: number, now: number): Promise<MessageRow> {
  const row = messageRow(input, seq, now);
  await hot(tx, INSERT_MESSAGE, messageValues(row, seq));
  return row;
}

/** A message as its row (seq as given: 0 where a batch numbers it). */
export function messageRow(input: NewMessageInput, seq: number, now: number): MessageRow {
  const body: Record<string, unknown> = {};
  if (input.buttons?.length) body.buttons = input.buttons;
  if (input.cards?.length) body.cards = input.cards;
  if (input.postback) body.postback = input.postback;
  if (input.data) body.data = input.data;
  if (input.attachments?.length) body.attachments = input.attachments;
  const row: MessageRow = {
    // time-ordered: the primary-key index grows at its end instead of touching a random page per
    // message (fewer pages written per commit)
    id: input.id ?? newSortableId(),
    conversation_id: input.conversationId,
    seq,
    author_type: input.authorType,
    author_id: input.authorId ?? null,
    author_name: input.authorName ?? null,
    text: input.text ?? null,
    body: Object.keys(body).length ? toJson(body) : null,
    event: input.event ?? null,
    internal: input.internal ? 1 : 0,
    idempotency_key: input.idempotencyKey ?? null,
    created_at: now,
  };
  return row;
}

export async function findByIdempotencyKey(tx: Tx, conversationId: string, key: string): Promise<MessageRow | undefined> {
  return (await hot<MessageRow>(tx, MESSAGE_BY_KEY, [conversationId, key])).rows[0];
}

export async function listMessages(
  tx: Tx,
  conversationId: string,
  opts: { after?: number; limit: number; includeInternal: boolean },
): Promise<MessageRow[]> {
  let q = tx
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('seq', '>', opts.after ?? 0);
  if (!opts.includeInternal) q = q.where('internal', '=', 0);
  return q.orderBy('seq', 'asc').limit(opts.limit).execute();
}

export async function recordEvent(
  tx: Tx,
  e: { conversationId: string; type: string; agentId?: string | null; data?: unknown },
  now: number,
): Promise<void> {
  await hot(tx, 'insert into conversation_events (id, conversation_id, type, agent_id, data, created_at) values (?, ?, ?, ?, ?, ?)', [
    newSortableId(),
    e.conversationId,
    e.type,
    e.agentId ?? null,
    e.data === undefined ? null : toJson(e.data),
    now,
  ]);
}

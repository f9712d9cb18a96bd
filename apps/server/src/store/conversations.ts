// Conversation and message rows: reads, the row lock, seq allocation and appends.
import type { Button, Card } from '@baton/proto';
import { newId } from '../tokens.js';
import type { Dialect } from './database.js';
import type { ConversationRow, ConversationUpdate, MessageRow } from './schema.js';
import type { Tx } from './write-queue.js';
import { toJson } from './json.js';

export async function findConversation(tx: Tx, id: string): Promise<ConversationRow | undefined> {
  return tx.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Reads the row for update: on PostgreSQL a row lock held to the end of the transaction. */
export async function lockConversation(tx: Tx, dialect: Dialect, id: string): Promise<ConversationRow | undefined> {
  let q = tx.selectFrom('conversations').selectAll().where('id', '=', id);
  if (dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function updateConversation(tx: Tx, id: string, patch: ConversationUpdate, now: number): Promise<void> {
  await tx
    .updateTable('conversations')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .execute();
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
}

/** Appends a message with the next seq of its conversation (the UPDATE also locks the row). */
export async function appendMessage(tx: Tx, input: NewMessageInput, now: number): Promise<MessageRow> {
  const { last_seq: seq } = await tx
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: now }))
    .where('id', '=', input.conversationId)
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  const body: Record<string, unknown> = {};
  if (input.buttons?.length) body.buttons = input.buttons;
  if (input.cards?.length) body.cards = input.cards;
  if (input.postback) body.postback = input.postback;
  if (input.data) body.data = input.data;
  const row: MessageRow = {
    id: newId(),
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
  await tx.insertInto('messages').values(row).execute();
  return row;
}

export async function findByIdempotencyKey(tx: Tx, conversationId: string, key: string): Promise<MessageRow | undefined> {
  return tx
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
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
  await tx
    .insertInto('conversation_events')
    .values({
      id: newId(),
      conversation_id: e.conversationId,
      type: e.type,
      agent_id: e.agentId ?? null,
      data: e.data === undefined ? null : toJson(e.data),
      created_at: now,
    })
    .execute();
}

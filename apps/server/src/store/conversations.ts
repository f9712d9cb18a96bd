// Conversation and message rows: reads, the row lock, seq allocation and appends.
import type { Button, Card } from '@baton/proto';
import { newSortableId } from '../tokens.js';
import type { Dialect } from './database.js';
import type { ConversationRow, ConversationUpdate, MessageRow } from './schema.js';
import type { Prelude, Tx } from './write-queue.js';
import { toJson } from './json.js';
import { hot } from './hot.js';
import { SIMPLE_BOT_TURN, sqliteWriterOf, type WriterWrite } from './sqlite-writer.js';

export async function findConversation(tx: Tx, id: string): Promise<ConversationRow | undefined> {
  return (await hot<ConversationRow>(tx, 'select * from conversations where id = ?', [id])).rows[0];
}

/** Reads the row for update: on PostgreSQL a row lock held to the end of the transaction. */
export async function lockConversation(tx: Tx, dialect: Dialect, id: string): Promise<ConversationRow | undefined> {
  const text = dialect === 'postgres' ? 'select * from conversations where id = ? for update' : 'select * from conversations where id = ?';
  return (await hot<ConversationRow>(tx, text, [id])).rows[0];
}

/** The first user message the bot has not answered yet (after `afterSeq`). */
export async function nextUserMessage(tx: Tx, conversationId: string, afterSeq: number): Promise<Pick<MessageRow, 'seq' | 'text' | 'body'> | undefined> {
  const sql = "select seq, text, body from messages where conversation_id = ? and seq > ? and author_type = 'user' order by seq limit 1";
  return (await hot<Pick<MessageRow, 'seq' | 'text' | 'body'>>(tx, sql, [conversationId, afterSeq])).rows[0];
}

/** UPDATE statements by the columns they set (a handful of shapes: the callers' patches) */
const updates = new Map<string, string>();
const COLUMN = /^[a-z_]+$/;

/**
 * Sets the patch's columns (undefined ones are left as they are) and updated_at. A hot statement, as
 * the query builder would write it: building and compiling it on each handover was ~60 % of the call.
 */
export async function updateConversation(tx: Tx, id: string, patch: ConversationUpdate, now: number): Promise<void> {
  const columns = (Object.keys(patch) as Array<keyof ConversationUpdate>).filter((c) => patch[c] !== undefined && c !== 'updated_at');
  const shape = columns.join(',');
  let text = updates.get(shape);
  if (text === undefined) {
    // column names are interpolated (quoted): only the schema's plain names pass
    const odd = columns.find((c) => !COLUMN.test(c));
    if (odd !== undefined) throw new Error(`updateConversation: not a column name: ${odd}`);
    text = `update conversations set ${columns.map((c) => `"${c}" = ?, `).join('')}updated_at = ? where id = ?`;
    updates.set(shape, text);
  }
  await hot(tx, text, [...columns.map((c) => patch[c]), now, id]);
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
  if (newKey === undefined) {
    const sql = "update conversations set last_seq = last_seq + 1, updated_at = ? where id = ? and status <> 'closed' returning status, provider_id, last_seq";
    return (await hot<Open>(tx, sql, [now, conversationId])).rows[0];
  }
  const sql =
    "update conversations set last_seq = last_seq + 1, updated_at = ? where id = ? and status <> 'closed' " +
    'and not exists (select 1 from messages where conversation_id = ? and idempotency_key = ?) returning status, provider_id, last_seq';
  return (await hot<Open>(tx, sql, [now, conversationId, conversationId, newKey])).rows[0];
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
  await hot(
    tx,
    'insert into messages (id, conversation_id, seq, author_type, author_id, author_name, text, body, event, internal, idempotency_key, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [row.id, row.conversation_id, row.seq, row.author_type, row.author_id, row.author_name, row.text, row.body, row.event, row.internal, row.idempotency_key, row.created_at],
  );
  return row;
}

export type UserMessageOutcome =
  | { kind: 'stored'; row: MessageRow; conversation: Pick<ConversationRow, 'status' | 'provider_id' | 'last_seq'> }
  | { kind: 'duplicate'; existing: MessageRow }
  /** closed, or no such conversation */
  | { kind: 'closed' };

/** A user's message: refused as a duplicate of its idempotency key, stored with the next seq, or 'closed' (the caller reopens). */
export async function storeUserMessage(tx: Tx, dialect: Dialect, input: NewMessageInput, now: number): Promise<UserMessageOutcome> {
  // PostgreSQL: the batched statement (userMessagesPg below), for this one message
  if (dialect === 'postgres') return (await userMessagesPg.run(tx, [{ input, now }]))[0]!;
  const key = input.idempotencyKey ?? null;
  // the duplicate check rides in the UPDATE; only a refused one asks which it was
  const open = await takeSeqIfOpen(tx, input.conversationId, now, key ?? undefined);
  if (!open) {
    const existing = key ? await findByIdempotencyKey(tx, input.conversationId, key) : undefined;
    return existing ? { kind: 'duplicate', existing } : { kind: 'closed' };
  }
  return { kind: 'stored', row: await insertMessage(tx, input, open.last_seq, now), conversation: open };
}

// PostgreSQL: the user messages of consecutive jobs in a batch in ONE statement (a write-queue prelude).
// One round trip for a batch instead of one per message, in one of two forms:
// - in a transaction (USER_MESSAGES_PG): duplicates by idempotency key, seqs in queue order per
//   conversation (row_number after the bump of last_seq by the conversation's count), inserts;
// - alone, outside one (USER_MESSAGES_PG_ALONE, the usual case under load): the caller numbers the
//   messages within each conversation and counts them, so the statement only bumps last_seq and
//   inserts. It does not look for duplicates: the unique index on (conversation_id, idempotency_key)
//   refuses one (a retried send, or a key repeated within the batch), the statement writes nothing and
//   the batch runs again in a transaction through the first form. 30 % less of PostgreSQL's CPU per
//   batch than the first form, and a shorter round trip (bench/NOTES.md, eighth round).
// Prepared like every statement; plans follow the tables' growth because connections rebuild them as
// they go (pg-prepared.ts: a generic plan made on empty tables kept sequential scans). The duplicate
// check is a lateral probe per message, never a join: a join's plan made while `messages` was small
// hashes the whole table on every execution until the next rebuild (in the relay bench, 3–15 ms per
// batch for its first 5 seconds, half of PostgreSQL's CPU); one index probe per message is the cheaper
// plan at any size, so it is the plan chosen from the first execution on.
const INPUT_COLUMNS = 'id, conversation_id, author_type, author_id, author_name, text, body, event, idempotency_key, internal, created_at';
const USER_MESSAGES_PG = `with input as (
  select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[])
    with ordinality as t(${INPUT_COLUMNS}, ord)
),
dup as (
  select i.ord, d.id as dup_id from input i
  cross join lateral (select m.id from messages m where m.conversation_id = i.conversation_id and m.idempotency_key = i.idempotency_key limit 1) d
),
fresh as (select i.* from input i where not exists (select 1 from dup d where d.ord = i.ord)),
counts as (select conversation_id, count(*)::int as n from fresh group by conversation_id),
conv as (
  update conversations c set last_seq = c.last_seq + counts.n, updated_at = ?
  from counts where c.id = counts.conversation_id and c.status <> 'closed'
  returning c.id, c.status, c.provider_id, c.last_seq, counts.n
),
numbered as (
  select f.*, conv.status, conv.provider_id, (conv.last_seq - conv.n + row_number() over (partition by f.conversation_id order by f.ord))::int as seq
  from fresh f join conv on conv.id = f.conversation_id
),
ins as (
  insert into messages (id, conversation_id, seq, author_type, author_id, author_name, text, body, event, internal, idempotency_key, created_at)
  select id, conversation_id, seq, author_type, author_id, author_name, text, body, event, internal, idempotency_key, created_at from numbered
)
select i.ord, d.dup_id, n.seq, n.status, n.provider_id from input i left join dup d on d.ord = i.ord left join numbered n on n.ord = i.ord order by i.ord`;
// `k`: the message's place among the batch's messages to its conversation (1, 2, …); the second
// unnest: each conversation with its count. Conversations closed or of a held provider are left out
// (their jobs take the transaction), and with them their messages.
const USER_MESSAGES_PG_ALONE = `with input as (
  select * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::int[], ?::bigint[], ?::int[])
    as t(${INPUT_COLUMNS}, k)
),
conv as (
  update conversations c set last_seq = c.last_seq + x.n, updated_at = ?
  from unnest(?::text[], ?::int[]) as x(id, n)
  where c.id = x.id and c.status <> 'closed' and (c.provider_id is null or c.provider_id <> all(?::text[]))
  returning c.id, c.status, c.provider_id, c.last_seq - x.n as base
),
ins as (
  insert into messages (id, conversation_id, seq, author_type, author_id, author_name, text, body, event, internal, idempotency_key, created_at)
  select i.id, i.conversation_id, conv.base + i.k, i.author_type, i.author_id, i.author_name, i.text, i.body, i.event, i.internal, i.idempotency_key, i.created_at
  from input i join conv on conv.id = i.conversation_id
)
select id, status, provider_id, base from conv`;

export interface UserMessageItem {
  input: NewMessageInput;
  now: number;
  /**
   * providers whose conversations need the job's transaction for a user message (an outbox delivery
   * joins it): their messages are left to it when the statement runs alone
   */
  held?: readonly string[];
}

/**
 * User messages (PostgreSQL), several in one statement: each one's outcome as storeUserMessage gives it.
 * Alone (outside a transaction), it leaves out the conversations whose jobs write more than the message
 * (closed ones, which reopen, and those of a `held` provider): undefined for those; and it fails,
 * having written nothing, on a duplicate idempotency key (the batch then runs in a transaction, where
 * a duplicate is an outcome).
 */
export const userMessagesPg: Prelude<UserMessageItem, UserMessageOutcome> = {
  run: userMessages,
  alone: async (db, items) => ({ results: await userMessagesAlone(db, items, [...new Set(items.flatMap((i) => i.held ?? []))]) }),
};

/**
 * A bot turn whose only writes are its own (SQLite's writer thread can store it): the conversation is
 * with the bot, the turn neither offloads nor cancels an offload nor changes the language. Its row is
 * updated only if the bot's state is still the one the turn started from and the bot still has the
 * conversation; its messages follow with the next seqs.
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

/** A simple bot turn stored: its messages as stored; or not stored (the job then takes the full path). */
export type BotTurnOutcome = { kind: 'bot'; rows: MessageRow[]; lastSeq: number } | { kind: 'missed' };

/** What SQLite's batches store before their jobs run: a user's message, or a simple bot turn. */
export type SqliteWrite = UserMessageItem | { bot: BotTurnItem };
export type SqliteWriteOutcome = UserMessageOutcome | BotTurnOutcome;

/** a prelude's outcome for a user's message (undefined: there is none) */
export function userOutcome(o: SqliteWriteOutcome | undefined): UserMessageOutcome | undefined {
  return o && o.kind !== 'bot' && o.kind !== 'missed' ? o : undefined;
}

/** SIMPLE_BOT_TURN's parameters, in order (the writer thread runs the same statement) */
function botTurnParams(t: BotTurnItem): unknown[] {
  return [t.messages.length, t.botSeq, t.botState, t.variables, t.tags, t.now, t.id, t.expectVersion];
}

/**
 * SQLite: the writes consecutive jobs' prelude makes, in queue order — user messages (as
 * storeUserMessage stores them) and simple bot turns. In a transaction, on the main connection; alone,
 * the store's writer thread stores them all in a transaction of its own (sqlite-writer.ts), leaving out
 * what needs the job's own transaction: user messages to closed conversations or to a held provider's,
 * bot turns whose conversation changed meanwhile, and every later write of such a conversation.
 */
export const sqliteWrites: Prelude<SqliteWrite, SqliteWriteOutcome> = {
  run: async (tx, items) => {
    const out: SqliteWriteOutcome[] = [];
    for (const item of items) {
      if (!('bot' in item)) {
        out.push(await storeUserMessage(tx, 'sqlite', item.input, item.now));
        continue;
      }
      const t = item.bot;
      const bumped = (await hot<{ last_seq: number }>(tx, SIMPLE_BOT_TURN, botTurnParams(t))).rows[0];
      if (!bumped) {
        out.push({ kind: 'missed' });
        continue;
      }
      const first = bumped.last_seq - t.messages.length + 1;
      const rows: MessageRow[] = [];
      for (const [i, m] of t.messages.entries()) rows.push(await insertMessage(tx, m, first + i, t.now));
      out.push({ kind: 'bot', rows, lastSeq: bumped.last_seq });
    }
    return out;
  },
  alone: async (db, items) => {
    const writer = sqliteWriterOf(db.getExecutor().adapter);
    if (!writer) throw new Error('no SQLite writer thread for this store');
    const rows = items.map((item) => ('bot' in item ? item.bot.messages.map((m) => messageRow(m, 0, item.bot.now)) : [messageRow(item.input, 0, item.now)]));
    const writes: WriterWrite[] = items.map((item, k) =>
      'bot' in item ? { bot: { id: item.bot.id, params: botTurnParams(item.bot), rows: rows[k]! } } : { row: rows[k]![0]!, held: item.held ?? [] },
    );
    const { outcomes, durable } = await writer.write(writes);
    const results = outcomes.map((o, k): SqliteWriteOutcome | undefined => {
      if (o === null) return undefined;
      if (o.kind === 'duplicate') return o;
      if (o.kind === 'bot') {
        const first = o.lastSeq - rows[k]!.length + 1;
        return { kind: 'bot', rows: rows[k]!.map((r, i) => ({ ...r, seq: first + i })), lastSeq: o.lastSeq };
      }
      return { kind: 'stored', row: { ...rows[k]![0]!, seq: o.seq }, conversation: { status: o.status, provider_id: o.provider_id, last_seq: o.seq } };
    });
    return { results, durable };
  },
  // the writer thread stores the next batch while this one's jobs run on the event loop
  overlaps: true,
};

/** a batch's messages as rows (seq 0: the statement numbers them), and the time its update stamps */
function batchRows(items: UserMessageItem[]): { rows: MessageRow[]; now: number } {
  return { rows: items.map(({ input, now }) => messageRow(input, 0, now)), now: Math.max(...items.map((i) => i.now)) };
}

/** the columns of USER_MESSAGES_PG's input, from the messages' rows */
function inputColumns(rows: MessageRow[]): unknown[][] {
  const column = <K extends keyof MessageRow>(k: K) => rows.map((r) => r[k]);
  return [
    column('id'),
    column('conversation_id'),
    column('author_type'),
    column('author_id'),
    column('author_name'),
    column('text'),
    column('body'),
    column('event'),
    column('idempotency_key'),
    column('internal'),
    column('created_at'),
  ];
}

async function userMessages(tx: Tx, items: UserMessageItem[]): Promise<UserMessageOutcome[]> {
  const { rows, now } = batchRows(items);
  type Out = { ord: number; dup_id: string | null; seq: number | null; status: string | null; provider_id: string | null };
  const out = await hot<Out>(tx, USER_MESSAGES_PG, [...inputColumns(rows), now]);
  const outcomes: UserMessageOutcome[] = [];
  for (const [k, r] of out.rows.entries()) {
    const row = rows[k]!;
    if (r.dup_id !== null) outcomes.push({ kind: 'duplicate', existing: (await findByIdempotencyKey(tx, row.conversation_id, row.idempotency_key!))! });
    else if (r.seq === null || r.status === null) outcomes.push({ kind: 'closed' });
    else outcomes.push({ kind: 'stored', row: { ...row, seq: r.seq }, conversation: { status: r.status, provider_id: r.provider_id, last_seq: r.seq } });
  }
  return outcomes;
}

/**
 * USER_MESSAGES_PG_ALONE: each message stored, or undefined where its conversation was left out (closed,
 * unknown, or a `held` provider's). Throws, having written nothing, on a duplicate idempotency key.
 */
async function userMessagesAlone(db: Tx, items: UserMessageItem[], held: string[]): Promise<Array<UserMessageOutcome | undefined>> {
  const { rows, now } = batchRows(items);
  const counts = new Map<string, number>();
  const places = rows.map((r) => {
    const k = (counts.get(r.conversation_id) ?? 0) + 1;
    counts.set(r.conversation_id, k);
    return k;
  });
  type Out = { id: string; status: string; provider_id: string | null; base: number };
  const out = await hot<Out>(db, USER_MESSAGES_PG_ALONE, [...inputColumns(rows), places, now, [...counts.keys()], [...counts.values()], held]);
  const stored = new Map(out.rows.map((r) => [r.id, r]));
  return rows.map((row, i) => {
    const conv = stored.get(row.conversation_id);
    if (!conv) return undefined;
    const seq = conv.base + places[i]!;
    return { kind: 'stored', row: { ...row, seq }, conversation: { status: conv.status, provider_id: conv.provider_id, last_seq: seq } };
  });
}

function messageRow(input: NewMessageInput, seq: number, now: number): MessageRow {
  const body: Record<string, unknown> = {};
  if (input.buttons?.length) body.buttons = input.buttons;
  if (input.cards?.length) body.cards = input.cards;
  if (input.postback) body.postback = input.postback;
  if (input.data) body.data = input.data;
  const row: MessageRow = {
    // time-ordered: the primary-key index grows at its end instead of touching a random page per
    // message (fewer pages written per commit)
    id: newSortableId(),
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
  return (await hot<MessageRow>(tx, 'select * from messages where conversation_id = ? and idempotency_key = ?', [conversationId, key])).rows[0];
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

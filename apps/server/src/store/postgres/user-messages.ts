// PostgreSQL's user messages: the messages of consecutive jobs in a batch in ONE statement (a
// write-queue prelude), one round trip for a batch instead of one per message, in one of two forms:
// - in a transaction (USER_MESSAGES): duplicates by idempotency key, seqs in queue order per
//   conversation (row_number after the bump of last_seq by the conversation's count), inserts;
// - alone, outside one (USER_MESSAGES_ALONE, the usual case under load): the caller numbers the
//   messages within each conversation and counts them, so the statement only bumps last_seq and
//   inserts. It does not look for duplicates: the unique index on (conversation_id, idempotency_key)
//   refuses one (a retried send, or a key repeated within the batch), the statement writes nothing and
//   the batch runs again in a transaction through the first form. It is the cheaper of the two
//   (bench/NOTES.md).
// The duplicate check is a lateral probe per message, never a join: a join's plan made while `messages`
// was small hashes the whole table on every execution until the plan is rebuilt; one index probe per
// message is the cheaper plan at any size, so it is the plan chosen from the first execution on.
import type { MessageWrites, UserMessageItem, UserMessageOutcome } from '../message-writes.js';
import { findByIdempotencyKey, messageRow } from '../conversations.js';
import { hot } from '../hot.js';
import type { MessageRow } from '../schema.js';
import type { Tx } from '../types.js';
import type { Prelude } from '../write-queue.js';

const INPUT_COLUMNS = 'id, conversation_id, author_type, author_id, author_name, text, body, event, idempotency_key, internal, created_at';
const USER_MESSAGES = `with input as (
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
const USER_MESSAGES_ALONE = `with input as (
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

/**
 * User messages (PostgreSQL), several in one statement: each one's outcome as storeUserMessage gives it.
 * Alone (outside a transaction), it leaves out the conversations whose jobs write more than the message
 * (closed ones, which reopen, and those of a `held` provider): undefined for those; and it fails,
 * having written nothing, on a duplicate idempotency key (the batch then runs in a transaction, where
 * a duplicate is an outcome).
 */
/**
 * User messages, several in one statement: each one's outcome as storeUser gives it. Alone (outside a
 * transaction), it leaves out the conversations whose jobs write more than the message (closed ones,
 * which reopen, and those of a `held` provider): undefined for those; and it fails, having written
 * nothing, on a duplicate idempotency key (the batch then runs in a transaction, where a duplicate is
 * an outcome).
 */
const userMessagesPrelude: Prelude<UserMessageItem, UserMessageOutcome> = {
  run: userMessages,
  alone: async (db, items) => ({ results: await userMessagesAlone(db, items, [...new Set(items.flatMap((i) => i.held ?? []))]) }),
};

/** PostgreSQL's message writes: user messages batched in one statement; bot turns have no batched path. */
export const postgresMessageWrites: MessageWrites = {
  storeUser: async (tx, input, now) => (await userMessages(tx, [{ input, now }]))[0]!,
  batchUser: (item) => ({ call: { of: userMessagesPrelude as Prelude<unknown, unknown>, input: item }, pick: (answer) => answer as UserMessageOutcome | undefined }),
  batchBotTurn: () => undefined,
};

/** a batch's messages as rows (seq 0: the statement numbers them), and the time its update stamps */
function batchRows(items: UserMessageItem[]): { rows: MessageRow[]; now: number } {
  return { rows: items.map(({ input, now }) => messageRow(input, 0, now)), now: Math.max(...items.map((i) => i.now)) };
}

/** the columns of USER_MESSAGES's input, from the messages' rows */
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
  const out = await hot<Out>(tx, USER_MESSAGES, [...inputColumns(rows), now]);
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
 * USER_MESSAGES_ALONE: each message stored, or undefined where its conversation was left out (closed,
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
  const out = await hot<Out>(db, USER_MESSAGES_ALONE, [...inputColumns(rows), places, now, [...counts.keys()], [...counts.values()], held]);
  const stored = new Map(out.rows.map((r) => [r.id, r]));
  return rows.map((row, i) => {
    const conv = stored.get(row.conversation_id);
    if (!conv) return undefined;
    const seq = conv.base + places[i]!;
    return { kind: 'stored', row: { ...row, seq }, conversation: { status: conv.status, provider_id: conv.provider_id, last_seq: seq } };
  });
}

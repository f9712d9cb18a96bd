// SQLite's message writes. In a transaction on the main connection, a user's message takes the next seq
// (refusing a duplicate idempotency key in the same UPDATE) and is inserted. Batched, consecutive jobs'
// user messages and simple bot turns are stored, in queue order, by the writer thread in a transaction
// of its own (writer.ts), leaving out what needs the job's own transaction: user messages to closed
// conversations or to a held provider's, bot turns whose conversation changed meanwhile, and every
// later write of such a conversation. Attachments' rows go the same way, so their bytes are copied into
// the database off the event loop. Until the thread is ready (or after it failed) a batch runs on
// the main connection instead, through `run`.
import { findByIdempotencyKey, insertMessage, messageRow, takeSeqIfOpen } from '../conversations.js';
import { hot } from '../hot.js';
import type { BotTurnItem, BotTurnOutcome, MessageWrites, UserMessageItem, UserMessageOutcome } from '../message-writes.js';
import type { AttachmentRow, MessageRow } from '../schema.js';
import { INSERT_ATTACHMENT, SIMPLE_BOT_TURN, attachmentValues } from '../statements.js';
import type { Tx } from '../types.js';
import type { Prelude } from '../write-queue.js';
import type { SqliteWriter } from './writer.js';
import type { WriterWrite } from './writer-protocol.js';

/** What a batch stores before its jobs run: a user's message, a simple bot turn, or an attachment. */
type Write = UserMessageItem | { bot: BotTurnItem } | { attachment: AttachmentRow };
type AttachmentOutcome = { kind: 'attachment' };
type WriteOutcome = UserMessageOutcome | BotTurnOutcome | AttachmentOutcome;

async function storeAttachment(tx: Tx, row: AttachmentRow): Promise<AttachmentOutcome> {
  await hot(tx, INSERT_ATTACHMENT, attachmentValues(row));
  return { kind: 'attachment' };
}

async function storeUser(tx: Tx, input: UserMessageItem['input'], now: number): Promise<UserMessageOutcome> {
  const key = input.idempotencyKey ?? null;
  // the duplicate check rides in the UPDATE; only a refused one asks which it was
  const open = await takeSeqIfOpen(tx, input.conversationId, now, key ?? undefined);
  if (!open) {
    const existing = key ? await findByIdempotencyKey(tx, input.conversationId, key) : undefined;
    return existing ? { kind: 'duplicate', existing } : { kind: 'closed' };
  }
  return { kind: 'stored', row: await insertMessage(tx, input, open.last_seq, now), conversation: open };
}

/** SIMPLE_BOT_TURN's parameters, in order */
function botTurnParams(t: BotTurnItem): unknown[] {
  return [t.messages.length, t.botSeq, t.botState, t.variables, t.tags, t.now, t.id, t.expectVersion];
}

async function storeBotTurn(tx: Tx, t: BotTurnItem): Promise<BotTurnOutcome> {
  const bumped = (await hot<{ last_seq: number }>(tx, SIMPLE_BOT_TURN, botTurnParams(t))).rows[0];
  if (!bumped) return { kind: 'missed' };
  const first = bumped.last_seq - t.messages.length + 1;
  const rows: MessageRow[] = [];
  for (const [i, m] of t.messages.entries()) rows.push(await insertMessage(tx, m, first + i, t.now));
  return { kind: 'bot', rows, lastSeq: bumped.last_seq };
}

function batchedWrites(writer: SqliteWriter): Prelude<Write, WriteOutcome> {
  return {
    run: async (tx, items) => {
      const out: WriteOutcome[] = [];
      for (const item of items) {
        if ('attachment' in item) out.push(await storeAttachment(tx, item.attachment));
        else out.push('bot' in item ? await storeBotTurn(tx, item.bot) : await storeUser(tx, item.input, item.now));
      }
      return out;
    },
    alone: async (_db, items) => {
      const rows = items.map((item) => ('attachment' in item ? [] : 'bot' in item ? item.bot.messages.map((m) => messageRow(m, 0, item.bot.now)) : [messageRow(item.input, 0, item.now)]));
      const writes: WriterWrite[] = items.map((item, k) =>
        'attachment' in item
          ? { attachment: item.attachment }
          : 'bot' in item
            ? { bot: { id: item.bot.id, params: botTurnParams(item.bot), rows: rows[k]! } }
            : { row: rows[k]![0]!, held: item.held ?? [] },
      );
      const { outcomes, durable } = await writer.write(writes);
      const results = outcomes.map((o, k): WriteOutcome | undefined => {
        if (o === null) return undefined;
        if (o.kind === 'duplicate' || o.kind === 'attachment') return o;
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
}

const isBotOutcome = (o: WriteOutcome): o is BotTurnOutcome => o.kind === 'bot' || o.kind === 'missed';
const isAttachmentOutcome = (o: WriteOutcome): o is AttachmentOutcome => o.kind === 'attachment';

/** The message writes of a SQLite store whose batches go to `writer`. */
export function sqliteMessageWrites(writer: SqliteWriter): MessageWrites {
  // user messages and bot turns share one prelude, so a batch holding both still goes to the thread
  const of = batchedWrites(writer) as Prelude<unknown, unknown>;
  return {
    storeUser,
    batchUser: (item) => ({
      call: { of, input: item },
      pick: (answer) => (answer === undefined || isBotOutcome(answer as WriteOutcome) || isAttachmentOutcome(answer as WriteOutcome) ? undefined : (answer as UserMessageOutcome)),
    }),
    batchBotTurn: (make) => {
      const bot = make();
      return bot && { call: { of, input: { bot } }, pick: (answer) => (answer !== undefined && isBotOutcome(answer as WriteOutcome) ? (answer as BotTurnOutcome) : undefined) };
    },
    // the bytes are copied into the database by the writer thread, batched with the messages around them
    batchAttachment: (row) => ({ call: { of, input: { attachment: row } }, pick: (answer) => (answer !== undefined && isAttachmentOutcome(answer as WriteOutcome) ? true : undefined) }),
  };
}

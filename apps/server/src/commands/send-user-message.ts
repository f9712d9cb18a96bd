// POST /conversations/{id}/messages: stores the user's message (acknowledged once durable), then the
// bot answers unless an agent owns the conversation. Idempotency-Key makes a retried send one message.
import type { SendMessageBody } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentMessage } from '../presenters/conversation.js';
import { findConversation, insertMessage, storeUserMessage, takeSeqIfOpen, updateConversation, userMessagesPg, sqliteWrites, userOutcome, type SqliteWriteOutcome } from '../store/conversations.js';
import type { Tx } from '../store/write-queue.js';
import { isUniqueViolation } from '../store/errors.js';
import { fromJson } from '../store/json.js';
import { commit, type AfterCommit } from './after-commit.js';
import { announceConversation, lockOrThrow, mustTransition, systemLine } from './conversation-events.js';
import { providerEvent } from './provider-events.js';

function sameMessage(a: { text: string | null; body: string | null }, b: SendMessageBody): boolean {
  const postback = fromJson<{ postback?: string }>(a.body, {}).postback;
  return (a.text ?? undefined) === (b.text ?? undefined) && postback === ('postback' in b ? b.postback : undefined);
}

export async function sendUserMessage(deps: Deps, conversationId: string, body: SendMessageBody, idempotencyKey?: string) {
  const input = {
    conversationId,
    authorType: 'user' as const,
    text: body.text ?? null,
    postback: 'postback' in body ? body.postback : undefined,
    idempotencyKey: idempotencyKey ?? null,
  };
  // The user messages of a batch are stored before their jobs run: on PostgreSQL by one statement (one
  // round trip for all of them), on SQLite by the writer thread (off the event loop). A batch of user
  // messages only does it without a transaction of its jobs, leaving to one the conversations whose
  // job writes more: closed ones and those of a provider that takes the message as an outbox delivery.
  const prelude = {
    of: deps.store.dialect === 'postgres' ? userMessagesPg : sqliteWrites,
    input: { input, now: deps.clock.now(), held: await deps.providers.takers('message.created') },
  };
  const job = async (tx: Tx, out: AfterCommit, pre: SqliteWriteOutcome | undefined) => {
    const now = deps.clock.now();
    // the common case in one go (duplicate check, seq taken with the row locked, insert); a closed
    // conversation reopens on the slow path
    const stored = userOutcome(pre) ?? (await storeUserMessage(tx, deps.store.dialect, input, now));
    if (stored.kind === 'duplicate') {
      if (!sameMessage(stored.existing, body)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { message: presentMessage(stored.existing), duplicate: true };
    }
    const open = stored.kind === 'stored' ? stored.conversation : await reopenOrThrow(deps, tx, out, conversationId, now);
    const row = stored.kind === 'stored' ? stored.row : await insertMessage(tx, input, open.last_seq, now);
    const t = mustTransition(open, 'user.message');
    out.count(() => deps.metrics.messages.inc({ author: 'user' }));
    const message = presentMessage(row);
    out.publish({ type: 'message.created', conversationId, message, ...(idempotencyKey ? { clientMessageId: idempotencyKey } : {}) });
    if (t.effects.includes('deliver_to_agent') && (await deps.providers.wants(tx, open.provider_id, 'message.created'))) {
      // an external provider gets the event built from the whole row
      const conv = (await findConversation(tx, conversationId))!;
      await providerEvent(deps, tx, out, conv, 'message.created', { message });
    }
    if (t.effects.includes('bot_answers')) out.botTurns.add(conversationId);
    return { message, duplicate: false };
  };
  const attempt = () => commit(deps, job, conversationId, prelude);
  try {
    return await attempt();
  } catch (err) {
    // two requests racing on one Idempotency-Key: the unique index lets one insert win; answer with it
    if (idempotencyKey && isUniqueViolation(err)) return attempt();
    throw err;
  }
}

/**
 * A message to a closed (or unknown) conversation: it reopens with the bot, then the message follows.
 * Returns the message's seq with the conversation as it now is (another instance may have reopened it
 * between our statements: then the message just follows).
 */
async function reopenOrThrow(deps: Deps, tx: Tx, out: AfterCommit, conversationId: string, now: number) {
  const conv = await lockOrThrow(deps, tx, conversationId);
  const t = mustTransition(conv, 'user.message');
  if (!t.effects.includes('reopen')) return (await takeSeqIfOpen(tx, conversationId, now))!;
  await updateConversation(
    tx,
    conversationId,
    { status: 'bot', closed_at: null, assignee_id: null, assigned_at: null, queued_at: null, skill: null, bot_seq: conv.last_seq },
    now,
  );
  await systemLine(deps, tx, out, conversationId, { event: 'conversation.reopened', text: 'Conversation reopened', visibleToUser: false });
  await announceConversation(tx, out, conversationId);
  return (await takeSeqIfOpen(tx, conversationId, now))!;
}

// POST /conversations/{id}/messages: stores the user's message (acknowledged once durable), then the
// bot answers unless an agent owns the conversation. Idempotency-Key makes a retried send one message.
import type { Message, SendMessageBody } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentMessage } from '../presenters/conversation.js';
import { findByIdempotencyKey, findConversation, insertMessage, takeSeqIfOpen, type NewMessageInput } from '../store/conversations.js';
import type { UserMessageOutcome } from '../store/message-writes.js';
import type { Tx } from '../store/types.js';
import { isUniqueViolation } from '../store/errors.js';
import { fromJson } from '../store/json.js';
import { commit, type AfterCommit } from './after-commit.js';
import { announceConversation, lockOrThrow } from './conversation-events.js';
import { providerEvent } from './provider-events.js';
import { newSortableId } from '../tokens.js';
import { carryAttachments } from './attachments.js';
import { applyTransition, mustTransition } from './transition.js';

function sameMessage(a: { text: string | null; body: string | null }, b: SendMessageBody): boolean {
  const stored = fromJson<{ postback?: string; attachments?: Array<{ id: string }> }>(a.body, {});
  const files = (stored.attachments ?? []).map((f) => f.id).join(',');
  return (
    (a.text ?? undefined) === (b.text || undefined) &&
    stored.postback === ('postback' in b ? b.postback : undefined) &&
    files === ('attachments' in b ? b.attachments.join(',') : '')
  );
}

/**
 * `holdBot`: the bot does not answer yet (a channel message whose files are still downloading: the job
 * schedules the bot when they are attached). `onStored`: more writes in the message's transaction, only
 * for a message stored now (not a duplicate): the download job of its files.
 */
export interface SendUserMessageOptions {
  holdBot?: boolean;
  onStored?: (tx: Tx, message: Message) => Promise<void>;
}

export async function sendUserMessage(deps: Deps, conversationId: string, body: SendMessageBody, idempotencyKey?: string, opts: SendUserMessageOptions = {}) {
  const files = 'attachments' in body ? body.attachments : undefined;
  const base: NewMessageInput = {
    conversationId,
    authorType: 'user' as const,
    // an attachment-only message may come with empty text
    text: body.text || null,
    postback: 'postback' in body ? body.postback : undefined,
    idempotencyKey: idempotencyKey ?? null,
  };
  // The store may store the message ahead of the job, batched with others (store/message-writes.ts),
  // leaving to the job the conversations whose job writes more: closed ones and those of a provider
  // that takes the message as an outbox delivery (`held`). A message with files is the job's: it claims
  // them in its transaction.
  const batched = files || opts.onStored ? undefined : deps.store.messages.batchUser({ input: base, now: deps.clock.now(), held: await deps.providers.takers('message.created') });
  const job = async (tx: Tx, out: AfterCommit, pre: UserMessageOutcome | undefined) => {
    const now = deps.clock.now();
    let input = base;
    if (files) {
      // a retried send is answered with the message its first try stored (which claimed the files)
      const existing = idempotencyKey ? await findByIdempotencyKey(tx, conversationId, idempotencyKey) : undefined;
      if (existing) {
        if (!sameMessage(existing, body)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
        return { message: presentMessage(existing), duplicate: true };
      }
      const id = newSortableId();
      input = { ...base, id, attachments: await carryAttachments(tx, conversationId, files, id) };
    }
    // the common case in one go (duplicate check, seq taken with the row locked, insert); a closed
    // conversation reopens on the slow path
    const stored = pre ?? (await deps.store.messages.storeUser(tx, input, now));
    if (stored.kind === 'duplicate') {
      if (!sameMessage(stored.existing, body)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
      return { message: presentMessage(stored.existing), duplicate: true };
    }
    const open = stored.kind === 'stored' ? stored.conversation : await reopenOrThrow(deps, tx, out, conversationId, now);
    const row = stored.kind === 'stored' ? stored.row : await insertMessage(tx, input, open.last_seq, now);
    const t = mustTransition(open, 'user.message');
    out.count(() => deps.metrics.messages.inc({ author: 'user' }));
    const message = presentMessage(row);
    await opts.onStored?.(tx, message);
    out.publish({ type: 'message.created', conversationId, message, ...(idempotencyKey ? { clientMessageId: idempotencyKey } : {}) });
    if (t.effects.includes('deliver_to_agent') && (await deps.providers.wants(tx, open.provider_id, 'message.created'))) {
      // an external provider gets the event built from the whole row
      const conv = (await findConversation(tx, conversationId))!;
      await providerEvent(deps, tx, out, conv, 'message.created', { message });
    }
    if (t.effects.includes('bot_answers') && !opts.holdBot) out.botTurns.add(conversationId);
    return { message, duplicate: false };
  };
  const attempt = () => commit(deps, job, conversationId, batched);
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
  await applyTransition(deps, tx, out, conv, 'user.message', {
    patch: { closed_at: null, assignee_id: null, assigned_at: null, queued_at: null, skill: null, bot_seq: conv.last_seq },
    line: { text: 'Conversation reopened', visibleToUser: false },
    now,
  });
  await announceConversation(tx, out, conversationId);
  return (await takeSeqIfOpen(tx, conversationId, now))!;
}

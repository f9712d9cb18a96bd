// POST /conversations/{id}/messages: stores the user's message (acknowledged once durable), then the
// bot answers unless an agent owns the conversation. Idempotency-Key makes a retried send one message.
import type { SendMessageBody } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentMessage } from '../presenters/conversation.js';
import { appendMessage, findByIdempotencyKey, updateConversation } from '../store/conversations.js';
import { fromJson } from '../store/json.js';
import { commit } from './after-commit.js';
import { announceConversation, lockOrThrow, mustTransition, systemLine } from './conversation-events.js';
import { providerEvent } from './provider-events.js';

function sameMessage(a: { text: string | null; body: string | null }, b: SendMessageBody): boolean {
  const postback = fromJson<{ postback?: string }>(a.body, {}).postback;
  return (a.text ?? undefined) === (b.text ?? undefined) && postback === ('postback' in b ? b.postback : undefined);
}

export async function sendUserMessage(deps: Deps, conversationId: string, body: SendMessageBody, idempotencyKey?: string) {
  const attempt = () =>
    commit(deps, async (tx, out) => {
      const conv = await lockOrThrow(deps, tx, conversationId);
      if (idempotencyKey) {
        const existing = await findByIdempotencyKey(tx, conversationId, idempotencyKey);
        if (existing) {
          if (!sameMessage(existing, body)) throw new AppError('IDEMPOTENCY_KEY_REUSED');
          return { message: presentMessage(existing), duplicate: true };
        }
      }
      const t = mustTransition(conv, 'user.message');
      const now = deps.clock.now();
      if (t.effects.includes('reopen')) {
        await updateConversation(
          tx,
          conversationId,
          { status: 'bot', closed_at: null, assignee_id: null, assigned_at: null, queued_at: null, skill: null, bot_seq: conv.last_seq },
          now,
        );
        await systemLine(deps, tx, out, conversationId, { event: 'conversation.reopened', text: 'Conversation reopened', visibleToUser: false });
        await announceConversation(tx, out, conversationId);
      }
      const row = await appendMessage(
        tx,
        {
          conversationId,
          authorType: 'user',
          text: body.text ?? null,
          postback: 'postback' in body ? body.postback : undefined,
          idempotencyKey: idempotencyKey ?? null,
        },
        now,
      );
      deps.metrics.messages.inc({ author: 'user' });
      const message = presentMessage(row);
      out.publish({ type: 'message.created', conversationId, message, ...(idempotencyKey ? { clientMessageId: idempotencyKey } : {}) });
      if (t.effects.includes('deliver_to_agent')) await providerEvent(deps, tx, out, conv, 'message.created', { message });
      if (t.effects.includes('bot_answers')) out.botTurns.add(conversationId);
      return { message, duplicate: false };
    });
  try {
    return await attempt();
  } catch (err) {
    // two instances racing on one Idempotency-Key: the unique index lets one insert win; answer with it
    if (idempotencyKey && isUniqueViolation(err)) return attempt();
    throw err;
  }
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

// One message of a Genesys bot session, answered: the Baton conversation of the Genesys conversation
// (made on first contact), the user's message (stored once per Genesys message id), the bot's turn
// waited for up to answerWithinMs, and the answer built from what the bot has said by then. A bot
// slower than that is answered MoreData, and its replies follow as an outgoing message (outbox).
import { performance } from 'node:perf_hooks';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { InboundActions } from '../../commands/provider-inbound.js';
import { createProviderConversation } from '../../commands/create-conversation.js';
import { sendUserMessage } from '../../commands/send-user-message.js';
import { findConversation } from '../../store/conversations.js';
import { insertOutbox } from '../../store/outbox.js';
import { fromJson } from '../../store/json.js';
import type { Tx } from '../../store/write-queue.js';
import { newSortableId } from '../../tokens.js';
import type { ProviderEvent } from '../provider.js';
import type { GenesysBotConnectorConfig } from './config.js';
import type { IncomingMessagesRequest, IncomingMessagesResponse } from './contract.js';
import { answerOf, handoverWithSlots, recordHandedOver } from './outbound.js';
import { claimForAnswer, conversationOf, insertState, recordSession, type SessionFields } from './state.js';

/** Session variables kept as conversation variables: at most this many, names and values bounded. */
const MAX_SESSION_VARIABLES = 50;

/** The user's input: a typed text, or a pressed quick reply / card button (its payload is the postback). */
export function userInput(m: IncomingMessagesRequest['inputMessage']): { text: string } | { postback: string; text?: string } {
  const pressed = m.type === 'Structured' ? m.content?.find((c) => c.contentType === 'ButtonResponse' && c.buttonResponse)?.buttonResponse : undefined;
  if (pressed?.payload) return { postback: pressed.payload, ...(pressed.text ? { text: pressed.text } : {}) };
  const text = (pressed?.text ?? m.text ?? '').trim();
  if (!text) throw new AppError('VALIDATION_FAILED', 'inputMessage has neither text nor a button response', { problems: [{ path: 'inputMessage', message: 'Text needs text; Structured needs a ButtonResponse' }] });
  return { text };
}

function sessionOf(req: IncomingMessagesRequest, now: number): SessionFields {
  return {
    genesysConversationId: req.genesysConversationId,
    botId: req.botId,
    botVersion: req.botVersion,
    languageCode: req.languageCode,
    botSessionId: req.botSessionId,
    sessionExpiresAt: now + req.botSessionTimeout * 60_000,
  };
}

function sessionVariables(p: IncomingMessagesRequest['parameters']): Record<string, string> {
  const entries = Object.entries(p ?? {}).filter(([k]) => k.length >= 1 && k.length <= 100);
  return Object.fromEntries(entries.slice(0, MAX_SESSION_VARIABLES).map(([k, v]) => [k, v.slice(0, 4000)]));
}

/** The Baton conversation of this Genesys conversation: found by its id, or made now (with the session). */
async function conversationFor(deps: Deps, providerId: string, req: IncomingMessagesRequest): Promise<string> {
  const session = sessionOf(req, deps.clock.now());
  const known = await conversationOf(deps.store.db, providerId, req.genesysConversationId);
  if (known) {
    await recordSession(deps, providerId, known, session);
    return known;
  }
  if (!(await deps.bots.exists(req.botId))) throw new AppError('BOT_NOT_FOUND', `No Baton bot "${req.botId}"`);
  const { conversationId, created } = await createProviderConversation(deps, {
    providerId,
    // one lane per Genesys conversation: two first messages at once make one conversation
    laneKey: `genesys-bot:${providerId}:${req.genesysConversationId}`,
    botId: req.botId,
    locale: req.languageCode,
    variables: sessionVariables(req.parameters),
    async claim(tx, id) {
      const existing = await conversationOf(tx, providerId, req.genesysConversationId);
      if (existing) return existing;
      await insertState(tx, providerId, id, session, deps.clock.now());
      return undefined;
    },
  });
  if (!created) await recordSession(deps, providerId, conversationId, session);
  return conversationId;
}

/** The delivery that sends a slow bot's replies as an outgoing message once it has answered. */
async function queueLateReplies(deps: Deps, tx: Tx, providerId: string, conversationId: string): Promise<void> {
  const conv = (await findConversation(tx, conversationId))!;
  const now = deps.clock.now();
  const event: ProviderEvent = {
    id: newSortableId(),
    type: 'message.created',
    createdAt: new Date(now).toISOString(),
    conversation: { id: conv.id, status: conv.status, language: conv.language, skill: conv.skill, tags: fromJson(conv.tags, []), variables: fromJson(conv.variables, {}), user: { id: null, name: null, email: null, verified: false } },
    reason: 'replies after the answer',
  };
  await insertOutbox(tx, { id: event.id, target: providerId, event: 'message.created', conversationId, payload: JSON.stringify(event), now });
}

export async function answerMessage(deps: Deps, inbound: InboundActions, providerId: string, c: GenesysBotConnectorConfig, req: IncomingMessagesRequest): Promise<IncomingMessagesResponse> {
  const started = performance.now();
  const input = userInput(req.inputMessage);
  const conversationId = await conversationFor(deps, providerId, req);
  const { message, duplicate } = await sendUserMessage(deps, conversationId, input, `genesys:${req.messageId}`);
  // the bot's turn runs after the message is durable: wait for it, but answer within the budget
  let answered = false;
  const drained = deps.botTurns.schedule(conversationId).then(() => (answered = true));
  let timer: NodeJS.Timeout | undefined;
  const left = Math.max(0, c.answerWithinMs - (performance.now() - started));
  await Promise.race([drained, new Promise((r) => (timer = setTimeout(r, left)))]);
  clearTimeout(timer);
  const late = !answered && !duplicate;
  const claimed = await claimForAnswer(deps, providerId, conversationId, {
    sessionId: req.botSessionId,
    ...(duplicate ? { repeatOf: message.seq } : {}),
    // in the claim's transaction: the rest will not be lost if this instance stops before the bot answers
    onClaimed: late ? (tx, cl) => (cl.handover ? Promise.resolve() : queueLateReplies(deps, tx, providerId, conversationId)) : undefined,
  });
  if (late && !claimed.handover) deps.kick('outbox');
  if (claimed.handover && !duplicate) await recordHandedOver(deps, inbound, providerId, conversationId);
  return answerOf(claimed.messages, await handoverWithSlots(deps, claimed.handover, conversationId, req.botId), c.richMessages);
}

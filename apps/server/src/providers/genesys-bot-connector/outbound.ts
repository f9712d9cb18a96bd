// Baton → Genesys: the bot's messages as the Digital Bot Connector's reply messages (quick replies,
// cards and carousels as structured messages, or numbered text), the handover as the Handover intent
// with flat output parameters, and the outgoing message that carries replies later than the answer.
import type { Message } from '@baton/proto';
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import type { StoredHandover } from '../../domain/handover.js';
import { findConversation, nextUserMessage } from '../../store/conversations.js';
import type { DeliveryResult, ProviderEvent, ProviderRuntime } from '../provider.js';
import { sendOutgoing, type GenesysApi } from './client.js';
import type { BotEntityValue, GenesysCard, IncomingMessagesResponse, ReplyMessage } from './contract.js';
import { GenesysBotConnectorConfig, HANDOVER_INTENT, VARIABLE_PREFIX, variableNames } from './config.js';
import { claimForPush, releasePush } from './state.js';

/** Output parameters: at most this many variables, each value cut to this many characters. */
export const MAX_VARIABLE_PARAMETERS = 50;
export const MAX_PARAMETER_LENGTH = 2000;

type Button = NonNullable<Message['buttons']>[number];
type Card = NonNullable<Message['cards']>[number];

const cut = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

function numbered(text: string | undefined, buttons: readonly Button[]): string {
  // the typed answer "2" picks the second button (§10.2), as on any text-only channel
  return [text, ...buttons.map((b, i) => `${i + 1}. ${b.title}`)].filter(Boolean).join('\n');
}

function cardText(cards: readonly Card[]): string {
  return cards
    .map((c) => [c.title, c.subtitle, c.imageUrl, ...(c.buttons ?? []).map((b) => `- ${b.title}`)].filter(Boolean).join('\n'))
    .join('\n\n');
}

const genesysCard = (c: Card): GenesysCard => ({
  title: c.title,
  ...(c.subtitle ? { description: c.subtitle } : {}),
  ...(c.imageUrl ? { image: c.imageUrl } : {}),
  actions: (c.buttons ?? []).map((b) => ({ type: 'Postback' as const, text: b.title, payload: b.payload })),
});

/** The spec asks each button's text + payload to be unique within a card or carousel (it tells the clicks apart). */
function distinctButtons(cards: readonly Card[]): boolean {
  const seen = new Set(cards.flatMap((c) => (c.buttons ?? []).map((b) => JSON.stringify([b.title, b.payload]))));
  return seen.size === cards.reduce((n, c) => n + (c.buttons?.length ?? 0), 0);
}

/** One Baton message as Genesys reply messages; `rich: false` sends buttons and cards as numbered text. */
export function replyMessagesOf(m: Message, rich: boolean): ReplyMessage[] {
  const buttons = m.buttons ?? [];
  const cards = m.cards ?? [];
  const out: ReplyMessage[] = [];
  if (buttons.length) {
    out.push(
      rich
        ? { type: 'Structured', ...(m.text ? { text: m.text } : {}), content: buttons.map((b) => ({ contentType: 'QuickReply' as const, quickReply: { text: b.title, payload: b.payload } })) }
        : { type: 'Text', text: numbered(m.text, buttons) },
    );
  } else if (m.text) {
    out.push({ type: 'Text', text: m.text });
  }
  if (cards.length) {
    if (rich && distinctButtons(cards)) {
      const content = cards.length === 1 ? { contentType: 'Card' as const, card: genesysCard(cards[0]!) } : { contentType: 'Carousel' as const, carousel: { cards: cards.map(genesysCard) } };
      out.push({ type: 'Structured', content: [content] });
    } else {
      out.push({ type: 'Text', text: cardText(cards) });
    }
  }
  return out;
}

export function replyMessages(messages: readonly Message[], rich: boolean): ReplyMessage[] {
  return messages.flatMap((m) => replyMessagesOf(m, rich));
}

function variableValue(v: unknown): string {
  return cut(typeof v === 'string' ? v : JSON.stringify(v) ?? '', MAX_PARAMETER_LENGTH);
}

/**
 * A handover as the Complete answer's intent, entities (the Handover intent's slots in the bot list)
 * and flat string parameters the Architect flow reads: skill, language, trigger, reason, tags
 * (comma-separated), note, batonConversationId and one `var_<name>` per variable.
 */
export function handoverOutput(h: StoredHandover, conversationId: string, slots: readonly string[] = []): Pick<IncomingMessagesResponse, 'intent' | 'confidence' | 'entities' | 'parameters'> {
  const entities: BotEntityValue[] = [
    { name: 'Skill', type: 'String', value: h.skill },
    { name: 'Language', type: 'String', value: h.language },
    { name: 'Trigger', type: 'String', value: h.trigger },
    { name: 'Reason', type: 'String', value: cut(h.reason, MAX_PARAMETER_LENGTH) },
    { name: 'Tags', type: 'StringCollection', values: h.tags },
  ];
  const parameters: Record<string, string> = {
    skill: h.skill,
    language: h.language,
    trigger: h.trigger,
    reason: cut(h.reason, MAX_PARAMETER_LENGTH),
    tags: cut(h.tags.join(','), MAX_PARAMETER_LENGTH),
    batonConversationId: conversationId,
  };
  if (h.note) parameters.note = cut(h.note, MAX_PARAMETER_LENGTH);
  const names = Object.keys(h.variables ?? {})
    .sort()
    .slice(0, MAX_VARIABLE_PARAMETERS);
  for (const name of names) parameters[`${VARIABLE_PREFIX}${name}`] = variableValue(h.variables[name]);
  // a variable is also a slot where the bot list declares it (the answer's entities must match the list)
  for (const name of slots) if (h.variables?.[name] !== undefined && h.variables[name] !== null) entities.push({ name: `${VARIABLE_PREFIX}${name}`, type: 'String', value: variableValue(h.variables[name]) });
  return { intent: HANDOVER_INTENT, confidence: 1, entities, parameters };
}

/** What Baton says to Genesys for a set of replies: MoreData, or Complete with the handover. */
export function answerOf(messages: readonly Message[], handover: { h: StoredHandover; conversationId: string; slots: readonly string[] } | undefined, rich: boolean): IncomingMessagesResponse {
  const replies = replyMessages(messages, rich);
  if (!handover) return { botState: 'MoreData', replyMessages: replies };
  return { botState: 'Complete', replyMessages: replies, ...handoverOutput(handover.h, handover.conversationId, handover.slots) };
}

/** The handover of a claim with the variable slots its bot declares, for answerOf. */
export async function handoverWithSlots(deps: Deps, h: StoredHandover | undefined, conversationId: string, botId: string) {
  if (!h) return undefined;
  const slots = await deps.bots.get(botId).then((b) => variableNames(b.definition), () => []);
  return { h, conversationId, slots };
}

/** Who took the conversation in Baton's history once it went back to the Architect flow. */
export const GENESYS_FLOW = { id: 'architect-flow', name: 'Genesys Cloud' };

/**
 * The conversation went back to the Architect flow with its handover: in Baton's history the flow
 * takes it and the conversation closes (its agents' messages stay in Genesys). A later bot session of
 * the same Genesys conversation reopens it with the bot.
 */
export async function recordHandedOver(deps: Deps, inbound: InboundActions, providerId: string, conversationId: string): Promise<void> {
  try {
    const conv = await findConversation(deps.store.db, conversationId);
    if (conv?.status === 'offloaded') await inbound.accepted(providerId, conversationId, GENESYS_FLOW);
    await inbound.closed(providerId, conversationId, GENESYS_FLOW);
  } catch (err) {
    deps.log.warn({ err, conversationId }, 'Genesys bot connector: could not record the handover to the flow');
  }
}

/** The bot has a user message it has not answered yet (its turn is still running, or will run after a restart). */
async function botStillAnswering(deps: Deps, conversationId: string): Promise<boolean> {
  const conv = await findConversation(deps.store.db, conversationId);
  if (!conv || (conv.status !== 'bot' && conv.status !== 'offloaded')) return false;
  return Boolean(await nextUserMessage(deps.store.db, conversationId, conv.bot_seq));
}

/**
 * The outbox delivery of replies later than the answer: once the bot has answered, what no answer
 * carried goes to the session as an outgoing message (Complete with the handover if it happened).
 * Genesys's 409 (session closed, expired or unknown, integration inactive) will not change: not retried.
 */
export async function deliverLateReplies(event: ProviderEvent, rt: ProviderRuntime, api: GenesysApi, inbound: InboundActions): Promise<DeliveryResult> {
  const { deps, provider } = rt;
  const parsed = GenesysBotConnectorConfig.safeParse(provider.config ?? {});
  if (!parsed.success) return { ok: false, retry: false, error: 'the provider is not fully configured' };
  const c = parsed.data;
  const conversationId = event.conversation.id;
  if (await botStillAnswering(deps, conversationId)) return { ok: false, retry: true, error: 'the bot is still answering' };
  const claimed = await claimForPush(deps, provider.id, conversationId, event.id);
  if (!claimed) return { ok: true };
  const s = claimed.state;
  const sessionId = s.push?.sessionId ?? s.botSessionId;
  if (deps.clock.now() > s.sessionExpiresAt) {
    await releasePush(deps, provider.id, conversationId, event.id);
    return { ok: false, retry: false, error: `the bot session ${sessionId} has expired` };
  }
  const answer = answerOf(claimed.messages, await handoverWithSlots(deps, claimed.handover, conversationId, s.botId), c.richMessages);
  const res = await sendOutgoing(api, c, { botId: s.botId, botVersion: s.botVersion, botSessionId: sessionId, languageCode: s.languageCode, ...answer });
  if (res.ok || res.status === 409) await releasePush(deps, provider.id, conversationId, event.id);
  if (res.ok) {
    if (claimed.handover) await recordHandedOver(deps, inbound, provider.id, conversationId);
    return { ok: true };
  }
  return { ok: false, retry: res.status !== 409 && res.retryable, error: res.status === 409 ? `Genesys refused the outgoing message: ${res.error}` : res.error };
}

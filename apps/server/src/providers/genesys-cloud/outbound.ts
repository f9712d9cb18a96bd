// Baton → Genesys: the inbound Open Messaging messages Baton posts as the customer (pure mapping from
// the provider event), then the deliveries: the handover with its transcript, follow-ups, the goodbye.
import type { Message } from '@baton/proto';
import type { DeliveryResult, ProviderEvent, ProviderRuntime } from '../provider.js';
import { conversationPath, type GenesysApi } from './client.js';
import { GenesysConfig } from './config.js';
import type { GenesysState } from './state.js';

/** The Agent UI's limit for an Open Messaging text; longer text is sent in several messages. */
export const GENESYS_TEXT_LIMIT = 4000;
/** The handover transcript is sent in at most this many messages; older lines are left out. */
export const MAX_TRANSCRIPT_PARTS = 3;
const ATTRIBUTE_VALUE_LIMIT = 1000;
const MAX_VARIABLES = 50;

export interface InboundOpenMessage {
  channel: {
    platform: 'Open';
    type: 'Private';
    messageId: string;
    to: { id: string };
    from: { id: string; idType: 'Opaque'; nickname: string; firstName?: string; lastName?: string; email?: string };
    time: string;
    metadata?: { customAttributes: Record<string, string> };
  };
  type: 'Text';
  text: string;
}

/** How a Baton message reads for the agent: buttons and cards become text, they cannot be rendered. */
export function describeMessage(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'postback' | 'attachments'>): string {
  const lines: string[] = [];
  if (m.text) lines.push(m.text);
  else if (m.postback) lines.push(`(chose "${m.postback}")`);
  // files as their signed links (made at delivery: commands/attachments.ts withAttachmentLinks)
  for (const a of m.attachments ?? []) lines.push(`File: ${a.name} (${a.contentType}) ${a.url}`);
  if (m.buttons?.length) lines.push(`Buttons: ${m.buttons.map((b) => `[${b.title}]`).join(' ')}`);
  for (const c of m.cards ?? []) {
    const buttons = c.buttons?.length ? ` ${c.buttons.map((b) => `[${b.title}]`).join(' ')}` : '';
    lines.push(`Card: ${c.title}${c.subtitle ? ` — ${c.subtitle}` : ''}${buttons}`);
  }
  return lines.join('\n');
}

function speaker(m: Message, userName: string): string {
  if (m.author.type === 'user') return userName;
  if (m.author.type === 'bot') return 'Bot';
  return m.author.name ? `Agent ${m.author.name}` : 'Agent';
}

/** The bot part of the conversation as lines the agent can read, oldest first. */
export function transcriptLines(transcript: Message[], userName: string): string[] {
  return transcript
    .filter((m) => !m.internal && !m.event)
    .map((m) => {
      const body = describeMessage(m);
      return body ? `[${m.createdAt.slice(11, 16)}] ${speaker(m, userName)}: ${body}` : '';
    })
    .filter(Boolean);
}

/** Cuts text at line ends into pieces of at most `limit` characters (a longer line is cut hard). */
export function chunkText(text: string, limit = GENESYS_TEXT_LIMIT): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    let line = raw;
    while (line.length > limit) {
      if (current) chunks.push(current);
      current = '';
      chunks.push(line.slice(0, limit));
      line = line.slice(limit);
    }
    const next = current ? `${current}\n${line}` : line;
    if (next.length > limit) {
      chunks.push(current);
      current = line;
    } else current = next;
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The handover text: why, who, then the transcript; the newest lines win when it is too long. */
export function handoverTexts(event: ProviderEvent, maxParts = MAX_TRANSCRIPT_PARTS, limit = GENESYS_TEXT_LIMIT): string[] {
  const h = event.handover;
  const userName = event.conversation.user.name || 'User';
  const header = [
    `Handover from the Baton bot — reason: ${h?.reason ?? 'unknown'}${h?.trigger ? ` (${h.trigger})` : ''}`,
    `Skill: ${h?.skill ?? event.conversation.skill ?? '-'} · Language: ${h?.language ?? event.conversation.language}${h?.tags.length ? ` · Tags: ${h.tags.join(', ')}` : ''}`,
    ...(h?.note ? [`Note: ${h.note}`] : []),
    '',
    'Conversation with the bot (times in UTC):',
  ].join('\n');
  let lines = transcriptLines(event.transcript ?? [], userName);
  if (!lines.length) return chunkText(`${header}\n(no messages)`, limit).slice(0, maxParts);
  let dropped = 0;
  for (;;) {
    const omitted = dropped ? [`… ${dropped} earlier line${dropped === 1 ? '' : 's'} left out`] : [];
    const parts = chunkText([header, ...omitted, ...lines].join('\n'), limit);
    if (parts.length <= maxParts || lines.length === 1) return parts.slice(0, maxParts);
    lines = lines.slice(1);
    dropped++;
  }
}

function attributeValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > ATTRIBUTE_VALUE_LIMIT ? s.slice(0, ATTRIBUTE_VALUE_LIMIT) : s;
}

/**
 * Participant data for Architect ("Get Participant Data") and the agent's script: a flat string map.
 * Variables become var_<name>; null values are left out (participant data has no null).
 */
export function customAttributes(event: ProviderEvent): Record<string, string> {
  const h = event.handover;
  const attrs: Record<string, string> = {
    batonConversationId: event.conversation.id,
    skill: h?.skill ?? event.conversation.skill ?? '',
    language: h?.language ?? event.conversation.language,
    reason: attributeValue(h?.reason ?? ''),
    trigger: h?.trigger ?? '',
    tags: (h?.tags ?? event.conversation.tags).join(','),
  };
  if (h?.dialog) attrs.dialog = h.dialog;
  const vars = Object.entries(h?.variables ?? event.conversation.variables).filter(([, v]) => v !== null && v !== undefined);
  for (const [name, value] of vars.slice(0, MAX_VARIABLES)) attrs[`var_${name.replace(/[^A-Za-z0-9_]/g, '_')}`] = attributeValue(value);
  return attrs;
}

function nameParts(name: string | null): { firstName?: string; lastName?: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return {};
  return parts.length === 1 ? { firstName: parts[0] } : { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1) };
}

/**
 * One customer message. The customer id is Baton's conversation id: Genesys echoes it as channel.to.id
 * on agent messages, which is how the webhook finds the conversation. messageId and time come from the
 * delivery, not the clock, so a retried delivery is the same message and Genesys ignores the repeat.
 */
export function inboundMessage(
  event: ProviderEvent,
  opts: { integrationId: string; messageId: string; text: string; part?: number; attributes?: Record<string, string> },
): InboundOpenMessage {
  const user = event.conversation.user;
  return {
    channel: {
      platform: 'Open',
      type: 'Private',
      messageId: opts.messageId,
      to: { id: opts.integrationId },
      from: {
        id: event.conversation.id,
        idType: 'Opaque',
        nickname: user.name || 'Website visitor',
        ...nameParts(user.name),
        // never the e-mail: Genesys may match external contacts by it, and it is always the user's
        // claim (userHash proves user.id only); the id sent is the conversation's, opaque
      },
      // parts of one delivery are a millisecond apart so Genesys keeps their order
      time: new Date(Date.parse(event.createdAt) + (opts.part ?? 0)).toISOString(),
      ...(opts.attributes ? { metadata: { customAttributes: opts.attributes } } : {}),
    },
    type: 'Text',
    text: opts.text,
  };
}

/** What a mirrored message says; null when the agent need not see it (the agent's own, system lines). */
export function mirroredText(m: Message, mirrorBot: boolean): string | null {
  if (m.internal || m.event) return null;
  const body = describeMessage(m);
  if (!body) return null;
  if (m.author.type === 'user') return body;
  // the customer side is the only voice Baton has in Genesys, so the bot's answers are labelled
  if (m.author.type === 'bot' && mirrorBot) return `[Bot to the user] ${body}`;
  return null;
}

/** The last message when Baton's side ends first (reasons as set by cancelHandover). */
export function goodbyeText(event: ProviderEvent): string {
  const after = 'Messages sent now will not reach them; you can end this conversation.';
  if (event.type === 'conversation.closed') return `[Baton] The conversation was closed in Baton. ${after}`;
  switch (event.reason) {
    case 'cancelled':
      return `[Baton] The user stopped waiting and is back with the bot. ${after}`;
    case 'timeout':
      return `[Baton] Nobody answered in time; the user is back with the bot. ${after}`;
    case 'user ended the conversation':
      return `[Baton] The user ended the conversation. ${after}`;
    default:
      return `[Baton] The user has left${event.reason ? ` (${event.reason})` : ''}. ${after}`;
  }
}

// ---- deliveries ----------------------------------------------------------------------------------

// prefetchConversationId=true makes Genesys return the conversation id with the message, so the end
// poller can watch a handover from the start (also one an agent ends without writing)
const inboundPath = (c: GenesysConfig, prefetch: boolean) =>
  `/api/v2/conversations/messages/${encodeURIComponent(c.integrationId)}/inbound/open/message${prefetch ? '?prefetchConversationId=true' : ''}`;
/** Posts the texts in order, each its own message; a retry re-sends the same ids, which Genesys dedupes. */
async function postTexts(
  api: GenesysApi,
  c: GenesysConfig,
  event: ProviderEvent,
  texts: string[],
  attributes?: Record<string, string>,
  prefetch = false,
): Promise<{ ok: true; conversationId?: string } | { ok: false; result: DeliveryResult }> {
  let conversationId: string | undefined;
  for (const [i, text] of texts.entries()) {
    const messageId = texts.length === 1 ? event.id : `${event.id}-${i + 1}`;
    const res = await api.call(c, 'POST', inboundPath(c, prefetch), inboundMessage(event, { integrationId: c.integrationId, messageId, text, part: i, attributes }));
    if (!res.ok) {
      // a 4xx other than auth is Genesys saying no to this message (bad integration, no rights,
      // invalid body): retrying will not change it, and for a handover it is a refusal
      const refusal = res.status >= 400 && res.status < 500 && res.status !== 401 && !res.retryable;
      return { ok: false, result: { ok: false, retry: res.retryable, error: res.error, ...(refusal && event.type === 'handover.requested' ? { refused: true } : {}) } };
    }
    const id = (res.json as { conversationId?: unknown } | undefined)?.conversationId;
    if (typeof id === 'string' && id) conversationId = id;
  }
  return { ok: true, conversationId };
}

export async function deliver(event: ProviderEvent, rt: ProviderRuntime, api: GenesysApi): Promise<DeliveryResult> {
  const parsed = GenesysConfig.safeParse(rt.provider.config ?? {});
  if (!parsed.success) return { ok: false, retry: false, error: `Genesys settings are invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  const c = parsed.data;
  const convId = event.conversation.id;
  const state = (await rt.state.get(convId)) as GenesysState;

  if (event.type === 'handover.requested') {
    const handoverAt = Date.parse(event.handover?.requestedAt ?? event.createdAt);
    // a retry of the same handover keeps what the webhook may have learned meanwhile
    if (state.handoverAt !== handoverAt) await rt.state.set(convId, { handoverAt, delivered: false, genesysConversationId: null, agent: null, ended: false });
    const sent = await postTexts(api, c, event, handoverTexts(event), customAttributes(event), true);
    if (!sent.ok) return sent.result;
    await rt.state.set(convId, { delivered: true, ...(sent.conversationId ? { genesysConversationId: sent.conversationId } : {}) });
    return { ok: true, ...(sent.conversationId ? { externalId: sent.conversationId } : {}) };
  }

  // the handover never reached Genesys (refused, dead) or the agent has ended: posting now would
  // open a new Genesys conversation nobody asked for
  if (!state.delivered || state.ended) return { ok: true };

  if (event.type === 'message.created') {
    const text = event.message ? mirroredText(event.message, c.mirrorBotMessages) : null;
    if (!text) return { ok: true };
    // later messages carry only the Baton id: re-sending the handover attributes could undo changes a flow made
    const sent = await postTexts(api, c, event, chunkText(text), { batonConversationId: convId });
    return sent.ok ? { ok: true } : sent.result;
  }

  // handover.cancelled / conversation.closed: Open Messaging has no customer-side "end" message, so
  // the agent is told why in a last message, then the conversation is disconnected (which also takes
  // it out of the queue if nobody answered yet). A retry re-posts the same message, which Genesys dedupes.
  const sent = await postTexts(api, c, event, [goodbyeText(event)]);
  if (!sent.ok) return sent.result;
  if (!state.genesysConversationId) return { ok: true };
  const res = await api.call(c, 'PATCH', conversationPath(state.genesysConversationId), { state: 'disconnected' });
  if (res.ok) {
    await rt.state.set(convId, { ended: true });
    return { ok: true };
  }
  if (res.retryable) return { ok: false, retry: true, error: `disconnect: ${res.error}` };
  // e.g. 403 without the permission: the agent read the last message and ends the conversation
  rt.deps.log.warn({ provider: rt.provider.id, conversation: convId, error: res.error }, 'Genesys: could not disconnect the conversation');
  return { ok: true };
}


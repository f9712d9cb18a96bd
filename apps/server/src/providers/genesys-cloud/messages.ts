// Pure translation between Baton and the Open Messaging formats: the inbound messages Baton posts as
// the customer, the Outbound NormalizedMessage Genesys posts to the webhook, and the reading of a
// conversation's participants that tells whether the agent's session has ended.
import { z } from 'zod';
import type { Message } from '@baton/proto';
import type { ProviderEvent } from '../provider.js';

/** The Agent UI's limit for an Open Messaging text; longer text is sent in several messages. */
export const GENESYS_TEXT_LIMIT = 4000;
/** The handover transcript is sent in at most this many messages; older lines are left out. */
export const MAX_TRANSCRIPT_PARTS = 3;
const ATTRIBUTE_VALUE_LIMIT = 1000;
const MAX_VARIABLES = 50;

// ---- Baton → Genesys ----------------------------------------------------------------------------

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
export function describeMessage(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'postback'>): string {
  const lines: string[] = [];
  if (m.text) lines.push(m.text);
  else if (m.postback) lines.push(`(chose "${m.postback}")`);
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

// ---- Genesys → Baton ----------------------------------------------------------------------------

const Party = z.object({ id: z.string().min(1), idType: z.string().optional(), nickname: z.string().optional() }).loose();

/** The Outbound Open NormalizedMessage posted to the webhook (only the fields Baton reads). */
export const OutboundNormalizedMessage = z
  .object({
    id: z.string().min(1).max(200),
    channel: z
      .object({
        id: z.string().optional(),
        to: Party,
        from: Party.optional(),
        time: z.string().optional(),
        messageId: z.string().optional(),
      })
      .loose(),
    type: z.string(),
    text: z.string().optional(),
    direction: z.string().optional(),
    originatingEntity: z.string().optional(),
    conversationId: z.string().optional(),
    events: z
      .array(z.object({ eventType: z.string(), typing: z.object({ type: z.string(), duration: z.number().optional() }).loose().optional() }).loose())
      .optional(),
    content: z.array(z.object({ contentType: z.string() }).loose()).optional(),
  })
  .loose();
export type OutboundNormalizedMessage = z.infer<typeof OutboundNormalizedMessage>;

export type WebhookAction =
  | { kind: 'message'; conversationId: string; text: string }
  | { kind: 'typing'; conversationId: string; on: boolean }
  | { kind: 'ignore'; why: string };

/** What an outbound notification means for Baton. Attachments are announced as text. */
export function readWebhook(m: OutboundNormalizedMessage): WebhookAction {
  if (m.direction && m.direction !== 'Outbound') return { kind: 'ignore', why: `direction ${m.direction}` };
  const conversationId = m.channel.to.id;
  if (m.type === 'Text') {
    // messages from a Genesys bot flow (queue announcements…) are no agent: accepting on them would be wrong
    if (m.originatingEntity && m.originatingEntity !== 'Human') return { kind: 'ignore', why: `sent by ${m.originatingEntity}` };
    const attachments = (m.content ?? []).filter((c) => c.contentType === 'Attachment').length;
    const text = [m.text?.trim(), attachments ? `(${attachments} attachment${attachments === 1 ? '' : 's'} sent in Genesys, not shown here)` : '']
      .filter(Boolean)
      .join('\n')
      .slice(0, GENESYS_TEXT_LIMIT);
    return text ? { kind: 'message', conversationId, text } : { kind: 'ignore', why: 'empty message' };
  }
  if (m.type === 'Event') {
    const typing = m.events?.find((e) => e.eventType === 'Typing');
    if (typing) return { kind: 'typing', conversationId, on: typing.typing?.type !== 'Off' };
    return { kind: 'ignore', why: 'event without typing' };
  }
  return { kind: 'ignore', why: `type ${m.type}` };
}

// ---- Conversation state (polled) ----------------------------------------------------------------

export const GenesysParticipant = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    purpose: z.string().optional(),
    state: z.string().optional(),
    endTime: z.string().optional(),
    user: z.object({ id: z.string(), name: z.string().optional() }).loose().optional(),
  })
  .loose();
export const GenesysConversation = z.object({ id: z.string(), participants: z.array(GenesysParticipant).default([]) }).loose();
export type GenesysConversation = z.infer<typeof GenesysConversation>;

const gone = (state?: string) => state === 'disconnected' || state === 'terminated';

/**
 * Ended when the customer leg is disconnected, or when an agent took part and no agent or queue (acd)
 * leg is still active: a transfer disconnects the first agent but keeps an acd or new agent leg alive.
 */
export function sessionEnded(c: GenesysConversation): boolean {
  const p = c.participants;
  if (p.some((x) => x.purpose === 'customer' && gone(x.state))) return true;
  const agents = p.filter((x) => x.purpose === 'agent');
  if (!agents.length) return false;
  return p.filter((x) => x.purpose === 'agent' || x.purpose === 'acd').every((x) => gone(x.state));
}

/** The agent to name in Baton: the connected one, else the last one who took part. */
export function currentAgent(c: GenesysConversation): { id: string; name?: string } | undefined {
  const agents = c.participants.filter((x) => x.purpose === 'agent');
  const a = [...agents].reverse().find((x) => x.state === 'connected') ?? agents.at(-1);
  if (!a) return undefined;
  const id = a.user?.id ?? a.id;
  return id ? { id, name: a.name ?? a.user?.name } : undefined;
}

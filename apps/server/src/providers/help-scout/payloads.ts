// Pure mapping from Baton's provider events to Help Scout request bodies (Mailbox API 2.0): the new
// conversation with the transcript, follow-up threads, the closing note. No I/O here.
import type { Message } from '@baton/proto';
import type { ProviderEvent } from '../provider.js';
import { mailboxFor, type HelpScoutConfig } from './config.js';
import { textToHtml } from './html-text.js';

/** Help Scout refuses a conversation with more than 100 threads (HTTP 412) */
export const MAX_THREADS = 100;

export type CustomerRef = { id: number } | { email: string };

export interface CreateConversationBody {
  subject: string;
  customer: { email: string; firstName?: string; lastName?: string };
  mailboxId: number;
  type: 'chat';
  status: 'active';
  assignTo?: number;
  autoReply: false;
  imported: false;
  tags: string[];
  fields?: Array<{ id: number; value: string }>;
  threads: Array<{ type: 'chat'; customer: CustomerRef; text: string } | { type: 'note'; text: string }>;
}

/**
 * Help Scout needs a customer email (or id), and files conversations by it: a customer's earlier
 * conversations show next to the new one. An e-mail address is always the user's claim (userHash
 * proves user.id only), so none is used to file: a verified user gets an address of their id, a claim
 * one of its own conversation, and nobody can type a victim's address to see, or join, their history.
 * The address the user gave is in the handover note. Addresses Baton makes up are under the reserved
 * `.invalid` top-level domain (RFC 2606): syntactically valid, never deliverable, stable per user.
 */
export function customerEmail(event: ProviderEvent): string {
  const { user } = event.conversation;
  const base = user.verified && user.id ? user.id : `unverified-${event.conversation.id}`;
  const local = base.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 54) || 'user';
  return `baton-${local}@users.baton.invalid`;
}

function splitName(name: string | null): { firstName?: string; lastName?: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (!parts.length) return {};
  return parts.length === 1 ? { firstName: parts[0]!.slice(0, 40) } : { firstName: parts[0]!.slice(0, 40), lastName: parts.slice(1).join(' ').slice(0, 40) };
}

/** A message as readable text: bot turns labelled, buttons and cards spelled out. */
export function messageText(m: Pick<Message, 'author' | 'text' | 'buttons' | 'cards'>): string {
  const lines: string[] = [];
  if (m.text) lines.push(m.text);
  for (const c of m.cards ?? []) {
    lines.push(`[${c.title}${c.subtitle ? ` — ${c.subtitle}` : ''}]`);
    if (c.buttons?.length) lines.push(`  options: ${c.buttons.map((b) => b.title).join(' | ')}`);
  }
  if (m.buttons?.length) lines.push(`options: ${m.buttons.map((b) => b.title).join(' | ')}`);
  const body = lines.join('\n') || '(empty message)';
  if (m.author.type === 'bot') return `Bot: ${body}`;
  if (m.author.type === 'agent') return `Agent${m.author.name ? ` ${m.author.name}` : ''}: ${body}`;
  return body;
}

/** Tags as Help Scout keeps them: lower case, letters, digits, spaces, dashes and underscores. */
export function helpScoutTags(event: ProviderEvent): string[] {
  const h = event.handover;
  const raw = [...(h?.tags ?? event.conversation.tags), h?.skill ?? event.conversation.skill, h?.language ?? event.conversation.language, 'baton'];
  const tags = raw
    .filter((t): t is string => typeof t === 'string' && t.length > 0)
    .map((t) => t.toLowerCase().replace(/[^a-z0-9 _-]+/g, '-').trim().slice(0, 50))
    .filter(Boolean);
  return [...new Set(tags)];
}

export function allVariables(event: ProviderEvent): Record<string, unknown> {
  return { ...event.conversation.variables, ...(event.handover?.variables ?? {}) };
}

function fieldValues(cfg: HelpScoutConfig, variables: Record<string, unknown>): Array<{ id: number; value: string }> {
  return Object.entries(cfg.customFields ?? {})
    .filter(([name]) => variables[name] !== undefined && variables[name] !== null && variables[name] !== '')
    .map(([name, id]) => ({ id, value: String(variables[name]) }));
}

function handoverNote(event: ProviderEvent): string {
  const h = event.handover!;
  const vars = Object.entries(allVariables(event));
  const lines = [
    'Handed over by the Baton bot.',
    `Reason: ${h.reason}`,
    `Trigger: ${h.trigger}`,
    `Skill: ${h.skill}`,
    `Language: ${h.language}`,
    ...(h.note ? [`Note: ${h.note}`] : []),
    `Baton conversation: ${event.conversation.id}`,
    ...(event.conversation.user.email ? [`E-mail given by the user (not verified): ${event.conversation.user.email}`] : []),
    `User id: ${event.conversation.user.verified ? `${event.conversation.user.id} (verified)` : 'none verified'}`,
    vars.length ? 'Variables:' : 'Variables: none',
    ...vars.map(([k, v]) => `  ${k} = ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    '',
    'Reply in this conversation to chat with the user; close it to hand the user back to the bot.',
  ];
  return textToHtml(lines.join('\n'));
}

/** The transcript as chat threads, folding the oldest into one summary thread beyond the limit. */
export function transcriptThreads(transcript: Message[], customer: CustomerRef, room: number): CreateConversationBody['threads'] {
  const turns = transcript.filter((m) => m.author.type !== 'system' && !m.internal);
  const chat = (text: string) => ({ type: 'chat' as const, customer, text: textToHtml(text) });
  if (turns.length <= room) return turns.map((m) => chat(messageText(m)));
  const folded = turns.length - (room - 1);
  const summary = turns.slice(0, folded).map((m) => `${m.author.type === 'user' ? 'User: ' : ''}${messageText(m)}`);
  return [chat(`Earlier in the chat (${folded} messages):\n${summary.join('\n')}`), ...turns.slice(folded).map((m) => chat(messageText(m)))];
}

export function createConversationBody(event: ProviderEvent, cfg: HelpScoutConfig): CreateConversationBody {
  const h = event.handover;
  if (!h) throw new Error('handover.requested without handover details');
  const email = customerEmail(event);
  const customer: CustomerRef = { email };
  // the note takes one of the 100 threads; a handover with no transcript still needs a first thread
  let threads = transcriptThreads(event.transcript ?? [], customer, MAX_THREADS - 1);
  if (!threads.length) threads = [{ type: 'chat', customer, text: textToHtml('(the user asked for a person before writing anything)') }];
  const fields = fieldValues(cfg, allVariables(event));
  return {
    subject: `Chat handover: ${h.reason} (${h.skill})`.slice(0, 255),
    customer: { email, ...splitName(event.conversation.user.name) },
    mailboxId: mailboxFor(cfg, h.skill),
    type: 'chat',
    status: 'active',
    ...(cfg.assignTo ? { assignTo: cfg.assignTo } : {}),
    // no auto-reply email to the user, and a live (not imported) conversation so agents are notified
    autoReply: false,
    imported: false,
    tags: helpScoutTags(event),
    ...(fields.length ? { fields } : {}),
    threads: [...threads, { type: 'note', text: handoverNote(event) }],
  };
}

export function endNote(event: ProviderEvent): string {
  const why = event.type === 'handover.cancelled' ? 'The user stopped waiting for an agent' : 'The conversation was closed in Baton';
  return textToHtml(`${why}${event.reason ? ` (${event.reason})` : ''}. Replies here no longer reach the user.`);
}

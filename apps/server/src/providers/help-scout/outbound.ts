// Baton → Help Scout (Mailbox API 2.0): the request bodies, mapped purely from the provider event (the
// new conversation with the transcript, follow-up threads, the closing note), then the deliveries.
import type { Message } from '@baton/proto';
import type { DeliveryResult, ProviderEvent, ProviderEventName, ProviderRuntime } from '../provider.js';
import { createdId, createHelpScoutClient, type ApiResult, type HelpScoutAccounts, type HelpScoutClient } from './client.js';
import { HelpScoutConfig, mailboxFor } from './config.js';
import { textToHtml } from './html-text.js';
import { OWN_THREADS_KEPT, readState, type HelpScoutState } from './state.js';

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
export function messageText(m: Pick<Message, 'author' | 'text' | 'buttons' | 'cards' | 'attachments'>): string {
  const lines: string[] = [];
  if (m.text) lines.push(m.text);
  // files as their signed links (made at delivery: commands/attachments.ts withAttachmentLinks)
  for (const a of m.attachments ?? []) lines.push(`File: ${a.name} (${a.contentType}) ${a.url}`);
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

export interface CreateFollowupBody {
  subject: string;
  customer: { email: string; firstName?: string; lastName?: string };
  mailboxId: number;
  type: 'email';
  status: 'active';
  autoReply: false;
  imported: false;
  tags: string[];
  threads: Array<{ type: 'customer'; customer: { email: string }; text: string } | { type: 'note'; text: string }>;
}

/**
 * A follow-up as an e-mail conversation to the customer (Mailbox API 2.0 "Create Conversation",
 * https://developer.helpscout.com/mailbox-api/endpoints/conversations/create: `type: "email"`, the
 * customer by e-mail, a `customer` thread holding the question). The agent's reply in Help Scout is
 * mailed to that address, which is the point: unlike a chat handover (customerEmail above), the
 * address the user typed is the one used — a stranger's address only sends the answer to its owner.
 */
export function followupConversationBody(event: ProviderEvent, cfg: HelpScoutConfig): CreateFollowupBody | undefined {
  const f = event.followup;
  if (!f?.email) return undefined;
  const why = { closed: 'outside opening hours', timeout: 'nobody answered in time', no_agent: 'no agent was online' }[f.reason];
  const transcript = (event.transcript ?? []).filter((m) => m.author.type !== 'system' && !m.internal).slice(-50);
  const note = [
    `Left with the Baton bot (${why}).`,
    `Skill: ${f.skill}`,
    `Language: ${f.language}`,
    `Baton conversation: ${event.conversation.id}`,
    'The e-mail address was typed by the user (not verified).',
    ...(transcript.length ? ['', 'The chat before:', ...transcript.map((m) => `${m.author.type === 'user' ? 'User: ' : ''}${messageText(m)}`)] : []),
  ];
  return {
    subject: `Question left in the chat (${f.skill})`.slice(0, 255),
    customer: { email: f.email, ...splitName(event.conversation.user.name) },
    mailboxId: mailboxFor(cfg, f.skill),
    type: 'email',
    status: 'active',
    autoReply: false,
    imported: false,
    tags: [...new Set(['baton', 'follow-up', ...helpScoutTags(event)])],
    threads: [
      { type: 'customer', customer: { email: f.email }, text: textToHtml(f.question) },
      { type: 'note', text: textToHtml(note.join('\n')) },
    ],
  };
}

/** One Help Scout conversation per follow-up, even when a delivery is retried after its answer was lost. */
async function createFollowupConversation(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient, cfg: HelpScoutConfig): Promise<DeliveryResult> {
  const body = followupConversationBody(event, cfg);
  // no e-mail: nothing Help Scout could send the answer to; the desk's Follow-ups page has it
  if (!body) return { ok: true };
  const key = `followup:${event.followup!.id}`;
  const done = (await rt.state.get(event.conversation.id))[key];
  if (typeof done === 'number') return { ok: true, externalId: String(done) };
  const res = await api.post('/v2/conversations', body);
  if (!res.ok) return failed(res, 'create follow-up conversation');
  const id = createdId(res);
  if (id) await rt.state.set(event.conversation.id, { [key]: id });
  return { ok: true, ...(id ? { externalId: String(id) } : {}) };
}

export function endNote(event: ProviderEvent): string {
  const why = event.type === 'handover.cancelled' ? 'The user stopped waiting for an agent' : 'The conversation was closed in Baton';
  return textToHtml(`${why}${event.reason ? ` (${event.reason})` : ''}. Replies here no longer reach the user.`);
}

// ---- deliveries ----------------------------------------------------------------------------------

/** every event: a handover, the user's follow-ups and the end all reach Help Scout */
export const WANTED: ReadonlySet<ProviderEventName> = new Set(['handover.requested', 'message.created', 'handover.cancelled', 'conversation.closed', 'followup.requested']);

const failed = (res: ApiResult, what: string): DeliveryResult => ({ ok: false, retry: res.retryable, error: `${what}: ${res.error}` });

async function createConversation(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient, cfg: HelpScoutConfig): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  // a retry of a delivery whose conversation was created (the answer was lost after the state write)
  if (state.handoverId === event.id && state.helpScoutId) return { ok: true, externalId: String(state.helpScoutId) };
  const body = createConversationBody(event, cfg);
  const res = await api.post('/v2/conversations', body);
  if (!res.ok) {
    const r = failed(res, 'create conversation');
    // a 4xx (unknown inbox, no access, invalid field…) will fail the same way again: back to the bot
    return r.ok || r.retry ? r : { ...r, refused: true };
  }
  const helpScoutId = createdId(res);
  if (!helpScoutId) return { ok: false, retry: false, refused: true, error: 'create conversation: Help Scout answered without Resource-ID or Location' };
  const next: HelpScoutState = { helpScoutId, customerEmail: body.customer.email, handoverId: event.id, ownThreadIds: [], ended: false };
  await rt.state.set(event.conversation.id, { ...next, customerId: undefined }, String(helpScoutId));
  // the customer id makes later threads independent of the email (a known customer keeps theirs)
  const read = await api.get(`/v2/conversations/${helpScoutId}`);
  const customerId = (read.json as { primaryCustomer?: { id?: unknown } } | undefined)?.primaryCustomer?.id;
  if (read.ok && typeof customerId === 'number') await rt.state.set(event.conversation.id, { customerId });
  return { ok: true, externalId: String(helpScoutId) };
}

async function addMessage(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  const m = event.message;
  // nothing to relay to: the handover was refused, or Help Scout already ended it
  if (!state.helpScoutId || state.ended || !m) return { ok: true };
  let res: ApiResult;
  if (m.author.type === 'user') {
    const customer: CustomerRef = state.customerId ? { id: state.customerId } : { email: state.customerEmail ?? customerEmail(event) };
    res = await api.post(`/v2/conversations/${state.helpScoutId}/chats`, { customer, text: textToHtml(messageText(m)) });
  } else if (m.author.type === 'bot') {
    // what the bot tells a waiting user is context for the agent, not a message from the customer
    res = await api.post(`/v2/conversations/${state.helpScoutId}/notes`, { text: textToHtml(messageText(m)) });
  } else {
    return { ok: true };
  }
  if (res.status === 404 || res.status === 412) {
    // deleted / merged, or full at 100 threads: this Help Scout conversation can take no more
    return { ok: false, retry: false, error: `add thread: ${res.error}` };
  }
  if (!res.ok) return failed(res, 'add thread');
  const threadId = createdId(res);
  if (threadId) await rt.state.set(event.conversation.id, { ownThreadIds: [...(state.ownThreadIds ?? []), threadId].slice(-OWN_THREADS_KEPT) });
  return { ok: true };
}

async function endConversation(event: ProviderEvent, rt: ProviderRuntime, api: HelpScoutClient): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  if (!state.helpScoutId || state.ended) return { ok: true };
  const id = state.helpScoutId;
  const note = await api.post(`/v2/conversations/${id}/notes`, { text: endNote(event) });
  if (!note.ok && note.status !== 404 && note.status !== 412) return failed(note, 'closing note');
  const patch = await api.patch(`/v2/conversations/${id}`, { op: 'replace', path: '/status', value: 'closed' });
  // 404: deleted or merged meanwhile, which ends it just as well
  if (!patch.ok && patch.status !== 404) return failed(patch, 'close conversation');
  await rt.state.set(event.conversation.id, { ended: true });
  return { ok: true };
}

export async function deliver(event: ProviderEvent, rt: ProviderRuntime, accounts: HelpScoutAccounts): Promise<DeliveryResult> {
  const cfg = HelpScoutConfig.parse(rt.provider.config ?? {});
  const api = createHelpScoutClient(cfg, accounts, () => rt.deps.clock.now());
  switch (event.type) {
    case 'handover.requested':
      return createConversation(event, rt, api, cfg);
    case 'message.created':
      return addMessage(event, rt, api);
    case 'handover.cancelled':
    case 'conversation.closed':
      return endConversation(event, rt, api);
    case 'followup.requested':
      return createFollowupConversation(event, rt, api, cfg);
  }
}

// Baton → Sunshine Conversations: the bot's (and desk agents') messages as business messages of the
// user's conversation, and the handover as a switchboard action (offerControl or passControl) with
// the handover's facts as flat metadata. All of it goes through the outbox: retried, never lost.
import type { Button, Card, Message } from '@baton/proto';
import type { DeliveryResult, ProviderEvent, ProviderEventName, ProviderRuntime } from '../provider.js';
import { createSunshineClient, errorCode, type SunshineAccounts } from './client.js';
import { SunshineConversationsConfig } from './config.js';
import { readState } from './state.js';

/** the provider queue's events; `message.created` of its own conversations comes through ownsChannel */
export const WANTED: ReadonlySet<ProviderEventName> = new Set(['handover.requested', 'handover.cancelled']);

/** the agent side as Baton records it: one actor for whoever Zendesk puts on the conversation */
export const AGENTS_ID = 'agents';

/** the metadata key that marks a message Baton posted: its webhook echo is not an agent's message */
export const OWN_MESSAGE_KEY = 'batonMessageId';

// documented limits (Sunshine Conversations OpenAPI 17.x: textMessage, item, carouselMessage, metadata)
export const MAX_TEXT = 4096;
export const MAX_ITEMS = 10;
export const MAX_ITEM_ACTIONS = 3;
export const MAX_ITEM_TEXT = 128;
export const METADATA_MAX_BYTES = 4096;
/** each metadata value is cut to this many characters before the size rule applies */
export const METADATA_VALUE_MAX = 500;

type PostbackAction = { type: 'postback'; text: string; payload: string };
export type SunshineContent =
  | { type: 'text'; text?: string; actions?: PostbackAction[] }
  | { type: 'carousel'; items: Array<{ title: string; description?: string; mediaUrl?: string; actions: PostbackAction[] }> }
  /** a file the desk's agent (or the bot) sent, by its signed link (commands/attachments.ts withAttachmentLinks) */
  | { type: 'image' | 'file'; mediaUrl: string; altText?: string };

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const action = (b: Button): PostbackAction => ({ type: 'postback', text: b.title, payload: b.payload });

/** Cards fit a carousel when there are at most 10 and each has one to three buttons (an item needs one action and takes three). */
function carouselFits(cards: Card[]): boolean {
  return cards.length > 0 && cards.length <= MAX_ITEMS && cards.every((c) => (c.buttons?.length ?? 0) >= 1 && (c.buttons?.length ?? 0) <= MAX_ITEM_ACTIONS);
}

/**
 * A Baton message as Sunshine message contents, in order: the text with its buttons as postback
 * actions, then the cards as a carousel. Cards that a carousel cannot hold (more than 10, or one with
 * no button or more than three) become text lines, their buttons postback actions of that text.
 */
export function messageContents(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'attachments'>): SunshineContent[] {
  const parts: SunshineContent[] = [];
  const cards = m.cards ?? [];
  const asCarousel = carouselFits(cards);
  const lines = m.text ? [m.text] : [];
  const actions = (m.buttons ?? []).map(action);
  if (!asCarousel) {
    for (const c of cards) {
      lines.push(`${c.title}${c.subtitle ? ` — ${c.subtitle}` : ''}`);
      actions.push(...(c.buttons ?? []).map(action));
    }
  }
  const text = lines.join('\n');
  if (text || actions.length) parts.push({ type: 'text', ...(text ? { text: cut(text, MAX_TEXT) } : {}), ...(actions.length ? { actions } : {}) });
  for (const a of m.attachments ?? []) parts.push(a.contentType.startsWith('image/') ? { type: 'image', mediaUrl: a.url, altText: a.name } : { type: 'file', mediaUrl: a.url, altText: a.name });
  if (asCarousel) {
    parts.push({
      type: 'carousel',
      items: cards.map((c) => ({
        title: cut(c.title, MAX_ITEM_TEXT),
        ...(c.subtitle ? { description: cut(c.subtitle, MAX_ITEM_TEXT) } : {}),
        ...(c.imageUrl ? { mediaUrl: c.imageUrl } : {}),
        actions: c.buttons!.map(action),
      })),
    });
  }
  return parts;
}

/** Zendesk tags: lower case, no spaces (a tag string is split on them). */
function zendeskTag(t: string): string {
  return t.toLowerCase().replace(/[^a-z0-9_\-:/]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80);
}

const str = (v: unknown) => cut(typeof v === 'string' ? v : JSON.stringify(v) ?? '', METADATA_VALUE_MAX);
const bytes = (o: Record<string, string>) => Buffer.byteLength(JSON.stringify(o), 'utf8');

/**
 * The handover's metadata: flat, string values, at most 4 KB. Entries in this order: Baton's
 * conversation id, skill, language, trigger, reason, Zendesk's `first_message_id`, the ticket's tags
 * (`dataCapture.systemField.tags`) and mapped ticket fields (`dataCapture.ticketField.<id>`), Baton's
 * tags, then every variable as `var.<name>` by name. Each value is cut to 500 characters; the first
 * entry that would take the JSON over 4,096 bytes is left out with every entry after it, and
 * `batonTruncated: "true"` says so.
 */
export function handoverMetadata(event: ProviderEvent, cfg: SunshineConversationsConfig, firstMessageId?: string): Record<string, string> {
  const h = event.handover;
  const variables = { ...event.conversation.variables, ...(h?.variables ?? {}) };
  const tags = h?.tags ?? event.conversation.tags;
  const skill = h?.skill ?? event.conversation.skill ?? 'general';
  const language = h?.language ?? event.conversation.language;
  const entries: Array<[string, unknown]> = [
    ['batonConversationId', event.conversation.id],
    ['skill', skill],
    ['language', language],
    ...(h ? ([['trigger', h.trigger], ['reason', h.reason]] as Array<[string, unknown]>) : []),
    ...(firstMessageId ? ([['first_message_id', firstMessageId]] as Array<[string, unknown]>) : []),
  ];
  if (cfg.ticketTags) {
    const zd = [...new Set([...tags, `skill_${skill}`, `lang_${language}`, 'baton'].map(zendeskTag).filter(Boolean))];
    entries.push(['dataCapture.systemField.tags', zd.join(' ')]);
  }
  for (const [name, fieldId] of Object.entries(cfg.ticketFields ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const v = variables[name];
    if (v !== undefined && v !== null && v !== '') entries.push([`dataCapture.ticketField.${fieldId}`, v]);
  }
  if (tags.length) entries.push(['tags', tags.join(',')]);
  for (const name of Object.keys(variables).sort()) {
    const v = variables[name];
    if (v !== undefined && v !== null) entries.push([`var.${name}`, v]);
  }
  const out: Record<string, string> = {};
  const room = METADATA_MAX_BYTES - Buffer.byteLength(',"batonTruncated":"true"', 'utf8');
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    const next = { ...out, [k]: str(v) };
    if (bytes(next) > room) {
      out.batonTruncated = 'true';
      break;
    }
    out[k] = next[k]!;
  }
  return out;
}

// ---- deliveries ----------------------------------------------------------------------------------

const failed = (res: { retryable: boolean; error: string }, what: string): DeliveryResult => ({ ok: false, retry: res.retryable, error: `${what}: ${res.error}` });

async function postMessage(event: ProviderEvent, rt: ProviderRuntime, cfg: SunshineConversationsConfig, accounts: SunshineAccounts): Promise<DeliveryResult> {
  const m = event.message;
  const state = readState(await rt.state.get(event.conversation.id));
  if (!m) return { ok: true };
  if (!state.sunshineId) return { ok: false, retry: false, error: 'no Sunshine conversation for this Baton conversation' };
  const post = createSunshineClient(cfg, accounts, () => rt.deps.clock.now());
  const parts = messageContents(m);
  // a retry after some parts went out: those are not posted twice
  const done = state.progress?.id === event.id ? state.progress.parts : 0;
  const author = { type: 'business', ...(m.author.name ? { displayName: m.author.name.slice(0, 100) } : {}) };
  for (let i = done; i < parts.length; i++) {
    const res = await post(`/conversations/${encodeURIComponent(state.sunshineId)}/messages`, { author, content: parts[i], metadata: { [OWN_MESSAGE_KEY]: m.id } });
    if (!res.ok) return failed(res, `post message (${errorCode(res) ?? res.status})`);
    const patch: Record<string, unknown> = {};
    if (parts.length > 1) patch.progress = { id: event.id, parts: i + 1 };
    const sent = (res.json as { messages?: Array<{ id?: unknown }> } | undefined)?.messages?.[0]?.id;
    if (!state.firstMessageId && typeof sent === 'string') patch.firstMessageId = state.firstMessageId = sent;
    if (Object.keys(patch).length) await rt.state.set(event.conversation.id, patch);
  }
  return { ok: true };
}

async function handOver(event: ProviderEvent, rt: ProviderRuntime, cfg: SunshineConversationsConfig, accounts: SunshineAccounts): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  if (!state.sunshineId) return { ok: false, retry: false, refused: true, error: 'not a Sunshine Conversations conversation' };
  const post = createSunshineClient(cfg, accounts, () => rt.deps.clock.now());
  const action = cfg.handover === 'pass' ? 'passControl' : 'offerControl';
  const res = await post(`/conversations/${encodeURIComponent(state.sunshineId)}/${action}`, {
    switchboardIntegration: cfg.agentIntegration,
    metadata: handoverMetadata(event, cfg, state.firstMessageId),
  });
  if (!res.ok) {
    const r = failed(res, `${action} (${errorCode(res) ?? res.status})`);
    // unknown conversation or target, a refused scope: the same next time, so back to the bot
    return r.ok || r.retry ? r : { ...r, refused: true };
  }
  // passControl: the agent side has control now, and the bot must stop at once
  return cfg.handover === 'pass' ? { ok: true, accepted: { id: AGENTS_ID, name: 'Zendesk agent' } } : { ok: true };
}

/** The user left the queue in Baton: control (or a pending offer) goes back to Baton's integration, when Baton knows it. */
async function withdraw(event: ProviderEvent, rt: ProviderRuntime, cfg: SunshineConversationsConfig, accounts: SunshineAccounts): Promise<DeliveryResult> {
  const state = readState(await rt.state.get(event.conversation.id));
  const own = cfg.switchboardIntegration ?? state.botSwitchboardId;
  if (!state.sunshineId || !own) return { ok: true };
  const post = createSunshineClient(cfg, accounts, () => rt.deps.clock.now());
  const res = await post(`/conversations/${encodeURIComponent(state.sunshineId)}/passControl`, { switchboardIntegration: own, metadata: { batonReason: str(event.reason ?? 'cancelled') } });
  // nothing to take back (gone, or Baton has control already): done
  if (!res.ok && !res.retryable) return { ok: true };
  return res.ok ? { ok: true } : failed(res, 'passControl back to Baton');
}

export async function deliver(event: ProviderEvent, rt: ProviderRuntime, accounts: SunshineAccounts): Promise<DeliveryResult> {
  const cfg = SunshineConversationsConfig.parse(rt.provider.config ?? {});
  switch (event.type) {
    case 'message.created':
      return postMessage(event, rt, cfg, accounts);
    case 'handover.requested':
      return handOver(event, rt, cfg, accounts);
    case 'handover.cancelled':
      return withdraw(event, rt, cfg, accounts);
    case 'conversation.closed':
      return { ok: true };
    // the user is on Sunshine's own messenger: a follow-up is answered in Baton's desk, not here (not in WANTED)
    case 'followup.requested':
      return { ok: true };
  }
}

// Sunshine Conversations → Baton: the v2 webhook of Baton's custom integration. Sunshine sends the
// webhook's secret as X-API-Key (no signature), retries non-2xx answers up to 5 times in 15 minutes
// and drops 400/401/403/404/406 at once, so anything Baton does not act on is a quick 200. A user's
// message or postback is a user message of the Baton conversation of that Sunshine conversation; an
// agent's business message is an agent message; switchboard events move control.
import { MAX_TEXT_LENGTH, ProviderCallbackAck, ProviderIdParams, type Button, type Card, type SendMessageBody } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ensureProviderConversation, ownedConversationId } from '../../commands/create-conversation.js';
import type { ExternalAgent, InboundActions } from '../../commands/provider-inbound.js';
import { sendUserMessage } from '../../commands/send-user-message.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { registerSignedInbound } from '../../http/signed-inbound.js';
import { parseJson, validationFailed } from '../../input-checks.js';
import { findConversation } from '../../store/conversations.js';
import { safeEqual } from '../../tokens.js';
import { providerOfCallback } from '../provider.js';
import { providerState } from '../state.js';
import { SunshineConversationsConfig } from './config.js';
import { AGENTS_ID, OWN_MESSAGE_KEY } from './outbound.js';
import { readState, type SunshineState } from './state.js';

export const WEBHOOK_PATH = '/api/v1/providers/sunshine-conversations/:providerId/webhook';

// Sunshine's payloads carry more fields than these; only what Baton reads is checked
const SwitchboardIntegration = z.object({ id: z.string().min(1).max(200), name: z.string().max(200).nullish(), integrationId: z.string().nullish(), integrationType: z.string().nullish() }).loose();
type SwitchboardIntegration = z.infer<typeof SwitchboardIntegration>;
const Conversation = z
  .object({ id: z.string().min(1).max(200), type: z.string().optional(), activeSwitchboardIntegration: SwitchboardIntegration.nullish(), pendingSwitchboardIntegration: SwitchboardIntegration.nullish() })
  .loose();
const Action = z.object({ type: z.string(), text: z.string().optional(), payload: z.string().optional(), uri: z.string().optional() }).loose();
const Content = z
  .object({
    type: z.string(),
    text: z.string().optional(),
    /** a reply button's answer carries the button's payload */
    payload: z.string().optional(),
    actions: z.array(Action).optional(),
    items: z.array(z.object({ title: z.string().optional(), description: z.string().optional(), mediaUrl: z.string().optional(), actions: z.array(Action).optional() }).loose()).optional(),
    mediaUrl: z.string().optional(),
    coordinates: z.object({ lat: z.number(), long: z.number() }).loose().optional(),
  })
  .loose();
const Author = z
  .object({
    type: z.string(),
    userId: z.string().optional(),
    displayName: z.string().optional(),
    subtypes: z.array(z.string()).optional(),
    user: z.object({ id: z.string().optional(), profile: z.object({ locale: z.string().optional() }).loose().optional() }).loose().optional(),
  })
  .loose();
const MessagePayload = z.object({
  conversation: Conversation,
  message: z.object({ id: z.string().min(1).max(200), author: Author, content: Content, metadata: z.record(z.string(), z.unknown()).nullish() }).loose(),
});
const PostbackPayload = z.object({
  conversation: Conversation,
  postback: z.object({ payload: z.string() }).loose(),
  user: z.object({ id: z.string().optional(), profile: z.object({ locale: z.string().optional() }).loose().optional() }).loose().optional(),
});
const SwitchboardPayload = z.object({ conversation: Conversation, reason: z.string().optional(), error: z.object({ message: z.string().optional(), code: z.string().optional() }).loose().optional() });
const TypingPayload = z.object({ conversation: Conversation, activity: z.object({ type: z.string(), author: Author.optional() }).loose() });

/** the v2 envelope: events from one app, possibly several per call */
export const SunshineWebhookBody = z
  .object({
    app: z.object({ id: z.string() }).loose(),
    webhook: z.object({ id: z.string().optional(), version: z.string().optional() }).loose().optional(),
    events: z.array(z.object({ id: z.string().min(1).max(200), type: z.string().max(100), createdAt: z.string().optional(), payload: z.record(z.string(), z.unknown()) }).loose()).max(200),
  })
  .loose();

// state conflicts (already back with the bot, not handed over…) are answered 200: a retry changes nothing
const STALE = new Set(['NOT_WAITING', 'NOT_WITH_AGENT', 'CONVERSATION_NOT_FOUND', 'CONVERSATION_CLOSED', 'INVALID_TRANSITION', 'BOT_SILENCED', 'ALREADY_ASSIGNED']);

type Outcome = { ok: true; duplicate?: boolean; ignored?: string };
const ignored = (why: string): Outcome => ({ ok: true, ignored: why });
const AGENT_NAME = 'Zendesk agent';

/** The secret sent as X-API-Key, against the webhook secret (and the previous one during a rotation), in constant time. */
export function apiKeyMatches(secrets: readonly unknown[], header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !header) return false;
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0).map((s) => safeEqual(s, header)).includes(true);
}

/** What a user's message says to Baton: text, a reply button's payload, or a media or location line. */
export function userBody(content: z.infer<typeof Content>): SendMessageBody | undefined {
  const text = (content.text ?? '').trim().slice(0, MAX_TEXT_LENGTH);
  if (content.payload) return { postback: content.payload.slice(0, 1000), ...(text ? { text } : {}) };
  if (content.type === 'text' || content.type === 'formResponse') return text ? { text } : undefined;
  if ((content.type === 'image' || content.type === 'file') && content.mediaUrl) return { text: `${text ? `${text}\n` : ''}(${content.type}) ${content.mediaUrl}`.slice(0, MAX_TEXT_LENGTH) };
  if (content.type === 'location' && content.coordinates) return { text: `(location) ${content.coordinates.lat}, ${content.coordinates.long}` };
  return text ? { text } : undefined;
}

const buttonsOf = (actions: z.infer<typeof Action>[] | undefined): Button[] =>
  (actions ?? []).filter((a) => (a.type === 'postback' || a.type === 'reply') && a.text && a.payload).slice(0, 10).map((a) => ({ title: a.text!.slice(0, 80), payload: a.payload!.slice(0, 1000) }));

/** An agent's message as Baton shows it: text, postback/reply actions as buttons, carousel or list items as cards. */
export function agentBody(content: z.infer<typeof Content>): { text?: string; buttons?: Button[]; cards?: Card[] } {
  const text = (content.text ?? '').trim().slice(0, MAX_TEXT_LENGTH);
  const buttons = buttonsOf(content.actions);
  const cards: Card[] = (content.items ?? [])
    .filter((i) => i.title)
    .slice(0, 10)
    .map((i) => ({ title: i.title!.slice(0, 200), ...(i.description ? { subtitle: i.description.slice(0, 500) } : {}), ...(i.mediaUrl && /^https?:\/\//.test(i.mediaUrl) ? { imageUrl: i.mediaUrl.slice(0, 2000) } : {}), buttons: buttonsOf(i.actions).slice(0, 5) }));
  const media = !text && content.mediaUrl ? `(${content.type}) ${content.mediaUrl}`.slice(0, MAX_TEXT_LENGTH) : '';
  return { ...(text || media ? { text: text || media } : {}), ...(buttons.length ? { buttons } : {}), ...(cards.length ? { cards } : {}) };
}

interface Ctx {
  deps: Deps;
  inbound: InboundActions;
  providerId: string;
  cfg: SunshineConversationsConfig;
}

export function registerSunshineWebhook(app: FastifyInstance, deps: Deps, inbound: InboundActions): void {
  registerSignedInbound(app, deps, WEBHOOK_PATH, {
    doc: {
      name: 'receiveSunshineConversationsWebhook',
      summary:
        'Sunshine Conversations v2 webhooks of Baton’s integration (conversation:message, conversation:postback, conversation:typing, switchboard:offerControl/acceptControl/passControl/releaseControl and their failures), authenticated by X-API-Key = the webhook secret; an event id seen before is not applied twice; other events are acknowledged with 200',
      tag: 'Providers',
      signedWith: 'sunshineApiKey',
      params: ProviderIdParams,
      body: SunshineWebhookBody,
      response: ProviderCallbackAck,
    },
    target: (req) => providerOfCallback(deps, req.params, 'sunshine-conversations', 'Sunshine Conversations'),
    verify(provider, _raw, req) {
      if (!apiKeyMatches([provider.config?.webhookSecret, provider.config?.previousWebhookSecret], req.headers['x-api-key'])) {
        throw new AppError('SIGNATURE_INVALID', 'Missing or wrong X-API-Key');
      }
    },
    budgetKey: (provider) => `provider:${provider.id}`,
    async handle(_req, _reply, provider, raw): Promise<Outcome> {
      const parsedConfig = SunshineConversationsConfig.safeParse(provider.config ?? {});
      // settings are validated when saved; a stored config that no longer parses is an operator problem
      if (!parsedConfig.success) throw new AppError('SETTINGS_INVALID', 'The Sunshine Conversations provider settings are not valid');
      const body = SunshineWebhookBody.safeParse(parseJson(raw));
      if (!body.success) throw validationFailed(body.error);
      if (body.data.app.id !== parsedConfig.data.appId) return ignored(`events of another app (${body.data.app.id.slice(0, 64)})`);
      const ctx: Ctx = { deps, inbound, providerId: provider.id, cfg: parsedConfig.data };
      const notes: string[] = [];
      let duplicate = false;
      // in order: a conversation's events must apply in the order Sunshine sent them
      for (const e of body.data.events) {
        const o = await onEvent(ctx, e);
        if (o.duplicate) duplicate = true;
        if (o.ignored) notes.push(`${e.type}: ${o.ignored}`);
      }
      return { ok: true, ...(duplicate ? { duplicate } : {}), ...(notes.length ? { ignored: notes.join('; ').slice(0, 1000) } : {}) };
    },
  });
}

async function stale<T extends Outcome>(fn: () => Promise<T>): Promise<Outcome> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && STALE.has(err.code)) return ignored(err.code);
    throw err;
  }
}

/** `fn` once per Sunshine event id; state conflicts acknowledged */
const once = (ctx: Ctx, eventId: string, fn: () => Promise<void>) => stale(async () => ({ ok: true as const, duplicate: (await ctx.inbound.once(ctx.providerId, eventId, fn)).duplicate }));

async function known(ctx: Ctx, sunshineId: string) {
  const id = ownedConversationId(ctx.providerId, sunshineId);
  const conv = await findConversation(ctx.deps.store.db, id);
  return conv ? { id, conv, state: readState(await providerState(ctx.deps, ctx.providerId).get(id)) } : undefined;
}

async function onEvent(ctx: Ctx, e: z.infer<typeof SunshineWebhookBody>['events'][number]): Promise<Outcome> {
  switch (e.type) {
    case 'conversation:message': {
      const p = MessagePayload.safeParse(e.payload);
      if (!p.success) return ignored('not a message payload');
      return p.data.message.author.type === 'user' ? userMessage(ctx, p.data) : businessMessage(ctx, e.id, p.data);
    }
    case 'conversation:postback': {
      const p = PostbackPayload.safeParse(e.payload);
      if (!p.success || !p.data.postback.payload) return ignored('not a postback payload');
      const { conversationId } = await ensure(ctx, p.data.conversation.id, { id: p.data.user?.id ?? p.data.conversation.id }, p.data.user?.profile?.locale);
      return stale(async () => ({ ok: true as const, duplicate: (await sendUserMessage(ctx.deps, conversationId, { postback: p.data.postback.payload.slice(0, 1000) }, `sunshine:${e.id}`)).duplicate }));
    }
    case 'switchboard:acceptControl':
    case 'switchboard:passControl':
    case 'switchboard:releaseControl': {
      const p = SwitchboardPayload.safeParse(e.payload);
      return p.success ? controlMoved(ctx, e.id, p.data.conversation.id, e.type === 'switchboard:releaseControl' ? undefined : (p.data.conversation.activeSwitchboardIntegration ?? undefined)) : ignored('not a switchboard payload');
    }
    case 'switchboard:offerControl': {
      // Baton's own offer: the offering (still active) integration is Baton's
      const p = SwitchboardPayload.safeParse(e.payload);
      const active = p.success ? p.data.conversation.activeSwitchboardIntegration : undefined;
      const k = p.success ? await known(ctx, p.data.conversation.id) : undefined;
      if (!k || !active || k.conv.status !== 'offloaded' || k.conv.provider_id !== ctx.providerId) return ignored('not an offer of Baton’s');
      if (!k.state.botSwitchboardId) await providerState(ctx.deps, ctx.providerId).set(k.id, { botSwitchboardId: active.id });
      return { ok: true };
    }
    case 'switchboard:offerControl:failure':
    case 'switchboard:passControl:failure': {
      const p = SwitchboardPayload.safeParse(e.payload);
      const k = p.success ? await known(ctx, p.data.conversation.id) : undefined;
      if (!k) return ignored('unknown conversation');
      const why = `Sunshine Conversations could not move control: ${p.data?.error?.message ?? p.data?.error?.code ?? e.type}`.slice(0, 500);
      return once(ctx, e.id, () => ctx.inbound.refused(ctx.providerId, k.id, why));
    }
    case 'conversation:typing': {
      const p = TypingPayload.safeParse(e.payload);
      if (!p.success || p.data.activity.author?.type !== 'business') return ignored('not an agent typing');
      const k = await known(ctx, p.data.conversation.id);
      if (!k) return ignored('unknown conversation');
      return stale(async () => {
        await ctx.inbound.typing(ctx.providerId, k.id, { id: AGENTS_ID, name: p.data.activity.author?.displayName || AGENT_NAME }, p.data.activity.type === 'typing:start');
        return { ok: true as const };
      });
    }
    default:
      return ignored('not acted on');
  }
}

function ensure(ctx: Ctx, sunshineId: string, user: { id: string; name?: string }, locale: string | undefined, firstMessageId?: string) {
  return ensureProviderConversation(ctx.deps, {
    providerId: ctx.providerId,
    externalId: sunshineId,
    botId: ctx.cfg.botId,
    user: { id: user.id.slice(0, 200), ...(user.name ? { name: user.name.slice(0, 200) } : {}) },
    locale: locale?.slice(0, 35),
    state: { sunshineId, ...(firstMessageId ? { firstMessageId } : {}) } satisfies SunshineState,
  });
}

async function userMessage(ctx: Ctx, p: z.infer<typeof MessagePayload>): Promise<Outcome> {
  const { conversation, message } = p;
  const body = userBody(message.content);
  if (!body) return ignored(`content ${message.content.type}`);
  const a = message.author;
  const { conversationId } = await ensure(ctx, conversation.id, { id: a.userId ?? a.user?.id ?? conversation.id, name: a.displayName }, a.user?.profile?.locale, message.id);
  await learn(ctx, conversationId, conversation.activeSwitchboardIntegration ?? undefined, message.id);
  return stale(async () => ({ ok: true as const, duplicate: (await sendUserMessage(ctx.deps, conversationId, body, `sunshine:${message.id}`)).duplicate }));
}

/**
 * Remembers the first Sunshine message of the bot's episode (the ticket starts there), and Baton's
 * own switchboard integration: the one in control while the conversation is with the bot.
 */
async function learn(ctx: Ctx, conversationId: string, active: SwitchboardIntegration | undefined, messageId: string): Promise<void> {
  const store = providerState(ctx.deps, ctx.providerId);
  const state = readState(await store.get(conversationId));
  const patch: Partial<SunshineState> = {};
  if (!state.firstMessageId) patch.firstMessageId = messageId;
  if (active && !state.botSwitchboardId && !ctx.cfg.switchboardIntegration && active.id !== state.agentSwitchboardId) {
    const conv = await findConversation(ctx.deps.store.db, conversationId);
    if (conv?.status === 'bot') patch.botSwitchboardId = active.id;
  }
  if (Object.keys(patch).length) await store.set(conversationId, patch);
}

async function businessMessage(ctx: Ctx, eventId: string, p: z.infer<typeof MessagePayload>): Promise<Outcome> {
  const { conversation, message } = p;
  if (message.metadata && message.metadata[OWN_MESSAGE_KEY] !== undefined) return ignored('Baton’s own message');
  if (message.author.subtypes?.includes('activity')) return ignored('a system activity');
  const k = await known(ctx, conversation.id);
  if (!k) return ignored('unknown conversation');
  const body = agentBody(message.content);
  if (!body.text && !body.buttons && !body.cards) return ignored(`content ${message.content.type}`);
  return once(ctx, eventId, () => ctx.inbound.message(ctx.providerId, k.id, { id: AGENTS_ID, name: message.author.displayName?.slice(0, 200) || AGENT_NAME }, body));
}

/** Whether a switchboard integration is Baton's: the configured one, the learned one, or (with the agent side's known) any other than the agent side's. */
function isBaton(cfg: SunshineConversationsConfig, state: SunshineState, si: SwitchboardIntegration | undefined): boolean {
  if (!si) return true; // released: the next activity goes to the default integration, the bot
  const ref = cfg.switchboardIntegration;
  if (ref) return si.id === ref || si.name === ref || si.integrationType === ref;
  if (state.botSwitchboardId) return si.id === state.botSwitchboardId;
  return state.agentSwitchboardId !== undefined && si.id !== state.agentSwitchboardId;
}

/** Control moved to `active` (none: released): to Baton the bot resumes; to the agent side an agent has the conversation. */
async function controlMoved(ctx: Ctx, eventId: string, sunshineId: string, active: SwitchboardIntegration | undefined): Promise<Outcome> {
  const k = await known(ctx, sunshineId);
  if (!k) return ignored('unknown conversation');
  const store = providerState(ctx.deps, ctx.providerId);
  const agent: ExternalAgent = { id: AGENTS_ID, name: AGENT_NAME };
  if (isBaton(ctx.cfg, k.state, active)) {
    const outcome = await once(ctx, eventId, () => ctx.inbound.handback(ctx.providerId, k.id, {}, agent));
    // a new bot episode: its first message starts the next ticket; the next agent side is learned again
    if (k.conv.status === 'agent' || k.conv.status === 'offloaded') await store.set(k.id, { agentSwitchboardId: undefined, firstMessageId: undefined, ...(active && !ctx.cfg.switchboardIntegration ? { botSwitchboardId: active.id } : {}) });
    return outcome;
  }
  if (k.conv.status === 'bot' || k.conv.status === 'closed') return ignored('not handed over');
  if (k.state.agentSwitchboardId !== active!.id) await store.set(k.id, { agentSwitchboardId: active!.id });
  if (k.conv.status === 'agent') return { ok: true };
  return once(ctx, eventId, () => ctx.inbound.accepted(ctx.providerId, k.id, agent));
}

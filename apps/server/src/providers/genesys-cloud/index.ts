// Genesys Cloud through Open Messaging (docs/providers/genesys-cloud.md): Baton speaks as the
// customer (inbound open messages), agents answer through the signed outbound webhook, and because
// Genesys sends no "agent ended" event there, a poller reads the conversation's participants.
import type { FastifyInstance } from 'fastify';
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { parseJson, validationFailed } from '../../http/parse.js';
import { registerSignedInbound } from '../../http/signed-inbound.js';
import { fromJson } from '../../store/json.js';
import { providerState } from '../state.js';
import type { DeliveryResult, OffloadingProvider, ProviderEvent, ProviderRuntime } from '../provider.js';
import { genesysApi } from './client.js';
import { configProblems, GenesysConfig } from './config.js';
import {
  chunkText,
  currentAgent,
  customAttributes,
  GenesysConversation,
  goodbyeText,
  handoverTexts,
  inboundMessage,
  mirroredText,
  OutboundNormalizedMessage,
  readWebhook,
  sessionEnded,
} from './messages.js';
import { SIGNATURE_HEADER, verifyGenesysSignature } from './signature.js';

export const GENESYS_TYPE = 'genesys-cloud';
/** The worker wakes every second; each provider is polled every `pollSeconds`. */
const WORKER_INTERVAL_MS = 1000;
const POLL_CONCURRENCY = 4;
const POLL_BATCH = 500;

/** What Baton remembers per conversation (provider_state), for the webhook and the poller. */
interface GenesysState {
  /** requestedAt (ms) of the handover this state belongs to: a new handover starts afresh */
  handoverAt?: number;
  /** the handover reached Genesys: only then are later messages and goodbyes worth sending */
  delivered?: boolean;
  /** returned for the handover message (prefetchConversationId), else learned from the webhook */
  genesysConversationId?: string | null;
  agent?: { id: string; name?: string } | null;
  /** the agent side ended (seen by the poller); nothing more is sent for this handover */
  ended?: boolean;
}

// prefetchConversationId=true makes Genesys return the conversation id with the message, so the end
// poller can watch a handover from the start (also one an agent ends without writing)
const inboundPath = (c: GenesysConfig, prefetch: boolean) =>
  `/api/v2/conversations/messages/${encodeURIComponent(c.integrationId)}/inbound/open/message${prefetch ? '?prefetchConversationId=true' : ''}`;
const conversationPath = (id: string) => `/api/v2/conversations/messages/${encodeURIComponent(id)}`;

/** Posts the texts in order, each its own message; a retry re-sends the same ids, which Genesys dedupes. */
async function postTexts(
  c: GenesysConfig,
  event: ProviderEvent,
  texts: string[],
  attributes?: Record<string, string>,
  prefetch = false,
): Promise<{ ok: true; conversationId?: string } | { ok: false; result: DeliveryResult }> {
  let conversationId: string | undefined;
  for (const [i, text] of texts.entries()) {
    const messageId = texts.length === 1 ? event.id : `${event.id}-${i + 1}`;
    const res = await genesysApi(c, 'POST', inboundPath(c, prefetch), inboundMessage(event, { integrationId: c.integrationId, messageId, text, part: i, attributes }));
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

async function deliver(event: ProviderEvent, rt: ProviderRuntime): Promise<DeliveryResult> {
  const parsed = GenesysConfig.safeParse(rt.provider.config ?? {});
  if (!parsed.success) return { ok: false, retry: false, error: `Genesys settings are invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}` };
  const c = parsed.data;
  const convId = event.conversation.id;
  const state = (await rt.state.get(convId)) as GenesysState;

  if (event.type === 'handover.requested') {
    const handoverAt = Date.parse(event.handover?.requestedAt ?? event.createdAt);
    // a retry of the same handover keeps what the webhook may have learned meanwhile
    if (state.handoverAt !== handoverAt) await rt.state.set(convId, { handoverAt, delivered: false, genesysConversationId: null, agent: null, ended: false });
    const sent = await postTexts(c, event, handoverTexts(event), customAttributes(event), true);
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
    const sent = await postTexts(c, event, chunkText(text), { batonConversationId: convId });
    return sent.ok ? { ok: true } : sent.result;
  }

  // handover.cancelled / conversation.closed: Open Messaging has no customer-side "end" message, so
  // the agent is told why in a last message, then the conversation is disconnected (which also takes
  // it out of the queue if nobody answered yet). A retry re-posts the same message, which Genesys dedupes.
  const sent = await postTexts(c, event, [goodbyeText(event)]);
  if (!sent.ok) return sent.result;
  if (!state.genesysConversationId) return { ok: true };
  const res = await genesysApi(c, 'PATCH', conversationPath(state.genesysConversationId), { state: 'disconnected' });
  if (res.ok) {
    await rt.state.set(convId, { ended: true });
    return { ok: true };
  }
  if (res.retryable) return { ok: false, retry: true, error: `disconnect: ${res.error}` };
  // e.g. 403 without the permission: the agent read the last message and ends the conversation
  rt.deps.log.warn({ provider: rt.provider.id, conversation: convId, error: res.error }, 'Genesys: could not disconnect the conversation');
  return { ok: true };
}

/** The agent's name for Baton: cached per Genesys conversation, else looked up once. */
async function agentFor(deps: Deps, providerId: string, c: GenesysConfig, batonId: string, genesysId: string | undefined): Promise<{ id: string; name?: string }> {
  const state = providerState(deps, providerId);
  const s = (await state.get(batonId)) as GenesysState;
  // typing events may come without a conversationId: the last known agent is the best guess
  const known = s.agent && (!genesysId || s.genesysConversationId === genesysId) ? s.agent : undefined;
  if (known) return known;
  let agent: { id: string; name?: string } | undefined;
  if (genesysId) {
    const res = await genesysApi({ ...c, timeoutMs: Math.min(c.timeoutMs, 3000) }, 'GET', conversationPath(genesysId));
    const conv = res.ok ? GenesysConversation.safeParse(res.json) : undefined;
    if (conv?.success) agent = currentAgent(conv.data);
    else deps.log.warn({ provider: providerId, status: res.status, error: res.error }, 'Genesys: could not look up the agent');
  }
  if (genesysId && (genesysId !== s.genesysConversationId || agent)) await state.set(batonId, { genesysConversationId: genesysId, ...(agent ? { agent } : {}) });
  // Genesys knows who it is; Baton only needs a stable id for the actor
  return agent ?? { id: 'genesys', name: 'Agent' };
}

/** Tells Genesys that an agent message did not reach the user (the agent sees it as failed). */
async function failedReceipt(deps: Deps, c: GenesysConfig, m: OutboundNormalizedMessage, why: string): Promise<void> {
  const path = `/api/v2/conversations/messages/${encodeURIComponent(c.integrationId)}/inbound/open/receipt`;
  const res = await genesysApi(c, 'POST', path, {
    id: m.id,
    channel: { to: { id: m.channel.to.id, idType: 'Opaque' }, time: new Date(deps.clock.now()).toISOString() },
    status: 'Failed',
    direction: 'Outbound',
    isFinalReceipt: true,
    reasons: [{ code: 'GeneralError', message: why }],
  });
  if (!res.ok) deps.log.warn({ error: res.error }, 'Genesys: could not send a Failed receipt');
}

/** Errors that mean "this conversation is no longer with Genesys": answered 200, never retried. */
const NOT_DELIVERABLE = new Set(['CONVERSATION_NOT_FOUND', 'NOT_WITH_AGENT', 'NOT_WAITING', 'INVALID_TRANSITION', 'CONVERSATION_CLOSED']);

function registerRoutes(app: FastifyInstance, deps: Deps, inbound: InboundActions): void {
  registerSignedInbound(app, deps, '/api/v1/providers/genesys-cloud/:providerId/webhook', {
    async target(req) {
      const { providerId } = req.params as { providerId: string };
      const settings = await deps.settings.offloading();
      const provider = settings.providers.find((p) => p.id === providerId && p.type === GENESYS_TYPE);
      if (!provider) throw new AppError('PROVIDER_NOT_FOUND', `No Genesys Cloud provider "${providerId}"`);
      const parsedConfig = GenesysConfig.safeParse(provider.config ?? {});
      if (!parsedConfig.success) throw new AppError('PROVIDER_NOT_FOUND', `The Genesys Cloud provider "${providerId}" is not fully configured`);
      return { providerId, c: parsedConfig.data };
    },
    verify({ c }, raw, req) {
      if (!verifyGenesysSignature([c.webhookSecret, c.previousWebhookSecret ?? ''], raw, req.headers[SIGNATURE_HEADER] as string | undefined)) {
        throw new AppError('SIGNATURE_INVALID', 'Missing or wrong X-Hub-Signature-256');
      }
    },
    budgetKey: ({ providerId }) => `provider:${providerId}`,
    async handle(_req, _reply, { providerId, c }, raw) {
      const parsed = OutboundNormalizedMessage.safeParse(parseJson(raw));
      if (!parsed.success) throw validationFailed(parsed.error);
      const m = parsed.data;
      const action = readWebhook(m);
      // receipts, bot-flow messages and other events need nothing from Baton; 200 stops the retries
      if (action.kind === 'ignore') return { ok: true, ignored: action.why };
      try {
        const { duplicate } = await inbound.once(providerId, m.id, async () => {
          const agent = await agentFor(deps, providerId, c, action.conversationId, m.conversationId);
          if (action.kind === 'message') await inbound.message(providerId, action.conversationId, agent, { text: action.text });
          else await inbound.typing(providerId, action.conversationId, agent, action.on);
        });
        return { ok: true, duplicate };
      } catch (err) {
        // an error status would make Genesys retry, then show the chat as broken: answer 200 and
        // mark the agent's message as failed instead
        if (err instanceof AppError && NOT_DELIVERABLE.has(err.code)) {
          if (action.kind === 'message') void failedReceipt(deps, c, m, err.message).catch((e) => deps.log.warn({ err: e }, 'Genesys receipt failed'));
          return { ok: true, delivered: false, reason: err.code };
        }
        throw err;
      }
    },
  });
}

// ---- the end poller ------------------------------------------------------------------------------

const lastPoll = new Map<string, number>();

async function pollProvider(deps: Deps, inbound: InboundActions, providerId: string, c: GenesysConfig): Promise<void> {
  // reads only: outside a write job the store's read connection is free
  const rows = await deps.store.db
    .selectFrom('conversations')
    .innerJoin('provider_state', (j) => j.onRef('provider_state.conversation_id', '=', 'conversations.id').onRef('provider_state.provider_id', '=', 'conversations.provider_id'))
    .select(['conversations.id as id', 'conversations.status as status', 'conversations.handover as handover', 'provider_state.data as data'])
    .where('conversations.provider_id', '=', providerId)
    .where('conversations.status', 'in', ['offloaded', 'agent'])
    .limit(POLL_BATCH)
    .execute();
  const queue = rows.flatMap((r) => {
    const s = fromJson<GenesysState>(r.data, {});
    const h = fromJson<{ requestedAt?: number } | null>(r.handover, null);
    // only the current handover's Genesys conversation: an older one is disconnected by definition
    return s.genesysConversationId && !s.ended && h?.requestedAt === s.handoverAt ? [{ id: r.id, status: r.status, state: s, genesysId: s.genesysConversationId }] : [];
  });
  const state = providerState(deps, providerId);
  const one = async (item: (typeof queue)[number]) => {
    const res = await genesysApi(c, 'GET', conversationPath(item.genesysId));
    if (!res.ok) {
      deps.log.warn({ provider: providerId, conversation: item.id, status: res.status, error: res.error }, 'Genesys: could not read the conversation');
      return;
    }
    const parsed = GenesysConversation.safeParse(res.json);
    if (!parsed.success) return;
    const agent = currentAgent(parsed.data);
    if (!sessionEnded(parsed.data)) {
      if (agent && (agent.id !== item.state.agent?.id || agent.name !== item.state.agent?.name)) await state.set(item.id, { agent });
      // an agent answered in Genesys: the user sees who joined and the bot stops, before the first message
      const connected = parsed.data.participants.some((x) => x.purpose === 'agent' && x.state === 'connected');
      if (agent && connected && item.status === 'offloaded') await inbound.accepted(providerId, item.id, agent);
      return;
    }
    await state.set(item.id, { ended: true });
    // idempotent against the state machine: another instance doing the same is harmless
    if (c.onAgentEnd === 'close') await inbound.closed(providerId, item.id, agent);
    else await inbound.handback(providerId, item.id, { dialog: c.handbackDialog }, agent);
  };
  await Promise.all(
    Array.from({ length: Math.min(POLL_CONCURRENCY, queue.length) }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        await one(item).catch((err) => deps.log.error({ err, provider: providerId, conversation: item.id }, 'Genesys: end check failed'));
      }
    }),
  );
}

async function tick(deps: Deps, inbound: InboundActions): Promise<void> {
  const settings = await deps.settings.offloading();
  for (const p of settings.providers) {
    if (p.type !== GENESYS_TYPE || p.enabled === false) continue;
    const c = GenesysConfig.safeParse(p.config ?? {});
    if (!c.success) continue;
    const now = Date.now();
    if (now - (lastPoll.get(p.id) ?? 0) < c.data.pollSeconds * 1000 - WORKER_INTERVAL_MS / 2) continue;
    lastPoll.set(p.id, now);
    await pollProvider(deps, inbound, p.id, c.data);
  }
}

export const genesysCloudProvider: OffloadingProvider = {
  type: GENESYS_TYPE,
  wants: () => true,
  validateConfig: configProblems,
  deliver,
  registerRoutes,
  worker: { intervalMs: WORKER_INTERVAL_MS, tick },
};


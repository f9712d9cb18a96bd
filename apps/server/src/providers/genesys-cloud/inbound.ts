// Genesys → Baton: the Outbound NormalizedMessage Genesys posts to the signed webhook (an agent's
// message or typing), answered 200 for anything Baton does not act on so Genesys stops retrying.
import { ProviderCallbackAck, ProviderIdParams } from '@baton/proto';
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { registerSignedInbound } from '../../http/signed-inbound.js';
import { providerOfCallback } from '../provider.js';
import { parseJson, validationFailed } from '../../input-checks.js';
import { providerState } from '../state.js';
import { conversationPath, type GenesysApi } from './client.js';
import { GENESYS_TYPE, GenesysConfig } from './config.js';
import { GENESYS_TEXT_LIMIT } from './outbound.js';
import { SIGNATURE_HEADER, verifyGenesysSignature } from './signature.js';
import { currentAgent, GenesysConversation, type GenesysState } from './state.js';

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

/** The agent's name for Baton: cached per Genesys conversation, else looked up once. */
async function agentFor(deps: Deps, api: GenesysApi, providerId: string, c: GenesysConfig, batonId: string, genesysId: string | undefined): Promise<{ id: string; name?: string }> {
  const state = providerState(deps, providerId);
  const s = (await state.get(batonId)) as GenesysState;
  // typing events may come without a conversationId: the last known agent is the best guess
  const known = s.agent && (!genesysId || s.genesysConversationId === genesysId) ? s.agent : undefined;
  if (known) return known;
  let agent: { id: string; name?: string } | undefined;
  if (genesysId) {
    const res = await api.call({ ...c, timeoutMs: Math.min(c.timeoutMs, 3000) }, 'GET', conversationPath(genesysId));
    const conv = res.ok ? GenesysConversation.safeParse(res.json) : undefined;
    if (conv?.success) agent = currentAgent(conv.data);
    else deps.log.warn({ provider: providerId, status: res.status, error: res.error }, 'Genesys: could not look up the agent');
  }
  if (genesysId && (genesysId !== s.genesysConversationId || agent)) await state.set(batonId, { genesysConversationId: genesysId, ...(agent ? { agent } : {}) });
  // Genesys knows who it is; Baton only needs a stable id for the actor
  return agent ?? { id: 'genesys', name: 'Agent' };
}

/** Tells Genesys that an agent message did not reach the user (the agent sees it as failed). */
async function failedReceipt(deps: Deps, api: GenesysApi, c: GenesysConfig, m: OutboundNormalizedMessage, why: string): Promise<void> {
  const path = `/api/v2/conversations/messages/${encodeURIComponent(c.integrationId)}/inbound/open/receipt`;
  const res = await api.call(c, 'POST', path, {
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

export function registerGenesysWebhook(app: FastifyInstance, deps: Deps, inbound: InboundActions, api: GenesysApi): void {
  registerSignedInbound(app, deps, '/api/v1/providers/genesys-cloud/:providerId/webhook', {
    doc: {
      name: 'receiveGenesysCloudNotification',
      summary:
        'Genesys Cloud Open Messaging outbound notifications (agent Text messages, Typing events; receipts and bot-flow messages acknowledged), signed with X-Hub-Signature-256 (sha256= + base64 HMAC-SHA256 of the raw body); a repeated message id is applied once; a message for a user who has left gets 200 and a Failed receipt',
      tag: 'Providers',
      signedWith: 'genesysSignature',
      params: ProviderIdParams,
      body: OutboundNormalizedMessage,
      response: ProviderCallbackAck,
    },
    async target(req) {
      const provider = await providerOfCallback(deps, req.params, GENESYS_TYPE, 'Genesys Cloud');
      const providerId = provider.id;
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
          const agent = await agentFor(deps, api, providerId, c, action.conversationId, m.conversationId);
          if (action.kind === 'message') await inbound.message(providerId, action.conversationId, agent, { text: action.text });
          else await inbound.typing(providerId, action.conversationId, agent, action.on);
        });
        return { ok: true, duplicate };
      } catch (err) {
        // an error status would make Genesys retry, then show the chat as broken: answer 200 and
        // mark the agent's message as failed instead
        if (err instanceof AppError && NOT_DELIVERABLE.has(err.code)) {
          if (action.kind === 'message') void failedReceipt(deps, api, c, m, err.message).catch((e) => deps.log.warn({ err: e }, 'Genesys receipt failed'));
          return { ok: true, delivered: false, reason: err.code };
        }
        throw err;
      }
    },
  });
}


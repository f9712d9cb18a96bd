// Help Scout → Baton: the webhook route (Manage > Apps > Webhooks, payload v2). Help Scout signs the
// raw body (X-HelpScout-Signature = base64 HMAC-SHA1 with the webhook's secret key), retries non-2xx
// answers and disables a webhook that answers 410, so anything we do not act on is a quick 200.
import { createHash, createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ProviderCallbackAck, ProviderIdParams } from '@baton/proto';
import { z } from 'zod';
import type { InboundActions, ExternalAgent } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { registerSignedInbound } from '../../http/signed-inbound.js';
import { providerOfCallback } from '../provider.js';
import { parseJson } from '../../input-checks.js';
import { safeEqual } from '../../tokens.js';
import { createHelpScoutClient, type HelpScoutAccounts } from './client.js';
import { HelpScoutConfig } from './config.js';
import { htmlToText } from './html-text.js';
import { findByHelpScoutId, markEnded } from './state.js';

export const WEBHOOK_PATH = '/api/v1/providers/help-scout/:providerId/webhook';

const Id = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

// Help Scout payloads carry many more fields; v1/v2 names differ, so only what we read is checked.
const Person = z
  .object({ id: Id.optional(), type: z.string().optional(), first: z.string().nullish(), last: z.string().nullish(), firstName: z.string().nullish(), lastName: z.string().nullish(), email: z.string().nullish() })
  .loose();
export type HelpScoutPerson = z.infer<typeof Person>;

const Thread = z
  .object({ id: Id, type: z.string().optional(), state: z.string().optional(), body: z.string().nullish(), createdBy: Person.nullish(), createdAt: z.string().optional() })
  .loose();
export type HelpScoutThread = z.infer<typeof Thread>;

/** the v2 Conversation object (every convo.* event but convo.deleted, which is just {id}) */
export const ConversationPayload = z
  .object({
    id: Id,
    status: z.string().optional(),
    assignee: Person.nullish(),
    owner: Person.nullish(),
    closedByUser: Person.nullish(),
    _embedded: z.object({ threads: z.array(Thread).optional() }).loose().optional(),
    threads: z.union([z.number(), z.array(Thread)]).optional(),
  })
  .loose();
export type ConversationPayload = z.infer<typeof ConversationPayload>;

export function signature(secret: string, raw: string | Buffer): string {
  return createHmac('sha1', secret).update(raw).digest('base64');
}

/** Any of the secrets (the current one, and the previous one during a rotation) against the raw bytes. */
export function signatureMatches(secrets: string | readonly string[], raw: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return [secrets].flat().filter(Boolean).map((s) => safeEqual(signature(s, raw), header.trim())).includes(true);
}

export function agentOf(p: HelpScoutPerson | null | undefined): ExternalAgent | undefined {
  if (!p || p.id === undefined) return undefined;
  const name = [p.first ?? p.firstName, p.last ?? p.lastName].filter(Boolean).join(' ').trim() || p.email || undefined;
  return { id: String(p.id), ...(name ? { name } : {}) };
}

const AGENT_THREAD_TYPES = new Set(['reply', 'message', 'chat']);

/** The newest published reply written by a Help Scout user that Baton did not post itself. */
export function newestAgentReply(threads: HelpScoutThread[], own: number[] = []): HelpScoutThread | undefined {
  return threads
    .filter((t) => AGENT_THREAD_TYPES.has(t.type ?? '') && t.createdBy?.type === 'user' && !['draft', 'hidden'].includes(t.state ?? '') && !own.includes(t.id))
    .sort((a, b) => (Date.parse(b.createdAt ?? '') || 0) - (Date.parse(a.createdAt ?? '') || 0) || b.id - a.id)[0];
}

function threadsOf(c: ConversationPayload): HelpScoutThread[] {
  return c._embedded?.threads ?? (Array.isArray(c.threads) ? c.threads : []);
}

// state conflicts (already back with the bot, closed…) are answered 200: a retry would not change them
const STALE = new Set(['NOT_WAITING', 'NOT_WITH_AGENT', 'CONVERSATION_NOT_FOUND', 'CONVERSATION_CLOSED', 'INVALID_TRANSITION']);

type Outcome = { ok: true; duplicate?: boolean; ignored?: string };

export function registerHelpScoutWebhook(app: FastifyInstance, deps: Deps, inbound: InboundActions, accounts: HelpScoutAccounts): void {
  registerSignedInbound(app, deps, WEBHOOK_PATH, {
    doc: {
      name: 'receiveHelpScoutWebhook',
      summary:
        'Help Scout webhooks (convo.assigned, convo.agent.reply.created, convo.status, convo.deleted, convo.merged), signed with X-HelpScout-Signature (base64 HMAC-SHA1 of the raw body); other events are acknowledged with 200',
      tag: 'Providers',
      signedWith: 'helpScoutSignature',
      params: ProviderIdParams,
      // convo.deleted carries only {id}; the event's name is in the X-HelpScout-Event header
      body: ConversationPayload,
      response: ProviderCallbackAck,
    },
    target: (req) => providerOfCallback(deps, req.params, 'help-scout', 'Help Scout'),
    verify(provider, raw, req) {
      const secrets = [provider.config?.webhookSecret, provider.config?.previousWebhookSecret].map((s) => String(s ?? ''));
      if (!signatureMatches(secrets, raw, req.headers['x-helpscout-signature'] as string | undefined)) {
        throw new AppError('SIGNATURE_INVALID', 'Missing or wrong X-HelpScout-Signature');
      }
    },
    budgetKey: (provider) => `provider:${provider.id}`,
    async handle(req, _reply, provider, raw): Promise<Outcome> {
      const event = String(req.headers['x-helpscout-event'] ?? '');
      return handleEvent(deps, inbound, accounts, provider.id, provider.config ?? {}, event, parseJson(raw), raw);
    },
  });
}

export async function handleEvent(deps: Deps, inbound: InboundActions, accounts: HelpScoutAccounts, providerId: string, config: Record<string, unknown>, event: string, json: unknown, raw: string | Buffer): Promise<Outcome> {
  if (!event.startsWith('convo.')) return { ok: true, ignored: `event ${event || '(none)'}` };
  const parsed = ConversationPayload.safeParse(json);
  if (!parsed.success) return { ok: true, ignored: 'not a conversation payload' };
  const convo = parsed.data;
  const found = await findByHelpScoutId(deps, providerId, convo.id);
  if (!found || found.state.ended) return { ok: true, ignored: 'no current handover for this Help Scout conversation' };
  const { conversationId, state } = found;
  const parsedConfig = HelpScoutConfig.safeParse(config);
  // settings are validated when saved; a stored config that no longer parses is an operator problem
  if (!parsedConfig.success) throw new AppError('SETTINGS_INVALID', 'The Help Scout provider settings are not valid');
  const cfg = parsedConfig.data;
  const bodyHash = createHash('sha256').update(raw).digest('hex').slice(0, 32);

  const apply = async (key: string, fn: () => Promise<void>): Promise<Outcome> => {
    try {
      const { duplicate } = await inbound.once(providerId, `${event}:${convo.id}:${key}`, fn);
      return { ok: true, duplicate };
    } catch (err) {
      if (err instanceof AppError && STALE.has(err.code)) return { ok: true, ignored: err.code };
      throw err;
    }
  };

  switch (event) {
    case 'convo.assigned': {
      const agent = agentOf(convo.assignee ?? convo.owner);
      if (!agent) return { ok: true, ignored: 'unassigned' };
      return apply(`user-${agent.id}:${bodyHash}`, () => inbound.accepted(providerId, conversationId, agent));
    }
    case 'convo.agent.reply.created': {
      let reply = newestAgentReply(threadsOf(convo), state.ownThreadIds);
      // a payload without threads: read them (newest first) from the API
      if (!reply) reply = newestAgentReply(await fetchThreads(cfg, accounts, convo.id, deps), state.ownThreadIds);
      if (!reply) return { ok: true, ignored: 'no agent reply thread' };
      const text = htmlToText(reply.body ?? '');
      if (!text) return { ok: true, ignored: 'empty reply' };
      const agent = agentOf(reply.createdBy) ?? agentOf(convo.assignee) ?? { id: 'unknown' };
      return apply(`thread-${reply.id}`, () => inbound.message(providerId, conversationId, agent, { text }));
    }
    case 'convo.status':
      if (convo.status !== 'closed' && convo.status !== 'spam') return { ok: true, ignored: `status ${convo.status}` };
      return end(`status-${convo.status}`);
    case 'convo.deleted':
    case 'convo.merged':
      return end(event);
    default:
      // convo.customer.reply.created is the echo of our own threads; notes are internal; the rest is noise
      return { ok: true, ignored: `event ${event}` };
  }

  async function end(key: string): Promise<Outcome> {
    const agent = agentOf(convo.closedByUser) ?? agentOf(convo.assignee ?? convo.owner);
    const outcome = await apply(key, async () => {
      if (cfg.onClose === 'close') await inbound.closed(providerId, conversationId, agent);
      else await inbound.handback(providerId, conversationId, {}, agent);
    });
    // whatever Baton's state was, this Help Scout conversation no longer speaks for the user
    await markEnded(deps, providerId, conversationId, convo.id);
    return outcome;
  }
}

async function fetchThreads(cfg: HelpScoutConfig, accounts: HelpScoutAccounts, helpScoutId: number, deps: Deps): Promise<HelpScoutThread[]> {
  const res = await createHelpScoutClient(cfg, accounts, () => deps.clock.now()).get(`/v2/conversations/${helpScoutId}?embed=threads`);
  if (!res.ok) {
    // a retryable failure makes Help Scout send the webhook again later
    if (res.retryable) throw new AppError('NOT_READY', `Help Scout threads unavailable: ${res.error}`);
    return [];
  }
  const parsed = ConversationPayload.safeParse(res.json);
  return parsed.success ? threadsOf(parsed.data) : [];
}


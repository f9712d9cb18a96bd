// The generic Offloading Webhook (DESIGN.md §6): Baton POSTs signed JSON events to the configured URL;
// the provider calls back POST /api/v1/providers/webhook/{providerId}/events signed the same way.
import { z } from 'zod';
import { Button, Card, MAX_TEXT_LENGTH, Variables, WebhookConfig } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { OffloadingProvider } from '../provider.js';
import { signBody, verifySignature } from '../signing.js';
import { postJson } from '../http-client.js';
import { parseJson, validationFailed } from '../../http/parse.js';
import { registerSignedInbound } from '../../http/signed-inbound.js';

// the config schema lives in proto, with what the desk shows for each field
export { WebhookConfig } from '@baton/proto';

export const WebhookCallback = z.discriminatedUnion('type', [
  z.object({ id: z.string().min(1).max(200), type: z.literal('agent.accepted'), conversationId: z.string(), agent: z.object({ id: z.string().min(1), name: z.string().max(200).optional() }) }),
  z.object({
    id: z.string().min(1).max(200),
    type: z.literal('agent.message'),
    conversationId: z.string(),
    agent: z.object({ id: z.string().min(1), name: z.string().max(200).optional() }),
    text: z.string().max(MAX_TEXT_LENGTH).optional(),
    buttons: z.array(Button).max(10).optional(),
    cards: z.array(Card).max(10).optional(),
  }),
  z.object({ id: z.string().min(1).max(200), type: z.literal('agent.typing'), conversationId: z.string(), agent: z.object({ id: z.string().min(1), name: z.string().max(200).optional() }), on: z.boolean().default(true) }),
  z.object({ id: z.string().min(1).max(200), type: z.literal('conversation.handback'), conversationId: z.string(), agent: z.object({ id: z.string(), name: z.string().optional() }).optional(), dialog: z.string().max(100).optional(), variables: Variables.optional() }),
  z.object({ id: z.string().min(1).max(200), type: z.literal('conversation.closed'), conversationId: z.string(), agent: z.object({ id: z.string(), name: z.string().optional() }).optional() }),
  z.object({ id: z.string().min(1).max(200), type: z.literal('handover.refused'), conversationId: z.string(), reason: z.string().max(500).optional() }),
]);

export const webhookProvider: OffloadingProvider = {
  type: 'webhook',
  wants: () => true,
  validateConfig(config) {
    const r = WebhookConfig.safeParse(config);
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  },
  async deliver(event, rt) {
    const cfg = WebhookConfig.parse(rt.provider.config ?? {});
    const body = JSON.stringify(event);
    const t = Math.floor(rt.deps.clock.now() / 1000);
    const res = await postJson(cfg.url, body, {
      headers: {
        'X-Baton-Event': event.type,
        'X-Baton-Delivery': event.id,
        'X-Baton-Signature': signBody(cfg.secret, body, t),
        'User-Agent': 'Baton-Webhook/1',
      },
      timeoutMs: cfg.timeoutMs ?? 10_000,
    });
    if (res.ok) {
      // a receiver may refuse a handover synchronously: 2xx with {"accepted": false, "reason": "…"}
      const refused = event.type === 'handover.requested' && (res.json as { accepted?: boolean } | undefined)?.accepted === false;
      if (refused) return { ok: false, retry: false, refused: true, error: String((res.json as { reason?: string }).reason ?? 'refused by the provider') };
      return { ok: true };
    }
    return { ok: false, retry: res.retryable, error: res.error };
  },
  registerRoutes(app: FastifyInstance, deps: Deps, inbound: InboundActions) {
    registerSignedInbound(app, deps, '/api/v1/providers/webhook/:providerId/events', {
      async target(req) {
        const { providerId } = req.params as { providerId: string };
        const settings = await deps.settings.offloading();
        const provider = settings.providers.find((p) => p.id === providerId && p.type === 'webhook');
        if (!provider) throw new AppError('PROVIDER_NOT_FOUND', `No webhook provider "${providerId}"`);
        return provider;
      },
      verify(provider, raw, req) {
        const secrets = [provider.config?.secret, provider.config?.previousSecret].map((s) => String(s ?? ''));
        const check = verifySignature(secrets, raw, req.headers['x-baton-signature'] as string | undefined, Math.floor(deps.clock.now() / 1000));
        if (!check.ok) throw new AppError(check.code, check.message);
      },
      budgetKey: (provider) => `provider:${provider.id}`,
      async handle(_req, _reply, provider, raw) {
        const providerId = provider.id;
        const parsed = WebhookCallback.safeParse(parseJson(raw));
        if (!parsed.success) throw validationFailed(parsed.error);
        const e = parsed.data;
        const { duplicate } = await inbound.once(providerId, e.id, async () => {
          switch (e.type) {
            case 'agent.accepted':
              return inbound.accepted(providerId, e.conversationId, e.agent);
            case 'agent.message':
              if (!e.text && !e.buttons?.length && !e.cards?.length) throw new AppError('VALIDATION_FAILED', 'agent.message needs text, buttons or cards');
              return inbound.message(providerId, e.conversationId, e.agent, e);
            case 'agent.typing':
              return inbound.typing(providerId, e.conversationId, e.agent, e.on);
            case 'conversation.handback':
              return inbound.handback(providerId, e.conversationId, { dialog: e.dialog, variables: e.variables }, e.agent);
            case 'conversation.closed':
              return inbound.closed(providerId, e.conversationId, e.agent);
            case 'handover.refused':
              return inbound.refused(providerId, e.conversationId, e.reason ?? 'refused by the provider');
          }
        });
        return { ok: true, duplicate };
      },
    });
  },
};

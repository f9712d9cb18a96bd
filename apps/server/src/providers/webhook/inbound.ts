// The receiver's callbacks: POST /api/v1/providers/webhook/{providerId}/events, signed like Baton's
// deliveries (X-Baton-Signature, or the Standard Webhooks headers where that scheme is set; with the
// previous secret too during a rotation), each event applied once.
import { ProviderCallbackAck, ProviderIdParams, WebhookProviderCallback } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { registerSignedInbound } from '../../http/signed-inbound.js';
import { providerOfCallback } from '../provider.js';
import { parseJson, validationFailed } from '../../input-checks.js';
import { verifyInbound } from '../signing.js';

/** the callbacks' body is Baton's contract with the receiver, so proto declares it */
export const WebhookCallback = WebhookProviderCallback;

export function registerWebhookInbound(app: FastifyInstance, deps: Deps, inbound: InboundActions): void {
  registerSignedInbound(app, deps, '/api/v1/providers/webhook/:providerId/events', {
    doc: {
      name: 'receiveWebhookProviderEvent',
      summary:
        'Offloading Webhook callbacks (agent.accepted, agent.message, agent.typing, conversation.handback, conversation.closed, handover.refused), signed with X-Baton-Signature (or the Standard Webhooks headers where the provider’s signatureScheme is standard-webhooks); a repeated event id is acknowledged and not applied twice',
      tag: 'Providers',
      params: ProviderIdParams,
      body: WebhookProviderCallback,
      response: ProviderCallbackAck,
      errors: ['CONVERSATION_NOT_FOUND', 'NOT_WAITING', 'NOT_WITH_AGENT'],
    },
    target: (req) => providerOfCallback(deps, req.params, 'webhook', 'webhook'),
    verify(provider, raw, req) {
      const secrets = [provider.config?.secret, provider.config?.previousSecret].map((s) => String(s ?? ''));
      const scheme = provider.config?.signatureScheme === 'standard-webhooks' ? 'standard-webhooks' : 'baton';
      const check = verifyInbound(scheme, secrets, raw, req.headers, Math.floor(deps.clock.now() / 1000));
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
}

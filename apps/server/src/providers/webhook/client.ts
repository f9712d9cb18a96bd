// The one call Baton makes to a webhook receiver: an event POSTed as JSON, signed with the shared secret
// (and with the previous one too during a rotation) in the configured scheme.
import type { OutboundClient } from '../../outbound/client.js';
import { postJson, type HttpResult } from '../http-client.js';
import type { ProviderEvent } from '../provider.js';
import { signatureHeaders } from '../signing.js';
import type { WebhookConfig } from './config.js';

export function postEvent(http: OutboundClient, cfg: WebhookConfig, event: ProviderEvent, nowSeconds: number): Promise<HttpResult> {
  const body = JSON.stringify(event);
  return postJson(http, cfg.url, body, {
    headers: {
      'X-Baton-Event': event.type,
      'X-Baton-Delivery': event.id,
      ...signatureHeaders(cfg.signatureScheme, [cfg.secret, cfg.previousSecret], { id: event.id, body, unixSeconds: nowSeconds }),
      'User-Agent': 'Baton-Webhook/1',
    },
    timeoutMs: cfg.timeoutMs ?? 10_000,
  });
}

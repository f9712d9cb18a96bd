// The one call Baton makes to a webhook receiver: an event POSTed as JSON, signed with the shared secret.
import type { OutboundClient } from '../../outbound/client.js';
import { postJson, type HttpResult } from '../http-client.js';
import type { ProviderEvent } from '../provider.js';
import { signBody } from '../signing.js';
import type { WebhookConfig } from './config.js';

export function postEvent(http: OutboundClient, cfg: WebhookConfig, event: ProviderEvent, nowSeconds: number): Promise<HttpResult> {
  const body = JSON.stringify(event);
  return postJson(http, cfg.url, body, {
    headers: {
      'X-Baton-Event': event.type,
      'X-Baton-Delivery': event.id,
      'X-Baton-Signature': signBody(cfg.secret, body, nowSeconds),
      'User-Agent': 'Baton-Webhook/1',
    },
    timeoutMs: cfg.timeoutMs ?? 10_000,
  });
}

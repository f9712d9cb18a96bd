// The one call Baton makes to a webhook receiver (an Offloading Webhook provider or a channel): an
// event POSTed as JSON, signed with the shared secret (and with the previous one too during a
// rotation) in the configured scheme.
import type { SignatureScheme } from '@baton/proto';
import type { OutboundClient } from '../../outbound/client.js';
import { postJson, type HttpResult } from '../http-client.js';
import type { ProviderEvent } from '../provider.js';
import { signatureHeaders } from '../signing.js';
import type { WebhookConfig } from './config.js';

export interface SignedTarget {
  url: string;
  scheme: SignatureScheme | undefined;
  /** the current secret first, then the previous one during a rotation */
  secrets: readonly (string | null | undefined)[];
  userAgent: string;
  timeoutMs: number;
}

/** POSTs `body` (the event `event`, delivery `id`) to the target, signed. */
export function postSigned(http: OutboundClient, target: SignedTarget, delivery: { event: string; id: string; body: string; unixSeconds: number }): Promise<HttpResult> {
  return postJson(http, target.url, delivery.body, {
    headers: {
      'X-Baton-Event': delivery.event,
      'X-Baton-Delivery': delivery.id,
      ...signatureHeaders(target.scheme, target.secrets, { id: delivery.id, body: delivery.body, unixSeconds: delivery.unixSeconds }),
      'User-Agent': target.userAgent,
    },
    timeoutMs: target.timeoutMs,
  });
}

export function postEvent(http: OutboundClient, cfg: WebhookConfig, event: ProviderEvent, nowSeconds: number): Promise<HttpResult> {
  const target = { url: cfg.url, scheme: cfg.signatureScheme, secrets: [cfg.secret, cfg.previousSecret], userAgent: 'Baton-Webhook/1', timeoutMs: cfg.timeoutMs ?? 10_000 };
  return postSigned(http, target, { event: event.type, id: event.id, body: JSON.stringify(event), unixSeconds: nowSeconds });
}

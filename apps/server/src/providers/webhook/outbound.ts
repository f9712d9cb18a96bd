// Baton's events to the webhook receiver: every event is sent as it is; a receiver may refuse a
// handover in its answer.
import type { OutboundClient } from '../../outbound/client.js';
import type { DeliveryResult, ProviderEvent, ProviderRuntime } from '../provider.js';
import { postEvent } from './client.js';
import { WebhookConfig } from './config.js';

export async function deliver(event: ProviderEvent, rt: ProviderRuntime, http: OutboundClient): Promise<DeliveryResult> {
  const cfg = WebhookConfig.parse(rt.provider.config ?? {});
  const res = await postEvent(http, cfg, event, Math.floor(rt.deps.clock.now() / 1000));
  if (res.ok) {
    // a receiver may refuse a handover synchronously: 2xx with {"accepted": false, "reason": "…"}
    const refused = event.type === 'handover.requested' && (res.json as { accepted?: boolean } | undefined)?.accepted === false;
    if (refused) return { ok: false, retry: false, refused: true, error: String((res.json as { reason?: string }).reason ?? 'refused by the provider') };
    return { ok: true };
  }
  return { ok: false, retry: res.retryable, error: res.error };
}

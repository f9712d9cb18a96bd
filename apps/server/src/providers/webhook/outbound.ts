// Baton's events to the webhook receiver: every event is sent as it is; a receiver may refuse a
// handover in its answer. In platform mode (`channelId`: the receiver is that channel's own
// platform) a delivered handover of that channel's conversation is its acceptance: the platform
// controls the channel from then on, so the bot stops answering at once.
import type { OutboundClient } from '../../outbound/client.js';
import type { DeliveryResult, ProviderEvent, ProviderRuntime } from '../provider.js';
import { postEvent } from './client.js';
import { WebhookConfig } from './config.js';

/** the agent side as recorded when a platform takes its own channel's conversation */
export const PLATFORM_AGENT_ID = 'platform';

export async function deliver(event: ProviderEvent, rt: ProviderRuntime, http: OutboundClient): Promise<DeliveryResult> {
  const cfg = WebhookConfig.parse(rt.provider.config ?? {});
  const ownChannel = Boolean(cfg.channelId) && event.conversation.channelId === cfg.channelId;
  // the platform forwarded this user message itself: it would only echo back
  if (ownChannel && event.type === 'message.created' && event.message?.author.type === 'user') return { ok: true };
  const res = await postEvent(http, cfg, event, Math.floor(rt.deps.clock.now() / 1000));
  if (res.ok) {
    // a receiver may refuse a handover synchronously: 2xx with {"accepted": false, "reason": "…"}
    const refused = event.type === 'handover.requested' && (res.json as { accepted?: boolean } | undefined)?.accepted === false;
    if (refused) return { ok: false, retry: false, refused: true, error: String((res.json as { reason?: string }).reason ?? 'refused by the provider') };
    if (ownChannel && event.type === 'handover.requested') return { ok: true, accepted: { id: PLATFORM_AGENT_ID, name: rt.provider.name } };
    return { ok: true };
  }
  return { ok: false, retry: res.retryable, error: res.error };
}

// The `webhook` channel type (the default, and what every channel was before types): a connector of
// the customer's own posts signed user messages to /api/v1/channels/{id}/events and receives the
// bot's and agents' messages at its URL, signed, with a plain-text fallback. Its API, its
// signatures and its tests are the ones it always had (test/api/channel-webhook.test.ts).
import type { OutboundClient } from '../../outbound/client.js';
import { postSigned } from '../../providers/webhook/client.js';
import { channelSecrets } from '../../commands/channel-admin.js';
import { retryAfterMs, type ChannelTypeImpl } from '../channel.js';
import { webhookEventsRoute } from './inbound.js';

/** a connector renders buttons itself: the structured message and fallbackText carry everything */
const CAPABILITIES = { maxButtons: 100, buttonTitleMax: 80, buttonBodyMax: 4000, cards: true, media: false, textMax: 4000 };

export function createWebhookChannel(http: OutboundClient): ChannelTypeImpl<Record<string, never>> {
  return {
    type: 'webhook',
    inboundPath: 'events',
    capabilities: CAPABILITIES,
    reportsStatuses: false,
    routes: [webhookEventsRoute],
    async deliver({ deps, channel }, d) {
      const target = { url: channel.url, scheme: channel.signature_scheme, secrets: channelSecrets(deps, channel), userAgent: 'Baton-Channel/1', timeoutMs: 10_000 };
      const res = await postSigned(http, target, { event: 'message.created', id: d.id, body: d.raw, unixSeconds: Math.floor(deps.clock.now() / 1000) });
      if (res.ok) return { ok: true };
      // a connector that asks to wait (429/503 Retry-After) is not called sooner
      const wait = retryAfterMs(res.headers?.get('retry-after'), deps.clock.now());
      return { ok: false, retry: res.retryable, error: res.error, ...(wait ? { retryAfterMs: wait } : {}) };
    },
    async testConnection({ deps, channel }) {
      // a signed ping the connector can recognise (and ignore): it proves the URL answers 2xx
      const body = JSON.stringify({ type: 'channel.test', channelId: channel.id, createdAt: new Date(deps.clock.now()).toISOString() });
      const target = { url: channel.url, scheme: channel.signature_scheme, secrets: channelSecrets(deps, channel), userAgent: 'Baton-Channel/1', timeoutMs: 10_000 };
      const res = await postSigned(http, target, { event: 'channel.test', id: `test-${deps.clock.now()}`, body, unixSeconds: Math.floor(deps.clock.now() / 1000) });
      return res.ok ? { ok: true, message: `${channel.url} answered ${res.status}` } : { ok: false, message: res.error };
    },
  };
}

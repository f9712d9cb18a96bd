// The `sms-twilio` channel type: SMS (and MMS) through Twilio Programmable Messaging
// (docs/channels/sms-twilio.md). Inbound: the signed messaging webhook, which also takes the
// StatusCallback of what Baton sent (inbound.ts). Outbound: the Messages resource, buttons as numbered
// options and long texts in messages of a bounded number of segments (outbound.ts); 429 and 5xx
// retried by the outbox after Retry-After.
import { SmsTwilioChannelConfig } from '@baton/proto';
import type { OutboundClient } from '../../outbound/client.js';
import type { ChannelTypeImpl } from '../channel.js';
import { createMessage, downloadMmsMedia, fetchAccount } from './client.js';
import { inboundUrl, type SmsTwilioConfig } from './config.js';
import { webhookRoute } from './inbound.js';
import { mmsSplit, SMS_CAPABILITIES, smsBodies } from './outbound.js';

export function createSmsTwilioChannel(http: OutboundClient): ChannelTypeImpl<SmsTwilioConfig> {
  return {
    type: 'sms-twilio',
    configSchema: SmsTwilioChannelConfig,
    inboundPath: 'sms-twilio',
    capabilities: SMS_CAPABILITIES,
    reportsStatuses: true,
    routes: [webhookRoute],
    async deliver({ deps, channel, config }, d) {
      const now = deps.clock.now();
      // pictures as one MMS after the text (MediaUrl: Twilio fetches the signed links); other files as links
      const { message, mediaUrls } = mmsSplit(d.message, config);
      const forms: Array<Record<string, string | string[]>> = [...smsBodies(message, config).map((Body) => ({ Body })), ...(mediaUrls.length ? [{ MediaUrl: mediaUrls }] : [])];
      // without a public URL Twilio cannot report statuses: what it accepted is recorded as sent
      const statusCallback = inboundUrl(config, deps.config.PUBLIC_URL, channel.id);
      const sender: Record<string, string> = config.messagingServiceSid ? { MessagingServiceSid: config.messagingServiceSid } : { From: config.from ?? '' };
      let externalId: string | undefined;
      for (let i = d.partsSent; i < forms.length; i++) {
        const r = await createMessage(http, config, { To: d.user.id, ...sender, ...forms[i]!, ...(statusCallback ? { StatusCallback: statusCallback } : {}) }, now);
        if (!r.ok) return { ok: false, retry: r.retry, error: r.error, partsSent: i - d.partsSent, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
        externalId = r.result.sid;
      }
      return { ok: true, ...(externalId ? { externalId } : {}), status: statusCallback ? 'pending' : 'sent' };
    },
    downloadMedia: ({ deps, config }, media, maxBytes) => downloadMmsMedia(http, config, media.ref, maxBytes, deps.clock.now()),
    async testConnection({ deps, channel, config }, publicBaseUrl) {
      const r = await fetchAccount(http, config, deps.clock.now());
      if (!r.ok) return { ok: false, message: r.error };
      const url = inboundUrl(config, deps.config.PUBLIC_URL ?? publicBaseUrl, channel.id);
      return { ok: true, message: `Connected to the Twilio account “${r.result.friendly_name ?? config.accountSid}”${url ? `; set the number’s “A message comes in” webhook (HTTP POST) to ${url}` : ''}` };
    },
  };
}

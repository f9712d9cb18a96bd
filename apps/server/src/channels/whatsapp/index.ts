// The `whatsapp` channel type: the WhatsApp Cloud API as DESIGN §10.6 and Meta document it
// (docs/channels/whatsapp.md). Inbound: the verification handshake and the signed messages webhook
// (inbound.ts). Outbound: text, reply buttons and lists (outbound.ts), the 24-hour
// customer-service window respected (a template outside it, or a refusal the agent sees), rate
// limits retried after Retry-After by the outbox.
import { WhatsAppChannelConfig } from '@baton/proto';
import type { OutboundClient } from '../../outbound/client.js';
import type { ChannelTypeImpl } from '../channel.js';
import { degrade } from '../degrade.js';
import { downloadMedia, getPhoneNumber, sendMessage } from './client.js';
import { WINDOW_MS, type WhatsAppConfig } from './config.js';
import { verificationRoute, webhookRoute } from './inbound.js';
import { mediaBody, mediaKind, partBody, templateBody, WHATSAPP_CAPABILITIES } from './outbound.js';
import { splitFiles, withLinks } from '../media.js';

export function createWhatsAppChannel(http: OutboundClient): ChannelTypeImpl<WhatsAppConfig> {
  return {
    type: 'whatsapp',
    configSchema: WhatsAppChannelConfig,
    inboundPath: 'whatsapp',
    capabilities: WHATSAPP_CAPABILITIES,
    reportsStatuses: true,
    routes: [verificationRoute, webhookRoute],
    async deliver({ deps, config }, d) {
      const now = deps.clock.now();
      const to = d.user.id;
      const open = d.lastInboundAt !== null && now - d.lastInboundAt < WINDOW_MS;
      let bodies: Record<string, unknown>[];
      if (open) {
        // files as image or document messages after the text; the others as links in it
        const { message, media } = splitFiles(d.message, mediaKind);
        bodies = [...degrade(message, WHATSAPP_CAPABILITIES).map((p) => partBody(to, p)), ...media.map((m) => mediaBody(to, m.file, m.kind))];
      }
      else {
        const template = config.templates?.followUp;
        const since = d.lastInboundAt === null ? 'the user has not written on WhatsApp yet' : `the user’s last message was ${Math.floor((now - d.lastInboundAt) / 3600_000)} hours ago`;
        // Meta refuses free-form text here (error 131047): refused at once, with the reason the agent sees
        if (!template) return { ok: false, retry: false, error: `Not sent: WhatsApp allows only an approved template more than 24 hours after the user’s last message (${since}). Set a template for follow-ups in Admin > Channels, or wait for the user to write.` };
        bodies = [templateBody(to, template, withLinks(d.message, d.message.attachments ?? []))];
      }
      let externalId: string | undefined;
      for (let i = d.partsSent; i < bodies.length; i++) {
        const r = await sendMessage(http, config, bodies[i]!, now);
        if (!r.ok) return { ok: false, retry: r.retry, error: r.error, partsSent: i - d.partsSent, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
        externalId = r.id;
      }
      // Meta accepted it: `sent`, `delivered` and `read` follow as status webhooks
      return { ok: true, ...(externalId ? { externalId } : {}), status: 'pending' };
    },
    downloadMedia: ({ deps, config }, media, maxBytes) => downloadMedia(http, config, media.ref, maxBytes, deps.clock.now()),
    async testConnection({ config }) {
      const r = await getPhoneNumber(http, config);
      return r.ok ? { ok: true, message: `Connected to ${r.display}${r.name ? ` (${r.name})` : ''}` } : { ok: false, message: r.error };
    },
  };
}

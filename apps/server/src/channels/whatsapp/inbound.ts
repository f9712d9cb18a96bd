// Meta's webhook for WhatsApp (DESIGN §10.6): GET answers the verification handshake
// (hub.mode=subscribe, hub.verify_token, hub.challenge echoed as plain text, else 403); POST carries
// `object: "whatsapp_business_account"` with entry[].changes[].value.messages[] and .statuses[],
// signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
import { ChannelWebhookResult } from '@baton/proto';
import { parseJson } from '../../http/parse.js';
import type { ChannelRoute, InboundEvent } from '../channel.js';
import { metaVerificationRoute, verifyHubSignature } from '../meta-webhook.js';
import { resolvePostback } from '../postbacks.js';
import type { WhatsAppConfig } from './config.js';
import { PAYLOAD_MAX_BYTES } from './outbound.js';

export const verificationRoute = metaVerificationRoute<WhatsAppConfig>('verifyWhatsAppWebhook');

interface WaMessage {
  id: string;
  from: string;
  timestamp?: string;
  type: string;
  text?: { body?: string };
  interactive?: { type: string; button_reply?: { id: string; title?: string }; list_reply?: { id: string; title?: string } };
  button?: { payload?: string; text?: string };
  image?: { id: string; mime_type?: string; caption?: string };
  document?: { id: string; mime_type?: string; caption?: string; filename?: string };
  audio?: { id: string; mime_type?: string };
  video?: { id: string; mime_type?: string; caption?: string };
  sticker?: { id: string; mime_type?: string };
}

interface WaStatus {
  id: string;
  status: string;
  errors?: { code?: number; title?: string; message?: string; error_data?: { details?: string } }[];
}

interface WaValue {
  metadata?: { phone_number_id?: string };
  contacts?: { wa_id?: string; profile?: { name?: string } }[];
  messages?: WaMessage[];
  statuses?: WaStatus[];
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

export const webhookRoute: ChannelRoute<WhatsAppConfig> = {
  method: 'POST',
  doc: {
    name: 'receiveWhatsAppWebhook',
    summary: 'Meta’s WhatsApp webhook (object whatsapp_business_account, field messages), signed X-Hub-Signature-256 with the app secret (else 401, nothing stored): user messages into their conversation (a message id seen before is stored once), statuses recorded',
    response: ChannelWebhookResult,
    errors: ['SIGNATURE_INVALID', 'FORBIDDEN'],
  },
  verify: verifyHubSignature,
  async handle({ deps, channel, config }, _req, reply, raw, sink) {
    const body = parseJson(raw) as { object?: string; entry?: { changes?: { field?: string; value?: WaValue }[] }[] };
    const events: InboundEvent[] = [];
    if (body?.object === 'whatsapp_business_account') {
      for (const change of (body.entry ?? []).flatMap((e) => e.changes ?? [])) {
        const v = change.value;
        // another number of the same business account is another channel
        if (change.field !== 'messages' || !v || v.metadata?.phone_number_id !== config.phoneNumberId) continue;
        const names = new Map((v.contacts ?? []).map((c) => [c.wa_id, c.profile?.name]));
        for (const m of v.messages ?? []) {
          const e = messageEvent(m, names.get(m.from));
          if (!e) continue;
          if (e.postback) e.postback = await resolvePostback(deps, channel.id, m.from, e.postback, PAYLOAD_MAX_BYTES);
          events.push(e);
        }
        for (const s of v.statuses ?? []) {
          if (!STATUSES.has(s.status)) continue;
          const err = s.errors?.[0];
          events.push({ kind: 'status', externalId: s.id, status: s.status as 'sent', ...(err ? { error: `WhatsApp error ${err.code ?? ''}: ${err.title ?? err.message ?? ''}${err.error_data?.details ? ` (${err.error_data.details})` : ''}` } : {}) });
        }
      }
    }
    const r = await sink.receive(events);
    // Meta wants a 200 for every delivery it should not retry, duplicates included
    return reply.status(200).send({ received: r.stored, duplicates: r.duplicates });
  },
};

function messageEvent(m: WaMessage, name: string | undefined): Extract<InboundEvent, { kind: 'message' }> | undefined {
  const base = { kind: 'message' as const, id: m.id, user: { id: m.from, ...(name ? { name } : {}) }, ...(m.timestamp ? { at: Number(m.timestamp) * 1000 } : {}) };
  switch (m.type) {
    case 'text':
      return m.text?.body ? { ...base, text: m.text.body } : undefined;
    case 'interactive': {
      const r = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return r ? { ...base, postback: r.id, ...(r.title ? { text: r.title } : {}) } : undefined;
    }
    case 'button':
      // a template's quick-reply button
      return m.button?.payload ? { ...base, postback: m.button.payload, ...(m.button.text ? { text: m.button.text } : {}) } : m.button?.text ? { ...base, text: m.button.text } : undefined;
    case 'image':
    case 'document':
    case 'audio':
    case 'video':
    case 'sticker': {
      const media = m[m.type];
      if (!media) return undefined;
      const caption = 'caption' in media ? media.caption : undefined;
      const filename = 'filename' in media ? media.filename : undefined;
      return { ...base, ...(caption ? { text: caption } : {}), media: [{ ref: media.id, ...(media.mime_type ? { contentType: media.mime_type } : {}), ...(filename ? { name: filename } : {}) }] };
    }
    default:
      return undefined;
  }
}

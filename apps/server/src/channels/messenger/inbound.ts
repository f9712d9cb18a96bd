// Meta's webhook for a Messenger Page: GET answers the verification handshake (hub.mode=subscribe,
// hub.verify_token, hub.challenge echoed as plain text, else 403); POST carries `object: "page"` with
// entry[].messaging[] (messages, quick replies, postbacks, the Handover Protocol's
// pass/take/request_thread_control) and entry[].standby[] (what the user wrote while another app, the
// Page Inbox, held the thread), signed `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body
// with the app secret>`. Echoes of what the Page sent are ignored (Baton knows what it sent; the Page
// Inbox's own replies are the Page's business).
import { ChannelWebhookResult } from '@baton/proto';
import { threadControlChanged } from '../../commands/channel-handover.js';
import { parseJson } from '../../http/parse.js';
import type { ChannelRoute, InboundEvent } from '../channel.js';
import { metaVerificationRoute, verifyHubSignature } from '../meta-webhook.js';
import { pageInboxAppId, type MessengerConfig } from './config.js';

export const verificationRoute = metaVerificationRoute<MessengerConfig>('verifyMessengerWebhook');

interface Messaging {
  sender?: { id?: string };
  recipient?: { id?: string };
  timestamp?: number;
  message?: { mid?: string; text?: string; is_echo?: boolean; quick_reply?: { payload?: string }; attachments?: { type?: string; payload?: { url?: string; title?: string } }[] };
  postback?: { mid?: string; title?: string; payload?: string };
  pass_thread_control?: { new_owner_app_id?: string | number; previous_owner_app_id?: string | number | null; metadata?: string };
  take_thread_control?: { new_owner_app_id?: string | number; previous_owner_app_id?: string | number | null; metadata?: string };
  request_thread_control?: { requested_owner_app_id?: string | number; metadata?: string };
}

/** A change of who holds a user's thread, as the Handover Protocol reported it. */
export interface ThreadChange {
  key: string;
  psid: string;
  kind: 'pass_thread_control' | 'take_thread_control' | 'request_thread_control';
  newOwner?: string;
  previousOwner?: string;
}

const MEDIA_TYPES: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*', file: 'application/octet-stream' };

/** One messaging (or standby) item as a Baton event, or undefined for what Baton does not take (echoes, reads). */
export function messagingEvent(m: Messaging): Extract<InboundEvent, { kind: 'message' }> | undefined {
  const from = m.sender?.id;
  if (!from) return undefined;
  const base = { kind: 'message' as const, user: { id: from }, ...(m.timestamp ? { at: m.timestamp } : {}) };
  if (m.message) {
    if (m.message.is_echo || !m.message.mid) return undefined;
    const payload = m.message.quick_reply?.payload;
    const media = (m.message.attachments ?? []).filter((a) => a.payload?.url && a.type && a.type in MEDIA_TYPES).map((a) => ({ ref: a.payload!.url!, contentType: MEDIA_TYPES[a.type!]! }));
    if (!m.message.text && !payload && !media.length) return undefined;
    return { ...base, id: m.message.mid, ...(m.message.text ? { text: m.message.text } : {}), ...(payload ? { postback: payload } : {}), ...(media.length ? { media } : {}) };
  }
  if (m.postback?.payload) {
    // a postback carries its own mid in current Graph versions; older ones are told apart by time
    const id = m.postback.mid ?? `postback:${from}:${m.timestamp ?? 0}:${m.postback.payload}`;
    return { ...base, id, postback: m.postback.payload, ...(m.postback.title ? { text: m.postback.title } : {}) };
  }
  return undefined;
}

function threadChange(m: Messaging): ThreadChange | undefined {
  const psid = m.sender?.id;
  if (!psid) return undefined;
  for (const kind of ['pass_thread_control', 'take_thread_control', 'request_thread_control'] as const) {
    const c = m[kind];
    if (!c) continue;
    const newOwner = 'new_owner_app_id' in c ? c.new_owner_app_id : 'requested_owner_app_id' in c ? c.requested_owner_app_id : undefined;
    const previousOwner = 'previous_owner_app_id' in c ? c.previous_owner_app_id : undefined;
    return {
      key: `${kind}:${psid}:${m.timestamp ?? 0}`,
      psid,
      kind,
      ...(newOwner != null ? { newOwner: String(newOwner) } : {}),
      ...(previousOwner != null ? { previousOwner: String(previousOwner) } : {}),
    };
  }
  return undefined;
}

export const webhookRoute: ChannelRoute<MessengerConfig> = {
  method: 'POST',
  doc: {
    name: 'receiveMessengerWebhook',
    summary: 'Meta’s Messenger webhook (object page: messages, quick replies, postbacks, standby, messaging_handovers), signed X-Hub-Signature-256 with the app secret (else 401, nothing stored): user messages into their conversation (a mid seen before is stored once), echoes ignored, thread control passed back to Baton resumes the bot',
    response: ChannelWebhookResult,
    errors: ['SIGNATURE_INVALID', 'FORBIDDEN'],
  },
  verify: verifyHubSignature,
  async handle({ deps, channel, config }, _req, reply, raw, sink) {
    const body = parseJson(raw) as { object?: string; entry?: { id?: string; messaging?: Messaging[]; standby?: Messaging[] }[] };
    const events: InboundEvent[] = [];
    const changes: ThreadChange[] = [];
    if (body?.object === 'page') {
      // another Page subscribed to the same app is another channel
      for (const entry of (body.entry ?? []).filter((e) => String(e.id) === config.pageId)) {
        for (const m of [...(entry.messaging ?? []), ...(entry.standby ?? [])]) {
          const e = messagingEvent(m);
          if (e) events.push(e);
          const c = threadChange(m);
          if (c) changes.push(c);
        }
      }
    }
    const r = await sink.receive(events);
    for (const c of changes) {
      // control passed or taken back to this app ends a handover; a request for the thread is the other
      // app asking, not a change (Baton passes control only through its own handovers)
      if (c.kind === 'request_thread_control' || !c.newOwner) continue;
      const holder = c.newOwner === config.appId ? 'baton' : 'platform';
      await threadControlChanged(deps, channel, { key: c.key, userId: c.psid, holder, agentName: c.previousOwner === pageInboxAppId(config) || holder === 'platform' ? 'Page Inbox' : 'Messenger' });
    }
    // Meta wants a 200 for every delivery it should not retry, duplicates included
    return reply.status(200).send({ received: r.stored, duplicates: r.duplicates });
  },
};

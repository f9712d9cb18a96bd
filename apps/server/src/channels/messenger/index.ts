// The `messenger` channel type: the Messenger Platform as Meta documents it (docs/channels/messenger.md).
// Inbound: the verification handshake and the signed Page webhook (inbound.ts). Outbound: text, quick
// replies and generic templates (outbound.ts) inside the 24-hour standard messaging window, an agent's
// reply tagged HUMAN_AGENT up to 7 days, anything else refused with the reason the agent sees; rate
// limits retried after Retry-After by the outbox. With the Page Inbox as handover target it is a
// channel its own platform owns: handovers pass thread control to the Page Inbox, and Baton takes the
// thread back before it speaks again (the conversation was handed back in Baton).
import { MessengerChannelConfig } from '@baton/proto';
import { threadState } from '../../commands/channel-handover.js';
import type { OutboundClient } from '../../outbound/client.js';
import type { ChannelTypeImpl } from '../channel.js';
import { downloadAttachment, graph, passThreadControl, sendMessage, takeThreadControl } from './client.js';
import { HUMAN_AGENT_WINDOW_MS, pageInboxAppId, STANDARD_WINDOW_MS, type MessengerConfig } from './config.js';
import { verificationRoute, webhookRoute } from './inbound.js';
import { attachmentMessage, MESSENGER_CAPABILITIES, mediaKind, messageObjects, sendBody, type Sending } from './outbound.js';
import { splitFiles } from '../media.js';

/** the Handover Protocol's metadata is a string of at most 1000 characters */
const METADATA_MAX = 1000;

export function createMessengerChannel(http: OutboundClient): ChannelTypeImpl<MessengerConfig> {
  return {
    type: 'messenger',
    configSchema: MessengerChannelConfig,
    inboundPath: 'messenger',
    capabilities: MESSENGER_CAPABILITIES,
    reportsStatuses: true,
    routes: [verificationRoute, webhookRoute],
    ownsHandover: (config) => (config.handoverTarget === 'page-inbox' ? 'Page Inbox' : undefined),
    async deliver({ deps, channel, config }, d) {
      const now = deps.clock.now();
      const since = d.lastInboundAt === null ? undefined : now - d.lastInboundAt;
      let sending: Sending;
      if (since !== undefined && since < STANDARD_WINDOW_MS) sending = { messaging_type: 'RESPONSE' };
      else if (since !== undefined && since < HUMAN_AGENT_WINDOW_MS && d.message.author.type === 'agent') sending = { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
      else {
        const when = since === undefined ? 'the user has not written on Messenger yet' : `the user’s last message was ${Math.floor(since / 3600_000)} hours ago`;
        // Meta refuses it (error 10, subcode 2018278): refused at once, with the reason the agent sees
        return { ok: false, retry: false, error: `Not sent: Messenger allows messages only within 24 hours of the user’s last message, and an agent’s reply (tagged HUMAN_AGENT) within 7 days (${when}). Wait for the user to write again.` };
      }
      const state = threadState(deps, channel.id);
      const held = await state.heldByPlatform(d.user.id);
      if (held.length) {
        const conv = await deps.store.db.selectFrom('conversations').select(['status', 'provider_id']).where('id', '=', d.conversationId).executeTakeFirst();
        // while the handover lasts Baton's own lines are not sent: Meta would refuse them, and taking the thread would end it
        if ((conv?.status === 'agent' || conv?.status === 'offloaded') && conv.provider_id === `channel:${channel.id}`) {
          return { ok: false, retry: false, error: 'Not sent: the Page Inbox holds this conversation (Messenger Handover Protocol)' };
        }
        // handed back, closed or a new conversation in Baton while the Page Inbox still holds the thread: Baton takes it back first
        const t = await takeThreadControl(http, config, d.user.id, 'Baton took the conversation back', now);
        if (!t.ok) return { ok: false, retry: t.retry, error: `take_thread_control: ${t.error}`, ...(t.retryAfterMs ? { retryAfterMs: t.retryAfterMs } : {}) };
        for (const id of held) await state.set(id, d.user.id, 'baton');
      }
      // files as attachment messages after the text; those too large as links in it
      const { message, media } = splitFiles(d.message, mediaKind);
      const bodies = [...messageObjects(message), ...media.map((m) => attachmentMessage(m.file, m.kind))].map((m) => sendBody(d.user.id, m, sending));
      let externalId: string | undefined;
      for (let i = d.partsSent; i < bodies.length; i++) {
        const r = await sendMessage(http, config, bodies[i]!, now);
        if (!r.ok) return { ok: false, retry: r.retry, error: r.error, partsSent: i - d.partsSent, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
        externalId = r.json.message_id;
      }
      return { ok: true, ...(externalId ? { externalId } : {}), status: 'sent' };
    },
    async handover({ deps, channel, config }, h) {
      const now = deps.clock.now();
      // what the Page Inbox shows the agent about the handover (a string, at most 1000 characters)
      const metadata = JSON.stringify({ source: 'baton', conversationId: h.conversationId, reason: h.handover.reason, skill: h.handover.skill, language: h.handover.language, tags: h.handover.tags }).slice(0, METADATA_MAX);
      const r = await passThreadControl(http, config, h.user.id, pageInboxAppId(config), metadata, now);
      if (!r.ok) return { ok: false, retry: r.retry, error: `pass_thread_control: ${r.error}`, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
      await threadState(deps, channel.id).set(h.conversationId, h.user.id, 'platform');
      return { ok: true, accepted: { id: 'page-inbox', name: 'Page Inbox' } };
    },
    downloadMedia: ({ deps }, media, maxBytes) => downloadAttachment(http, media.ref, maxBytes, deps.clock.now()),
    async testConnection({ deps, config }) {
      const r = await graph<{ id?: string; name?: string }>(http, config, 'GET', `${encodeURIComponent(config.pageId)}?fields=id,name`, undefined, deps.clock.now());
      if (!r.ok) return { ok: false, message: r.error };
      if (r.json.id !== config.pageId) return { ok: false, message: `The token belongs to Page ${r.json.id ?? '?'}, not ${config.pageId}` };
      return { ok: true, message: `Connected to the Page “${r.json.name ?? config.pageId}”${config.handoverTarget === 'page-inbox' ? '; handovers go to the Page Inbox' : ''}` };
    },
  };
}

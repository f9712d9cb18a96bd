// The `telegram` channel type: the Telegram Bot API (docs/channels/telegram.md). Inbound: the webhook
// with the secret-token header (inbound.ts). Outbound: sendMessage with inline keyboards for buttons
// (outbound.ts), 429 retry_after honoured by the outbox. "Test connection" checks the token (getMe)
// and registers Baton's webhook (setWebhook with the secret token).
import { TelegramChannelConfig } from '@baton/proto';
import type { OutboundClient } from '../../outbound/client.js';
import type { ChannelTypeImpl } from '../channel.js';
import { degrade } from '../degrade.js';
import { callBotApi } from './client.js';
import type { TelegramConfig } from './config.js';
import { webhookRoute } from './inbound.js';
import { sendMessageBody, TELEGRAM_CAPABILITIES } from './outbound.js';

export function createTelegramChannel(http: OutboundClient): ChannelTypeImpl<TelegramConfig> {
  return {
    type: 'telegram',
    configSchema: TelegramChannelConfig,
    inboundPath: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    // the Bot API reports no delivery or read receipts: a message it accepted is `sent`
    reportsStatuses: true,
    routes: [webhookRoute(http)],
    async deliver({ config }, d) {
      const bodies = degrade(d.message, TELEGRAM_CAPABILITIES).map((p) => sendMessageBody(d.user.id, p));
      let externalId: string | undefined;
      for (let i = d.partsSent; i < bodies.length; i++) {
        const r = await callBotApi<{ message_id: number }>(http, config, 'sendMessage', bodies[i]!);
        if (!r.ok) return { ok: false, retry: r.retry, error: r.error, partsSent: i - d.partsSent, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
        externalId = String(r.result.message_id);
      }
      return { ok: true, ...(externalId ? { externalId } : {}), status: 'sent' };
    },
    async testConnection({ channel, config }, publicBaseUrl) {
      const me = await callBotApi<{ username?: string }>(http, config, 'getMe', {});
      if (!me.ok) return { ok: false, message: me.error };
      if (!publicBaseUrl) return { ok: false, message: 'Set PUBLIC_URL so Telegram knows where to send updates' };
      const url = new URL(`/api/v1/channels/${encodeURIComponent(channel.id)}/telegram`, publicBaseUrl).toString();
      const set = await callBotApi<boolean>(http, config, 'setWebhook', { url, secret_token: config.secretToken, allowed_updates: ['message', 'callback_query'] });
      return set.ok ? { ok: true, message: `@${me.result.username ?? 'bot'} is connected; Telegram sends its updates to ${url}` } : { ok: false, message: set.error };
    },
  };
}

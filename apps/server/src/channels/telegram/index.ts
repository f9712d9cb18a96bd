// The `telegram` channel type: the Telegram Bot API (docs/channels/telegram.md). Inbound: the webhook
// with the secret-token header (inbound.ts). Outbound: sendMessage with inline keyboards for buttons
// (outbound.ts), 429 retry_after honoured by the outbox. "Test connection" checks the token (getMe)
// and registers Baton's webhook (setWebhook with the secret token).
import { TelegramChannelConfig } from '@baton/proto';
import type { OutboundClient } from '../../outbound/client.js';
import type { ChannelTypeImpl } from '../channel.js';
import { degrade } from '../degrade.js';
import { callBotApi, downloadFile, uploadToBotApi, type BotApiResult } from './client.js';
import { splitFiles } from '../media.js';
import { readAttachment } from '../../commands/attachments.js';
import { AppError } from '../../errors.js';
import type { Deps } from '../../deps.js';
import type { TelegramConfig } from './config.js';
import { webhookRoute } from './inbound.js';
import { mediaKind, sendMessageBody, TELEGRAM_CAPABILITIES } from './outbound.js';

export function createTelegramChannel(http: OutboundClient): ChannelTypeImpl<TelegramConfig> {
  return {
    type: 'telegram',
    configSchema: TelegramChannelConfig,
    inboundPath: 'telegram',
    capabilities: TELEGRAM_CAPABILITIES,
    // the Bot API reports no delivery or read receipts: a message it accepted is `sent`
    reportsStatuses: true,
    routes: [webhookRoute(http)],
    async deliver({ deps, config }, d) {
      // files uploaded after the text (sendPhoto, sendDocument); those too large as links in it
      const { message, media } = splitFiles(d.message, mediaKind);
      const sends = [
        ...degrade(message, TELEGRAM_CAPABILITIES).map((p) => () => callBotApi<{ message_id: number }>(http, config, 'sendMessage', sendMessageBody(d.user.id, p))),
        ...media.map((m) => () => uploadFile(http, deps, config, d.user.id, m.file.id, m.kind)),
      ];
      let externalId: string | undefined;
      for (let i = d.partsSent; i < sends.length; i++) {
        const r = await sends[i]!();
        if (!r.ok) return { ok: false, retry: r.retry, error: r.error, partsSent: i - d.partsSent, ...(r.retryAfterMs ? { retryAfterMs: r.retryAfterMs } : {}) };
        externalId = String(r.result.message_id);
      }
      return { ok: true, ...(externalId ? { externalId } : {}), status: 'sent' };
    },
    downloadMedia: ({ deps, config }, media, maxBytes) => downloadFile(http, config, media.ref, maxBytes, deps.clock.now()),
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

/** One file uploaded to the chat: its bytes read from Baton's store (the file was deleted meanwhile: not sent). */
async function uploadFile(http: OutboundClient, deps: Deps, config: TelegramConfig, chatId: string, attachmentId: string, kind: 'photo' | 'document'): Promise<BotApiResult<{ message_id: number }>> {
  let file: Awaited<ReturnType<typeof readAttachment>>;
  try {
    file = await readAttachment(deps, attachmentId);
  } catch (err) {
    if (err instanceof AppError) return { ok: false, retry: false, error: `the file is no longer stored (${err.message})` };
    throw err;
  }
  const method = kind === 'photo' ? 'sendPhoto' : 'sendDocument';
  return uploadToBotApi(http, config, method, { chat_id: chatId }, { field: kind, name: file.meta.name, contentType: file.meta.contentType, bytes: file.bytes });
}

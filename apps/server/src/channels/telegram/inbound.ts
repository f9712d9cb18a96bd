// Telegram's webhook: an Update per call, authenticated by the secret token given to setWebhook,
// which Telegram echoes in X-Telegram-Bot-Api-Secret-Token (it signs nothing; the header is the
// proof). Private-chat messages become user messages (the update_id dedupes Telegram's redeliveries),
// a pressed inline button (callback_query) becomes its postback and is answered (answerCallbackQuery)
// so the user's button stops spinning.
import { timingSafeEqual } from 'node:crypto';
import type { OutboundClient } from '../../outbound/client.js';
import { ChannelWebhookResult } from '@baton/proto';
import { AppError } from '../../errors.js';
import { parseJson } from '../../http/parse.js';
import type { ChannelRoute, InboundEvent } from '../channel.js';
import { resolvePostback } from '../postbacks.js';
import { callBotApi } from './client.js';
import { CALLBACK_DATA_MAX_BYTES, type TelegramConfig } from './config.js';

interface TgUser {
  id: number;
  first_name?: string;
  last_name?: string;
  language_code?: string;
}

interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: { id: number; type: string };
  date?: number;
  text?: string;
  caption?: string;
  photo?: { file_id: string }[];
  document?: { file_id: string; file_name?: string; mime_type?: string };
  reply_markup?: { inline_keyboard?: { text: string; callback_data?: string }[][] };
}

interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  callback_query?: { id: string; from: TgUser; message?: TgMessage; data?: string };
}

const nameOf = (u: TgUser | undefined) => [u?.first_name, u?.last_name].filter(Boolean).join(' ') || undefined;

export function webhookRoute(http: OutboundClient): ChannelRoute<TelegramConfig> {
  return {
    method: 'POST',
    doc: {
      name: 'receiveTelegramUpdate',
      summary: 'Telegram’s webhook (an Update), with X-Telegram-Bot-Api-Secret-Token equal to the channel’s secretToken (else 401, nothing stored): private-chat messages and inline button presses',
      response: ChannelWebhookResult,
    errors: ['SIGNATURE_INVALID', 'FORBIDDEN'],
    },
    verify({ config }, _raw, req) {
      const got = Buffer.from(String(req.headers['x-telegram-bot-api-secret-token'] ?? ''));
      const want = Buffer.from(config.secretToken);
      if (got.length !== want.length || !timingSafeEqual(got, want)) throw new AppError('SIGNATURE_INVALID', 'X-Telegram-Bot-Api-Secret-Token is not this channel’s secret token');
    },
    async handle({ deps, channel, config }, _req, reply, raw, sink) {
      const u = parseJson(raw) as TgUpdate;
      const events: InboundEvent[] = [];
      const id = `tg:${u?.update_id}`;
      const m = u?.message;
      // groups and channels are not conversations with one user
      if (m && m.chat?.type === 'private') {
        const media = m.photo?.length ? [{ ref: m.photo[m.photo.length - 1]!.file_id, contentType: 'image/jpeg' }] : m.document ? [{ ref: m.document.file_id, ...(m.document.mime_type ? { contentType: m.document.mime_type } : {}), ...(m.document.file_name ? { name: m.document.file_name } : {}) }] : undefined;
        const text = m.text ?? m.caption;
        if (text || media) {
          const name = nameOf(m.from);
          events.push({ kind: 'message', id, user: { id: String(m.chat.id), ...(name ? { name } : {}) }, ...(text ? { text } : {}), ...(media ? { media } : {}), ...(m.from?.language_code ? { locale: m.from.language_code } : {}), ...(m.date ? { at: m.date * 1000 } : {}) });
        }
      }
      const cq = u?.callback_query;
      if (cq?.data && cq.message?.chat.type === 'private') {
        const userId = String(cq.message.chat.id);
        const title = cq.message.reply_markup?.inline_keyboard?.flat().find((b) => b.callback_data === cq.data)?.text;
        const postback = await resolvePostback(deps, channel.id, userId, cq.data, CALLBACK_DATA_MAX_BYTES);
        const name = nameOf(cq.from);
        // a token for a button of an older message names nothing now: its title is read as a typed answer
        if (postback || title) events.push({ kind: 'message', id, user: { id: userId, ...(name ? { name } : {}) }, ...(postback ? { postback } : {}), ...(title ? { text: title } : {}) });
      }
      const r = await sink.receive(events);
      if (cq) {
        // stops the spinner on the user's button; losing it costs nothing but the spinner, so it is not queued
        void callBotApi(http, config, 'answerCallbackQuery', { callback_query_id: cq.id }).then((a) => {
          if (!a.ok) deps.log.info({ channel: channel.id, error: a.error }, 'answerCallbackQuery failed');
        });
      }
      return reply.status(200).send({ received: r.stored, duplicates: r.duplicates });
    },
  };
}

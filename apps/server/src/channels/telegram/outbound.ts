// A Baton message → Telegram sendMessage calls: text, and buttons as an inline keyboard (one button
// per row so long titles stay readable) whose callback_data is the payload, or a token for one
// longer than 64 bytes. Cards become text with their buttons (degrade.ts).
import type { Attachment } from '@baton/proto';
import { payloadToken, type ChannelPart } from '../degrade.js';
import type { ChannelCapabilities } from '../channel.js';
import { CALLBACK_DATA_MAX_BYTES } from './config.js';

export const TELEGRAM_CAPABILITIES: ChannelCapabilities = {
  // an inline keyboard may hold up to 100 buttons; ten rows are what a phone shows without scrolling far
  maxButtons: 10,
  buttonTitleMax: 64,
  buttonBodyMax: 4096,
  cards: false,
  media: true,
  textMax: 4096,
};

const MB = 1024 * 1024;

/**
 * How a file goes out on Telegram, uploaded (multipart): `photo` (JPEG, PNG, WebP up to 10 MB), any
 * other as `document` (up to 50 MB: the Bot API's upload limits); larger ones as a link in the text.
 * Uploading needs no public Baton URL, and sendDocument by URL takes only GIF, PDF and ZIP.
 */
export function mediaKind(f: Pick<Attachment, 'contentType' | 'size'>): 'photo' | 'document' | undefined {
  if (['image/jpeg', 'image/png', 'image/webp'].includes(f.contentType) && f.size <= 10 * MB) return 'photo';
  return f.size <= 50 * MB ? 'document' : undefined;
}

export function sendMessageBody(chatId: string, part: ChannelPart): Record<string, unknown> {
  if (part.kind === 'text') return { chat_id: chatId, text: part.text };
  const buttons = part.kind === 'buttons' ? part.buttons : part.rows.map((r) => ({ title: r.title, payload: r.id }));
  return { chat_id: chatId, text: part.text, reply_markup: { inline_keyboard: buttons.map((b) => [{ text: b.title, callback_data: payloadToken(b.payload, CALLBACK_DATA_MAX_BYTES) }]) } };
}

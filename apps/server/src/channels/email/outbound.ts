// A Baton message → one e-mail in the user's thread: buttons as numbered options (read back by the
// bot's typed answers), cards as text (degrade.ts), the text as text/plain and as HTML with every
// character escaped. The Message-ID is derived from the delivery, so a retried delivery carries the
// same id (the receiver drops the duplicate); In-Reply-To and References keep the thread together.
import type { Message } from '@baton/proto';
import type { ChannelCapabilities } from '../channel.js';
import { degrade } from '../degrade.js';

export const EMAIL_CAPABILITIES: ChannelCapabilities = {
  maxButtons: 0,
  buttonTitleMax: 0,
  buttonBodyMax: 0,
  cards: false,
  media: true,
  // one mail carries the whole message, and a bot turn of several messages is one mail
  textMax: 100_000,
  joinsTurn: true,
};

/** what one mail's attachments may weigh in all (common servers take 25 MB of message, base64 adds a third) */
export const MAIL_ATTACHMENTS_MAX_BYTES = 15 * 1024 * 1024;

export function mailText(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'attachments'>): string {
  return degrade(m, EMAIL_CAPABILITIES)
    .map((p) => p.text)
    .join('\n\n');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The text as HTML: escaped, line breaks kept. */
export function mailHtml(text: string): string {
  const body = text.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\n/g, '<br>\n');
  return `<!doctype html><html><body><div style="white-space:normal">${body}</div></body></html>`;
}

/** Baton's Message-ID for a delivery: stable across retries, unique per delivery. */
export function messageIdFor(deliveryId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'baton.invalid';
  return `${deliveryId}.baton@${domain}`;
}

/** "Re: subject" once, however often the thread went back and forth. */
export function replySubject(subject: string): string {
  return /^(?:re|aw|antw|réf?)\s*:/i.test(subject) ? subject : `Re: ${subject}`;
}

// A Baton message → Messenger Send API bodies: text (≤ 2000 characters), buttons as quick replies
// (≤ 13, titles ≤ 20, the payload carried back whole: quick reply payloads hold 1000 characters, as
// many as a Baton payload), cards as generic templates (≤ 10 elements, titles and subtitles ≤ 80,
// ≤ 3 postback buttons each; a card with more buttons becomes text with quick replies).
import type { Attachment, Card, Message } from '@baton/proto';
import type { ChannelCapabilities } from '../channel.js';
import { degrade, shorten, type ChannelPart } from '../degrade.js';

/** Meta's documented limits for the Send API. */
export const MESSENGER_CAPABILITIES: ChannelCapabilities = {
  maxButtons: 13,
  buttonTitleMax: 20,
  buttonBodyMax: 2000,
  cards: true,
  media: true,
  textMax: 2000,
};

export const GENERIC_MAX_ELEMENTS = 10;
export const ELEMENT_MAX_BUTTONS = 3;
const ELEMENT_TEXT_MAX = 80;

/** How a message is sent: inside the standard window, or tagged as a person's reply outside it. */
export type Sending = { messaging_type: 'RESPONSE' } | { messaging_type: 'MESSAGE_TAG'; tag: 'HUMAN_AGENT' };

/** The `message` objects of a Baton message, in sending order. */
export function messageObjects(m: Pick<Message, 'text' | 'buttons' | 'cards'>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = degrade({ text: m.text, buttons: m.buttons }, MESSENGER_CAPABILITIES).map(partMessage);
  const cards = m.cards ?? [];
  const native = cards.filter((c) => (c.buttons?.length ?? 0) <= ELEMENT_MAX_BUTTONS);
  for (let i = 0; i < native.length; i += GENERIC_MAX_ELEMENTS) out.push(genericTemplate(native.slice(i, i + GENERIC_MAX_ELEMENTS)));
  // a card with more buttons than an element holds keeps them all as quick replies under its text
  for (const c of cards.filter((x) => !native.includes(x))) out.push(...degrade({ cards: [c] }, MESSENGER_CAPABILITIES).map(partMessage));
  return out;
}

function partMessage(part: ChannelPart): Record<string, unknown> {
  switch (part.kind) {
    case 'text':
      return { text: part.text };
    case 'buttons':
      return { text: part.text, quick_replies: part.buttons.map((b) => ({ content_type: 'text', title: b.title, payload: b.payload })) };
    case 'list':
      // Messenger has no list picker (the capabilities name none): rows become quick replies
      return { text: part.text, quick_replies: part.rows.slice(0, MESSENGER_CAPABILITIES.maxButtons).map((r) => ({ content_type: 'text', title: shorten(r.title, 20), payload: r.id })) };
  }
}

function genericTemplate(cards: Card[]): Record<string, unknown> {
  return {
    attachment: {
      type: 'template',
      payload: {
        template_type: 'generic',
        elements: cards.map((c) => ({
          title: shorten(c.title, ELEMENT_TEXT_MAX),
          ...(c.subtitle ? { subtitle: shorten(c.subtitle, ELEMENT_TEXT_MAX) } : {}),
          ...(c.imageUrl ? { image_url: c.imageUrl } : {}),
          ...(c.buttons?.length ? { buttons: c.buttons.map((b) => ({ type: 'postback', title: shorten(b.title, 20), payload: b.payload })) } : {}),
        })),
      },
    },
  };
}

const MB = 1024 * 1024;

/**
 * How a file goes out on Messenger: an `image` attachment (up to 8 MB, Meta's limit for URL uploads),
 * any other file as `file` (up to 25 MB); larger ones as a link in the text.
 */
export function mediaKind(f: Pick<Attachment, 'contentType' | 'size'>): 'image' | 'file' | undefined {
  if (f.contentType.startsWith('image/') && f.size <= 8 * MB) return 'image';
  return f.size <= 25 * MB ? 'file' : undefined;
}

/** An attachment message whose `payload.url` Meta fetches (a signed Baton link). */
export function attachmentMessage(f: Pick<Attachment, 'url'>, kind: 'image' | 'file'): Record<string, unknown> {
  return { attachment: { type: kind, payload: { url: f.url, is_reusable: false } } };
}

/** The whole Send API body for one `message` object to one user. */
export function sendBody(psid: string, message: Record<string, unknown>, sending: Sending): Record<string, unknown> {
  return { recipient: { id: psid }, ...sending, message };
}

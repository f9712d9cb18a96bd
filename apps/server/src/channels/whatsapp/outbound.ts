// A Baton message → WhatsApp Cloud API message bodies (DESIGN §10.6): text, up to three reply buttons
// as `interactive.type: "button"` (`reply.id` = payload, titles ≤ 20), up to ten as a list (row
// titles ≤ 24, the whole title as the description), more as numbered text (degrade.ts). Outside the
// 24-hour window only an approved template goes out, the text as its {{1}} body parameter.
import type { Attachment, Message } from '@baton/proto';
import { numbered, payloadToken, shorten, type ChannelPart } from '../degrade.js';
import type { ChannelCapabilities } from '../channel.js';
import type { WhatsAppConfig } from './config.js';

/** Meta's documented limits for interactive messages and text. */
export const WHATSAPP_CAPABILITIES: ChannelCapabilities = {
  maxButtons: 3,
  buttonTitleMax: 20,
  buttonBodyMax: 1024,
  list: { maxRows: 10, titleMax: 24, descriptionMax: 72, buttonLabelMax: 20 },
  cards: false,
  media: true,
  textMax: 4096,
};

/** reply button ids may hold 256 characters, list row ids 200: longer payloads travel as a token */
export const PAYLOAD_MAX_BYTES = 200;

export function partBody(to: string, part: ChannelPart): Record<string, unknown> {
  switch (part.kind) {
    case 'text':
      return { to, type: 'text', text: { body: part.text, preview_url: false } };
    case 'buttons':
      return {
        to,
        type: 'interactive',
        interactive: { type: 'button', body: { text: part.text }, action: { buttons: part.buttons.map((b) => ({ type: 'reply', reply: { id: payloadToken(b.payload, PAYLOAD_MAX_BYTES), title: b.title } })) } },
      };
    case 'list':
      return {
        to,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: part.text },
          action: { button: part.label, sections: [{ rows: part.rows.map((r) => ({ id: payloadToken(r.id, PAYLOAD_MAX_BYTES), title: r.title, ...(r.description ? { description: r.description } : {}) })) }] },
        },
      };
  }
}

const MB = 1024 * 1024;
/** what the Cloud API takes as a document (Meta's supported media types), up to 100 MB */
const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/**
 * How a file goes out on WhatsApp: `image` (JPEG or PNG up to 5 MB), `document` (PDF, text, Office up
 * to 100 MB), or undefined: a link in the text (GIF, WebP, OpenDocument, or too large for its type).
 */
export function mediaKind(f: Pick<Attachment, 'contentType' | 'size'>): 'image' | 'document' | undefined {
  if ((f.contentType === 'image/jpeg' || f.contentType === 'image/png') && f.size <= 5 * MB) return 'image';
  if (DOCUMENT_TYPES.has(f.contentType) && f.size <= 100 * MB) return 'document';
  return undefined;
}

/** A media message with the file's link (Meta fetches it: a signed Baton link, valid for ATTACHMENT_LINK_TTL_SECONDS). */
export function mediaBody(to: string, f: Pick<Attachment, 'url' | 'name'>, kind: 'image' | 'document'): Record<string, unknown> {
  return { to, type: kind, [kind]: { link: f.url, ...(kind === 'document' ? { filename: f.name } : {}) } };
}

/** An approved template carrying the message as its one body parameter (templates have no buttons of Baton's). */
export function templateBody(to: string, template: NonNullable<NonNullable<WhatsAppConfig['templates']>['followUp']>, m: Message): Record<string, unknown> {
  const text = shorten(numbered(m.text, m.buttons ?? []) || '…', 1024);
  return { to, type: 'template', template: { name: template.name, language: { code: template.language }, components: [{ type: 'body', parameters: [{ type: 'text', text }] }] } };
}

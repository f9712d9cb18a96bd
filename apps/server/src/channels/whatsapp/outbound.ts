// A Baton message → WhatsApp Cloud API message bodies (DESIGN §10.6): text, up to three reply buttons
// as `interactive.type: "button"` (`reply.id` = payload, titles ≤ 20), up to ten as a list (row
// titles ≤ 24, the whole title as the description), more as numbered text (degrade.ts). Outside the
// 24-hour window only an approved template goes out, the text as its {{1}} body parameter.
import type { Message } from '@baton/proto';
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
  media: false,
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

/** An approved template carrying the message as its one body parameter (templates have no buttons of Baton's). */
export function templateBody(to: string, template: NonNullable<NonNullable<WhatsAppConfig['templates']>['followUp']>, m: Message): Record<string, unknown> {
  const text = shorten(numbered(m.text, m.buttons ?? []) || '…', 1024);
  return { to, type: 'template', template: { name: template.name, language: { code: template.language }, components: [{ type: 'body', parameters: [{ type: 'text', text }] }] } };
}

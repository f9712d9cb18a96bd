// One bot or agent message (text, buttons, cards) → the parts a channel can show, from its
// capabilities: interactive buttons while they fit, a list picker for more, numbered text otherwise.
// Numbered text is numbered exactly as the bot runtime numbers a turn's buttons (fallbackText,
// domain/bot/typed-answers.ts), so a user who types "2" or a button's title presses that button; a
// service that carries a payload back (a button's reply id, a list row id, Telegram's callback data)
// gives the postback itself. Pure: no I/O.
import { createHash } from 'node:crypto';
import type { Button, Message } from '@baton/proto';
import type { ChannelCapabilities } from './channel.js';

export type ChannelPart =
  | { kind: 'text'; text: string }
  /** reply buttons under a text (titles shortened to the channel's limit, payloads untouched) */
  | { kind: 'buttons'; text: string; buttons: Button[] }
  /** a list picker: a text, the label of the button that opens it, and one row per choice */
  | { kind: 'list'; text: string; label: string; rows: Array<{ id: string; title: string; description?: string }> };

/** Shortens to `max` characters (code points), marking the cut with an ellipsis. */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Splits a long text at line or word breaks into pieces of at most `max` characters. */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while ([...rest].length > max) {
    const head = [...rest].slice(0, max).join('');
    const cut = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
    const at = cut > max / 2 ? cut : head.length;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) out.push(rest);
  return out;
}

/** The text and its buttons numbered as the bot's typed answers read them ("1. Yes"). */
export function numbered(text: string | undefined, buttons: readonly Button[]): string {
  return [...(text ? [text] : []), ...buttons.map((b, i) => `${i + 1}. ${b.title}`)].join('\n');
}

/** The label of a list's opening button when the message gives none: the service requires one. */
const LIST_LABEL = '☰';

function withButtons(text: string | undefined, buttons: readonly Button[], caps: ChannelCapabilities): ChannelPart[] {
  const body = text ?? '';
  // an interactive message needs a body that fits; otherwise everything goes as numbered text
  if (body && [...body].length <= caps.buttonBodyMax) {
    const titles = buttons.map((b) => shorten(b.title, caps.buttonTitleMax));
    // titles shortened to the same text could not be told apart (WhatsApp refuses them): a list shows them whole
    if (buttons.length <= caps.maxButtons && new Set(titles).size === titles.length) {
      return [{ kind: 'buttons', text: body, buttons: buttons.map((b, i) => ({ title: titles[i]!, payload: b.payload })) }];
    }
    const list = caps.list;
    if (list && buttons.length <= list.maxRows) {
      return [
        {
          kind: 'list',
          text: body,
          label: LIST_LABEL,
          rows: buttons.map((b) => {
            const title = shorten(b.title, list.titleMax);
            // a title cut short is shown whole underneath
            return { id: b.payload, title, ...(title !== b.title ? { description: shorten(b.title, list.descriptionMax) } : {}) };
          }),
        },
      ];
    }
  }
  return splitText(numbered(text, buttons), caps.textMax).map((t) => ({ kind: 'text' as const, text: t }));
}

/**
 * What `m` becomes on a channel with these capabilities, in sending order. Cards without native
 * support become one part each: the title and subtitle, with the card's buttons as buttons where
 * they fit (card buttons are not numbered by the bot runtime: their titles answer).
 */
export function degrade(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'attachments'>, caps: ChannelCapabilities): ChannelPart[] {
  const parts: ChannelPart[] = [];
  const buttons = m.buttons ?? [];
  if (buttons.length) parts.push(...withButtons(m.text, buttons, caps));
  else if (m.text) parts.push(...splitText(m.text, caps.textMax).map((t) => ({ kind: 'text' as const, text: t })));
  for (const c of m.cards ?? []) {
    const text = [c.title, c.subtitle, c.imageUrl].filter(Boolean).join('\n');
    const cardButtons = c.buttons ?? [];
    if (cardButtons.length && cardButtons.length <= caps.maxButtons && [...text].length <= caps.buttonBodyMax) {
      parts.push({ kind: 'buttons', text, buttons: cardButtons.map((b) => ({ title: shorten(b.title, caps.buttonTitleMax), payload: b.payload })) });
    } else {
      const lines = [text, ...cardButtons.map((b) => `- ${b.title}`)].join('\n');
      parts.push(...splitText(lines, caps.textMax).map((t) => ({ kind: 'text' as const, text: t })));
    }
  }
  // a channel that sends no files natively gets each one as its name and link, so the user still
  // receives it: the signed link the outbox made when it sent this delivery (withAttachmentLinks)
  if (!caps.media) for (const a of m.attachments ?? []) parts.push({ kind: 'text', text: `${a.name}: ${a.url}` });
  return parts;
}

/** A payload shortened for a service that carries at most `maxBytes` back (Telegram: 64). */
const TOKEN_PREFIX = '#';

export function payloadToken(payload: string, maxBytes: number): string {
  if (Buffer.byteLength(payload) <= maxBytes && !payload.startsWith(TOKEN_PREFIX)) return payload;
  return TOKEN_PREFIX + createHash('sha256').update(payload).digest('base64url').slice(0, Math.min(43, maxBytes - 1));
}

/**
 * The payload a token stands for among the buttons the user was offered (the bot's latest turn), or
 * undefined when it names none of them (the message was an older one).
 */
export function resolvePayloadToken(token: string, offered: readonly { payload: string }[], maxBytes: number): string | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return token;
  return offered.find((b) => payloadToken(b.payload, maxBytes) === token)?.payload;
}

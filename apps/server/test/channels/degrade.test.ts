// One bot message, degraded to what each channel can show: the numbering matches what the bot's
// typed answers read, cards become text with their buttons, long text is split, and long payloads
// travel as tokens that resolve back to the same postback.
import { describe, expect, it } from 'vitest';
import type { ChannelCapabilities } from '../../src/channels/channel.js';
import { degrade, payloadToken, resolvePayloadToken, splitText } from '../../src/channels/degrade.js';
import { TELEGRAM_CAPABILITIES } from '../../src/channels/telegram/outbound.js';
import { WHATSAPP_CAPABILITIES } from '../../src/channels/whatsapp/outbound.js';
import { matchTypedAnswer } from '../../src/domain/bot/typed-answers.js';

const TEXT_ONLY: ChannelCapabilities = { maxButtons: 0, buttonTitleMax: 0, buttonBodyMax: 0, cards: false, media: false, textMax: 160 };
const buttons = [
  { title: 'Opening hours', payload: 'goto:opening_hours' },
  { title: 'Change my address', payload: 'goto:address_change' },
  { title: 'Talk to a person', payload: 'goto:talk_to_agent' },
];

describe('degrade', () => {
  it('keeps three buttons interactive on WhatsApp and Telegram, numbered text on a text-only channel', () => {
    expect(degrade({ text: 'How can I help?', buttons }, WHATSAPP_CAPABILITIES)).toEqual([{ kind: 'buttons', text: 'How can I help?', buttons }]);
    expect(degrade({ text: 'How can I help?', buttons }, TELEGRAM_CAPABILITIES)[0]!.kind).toBe('buttons');
    const [text] = degrade({ text: 'How can I help?', buttons }, TEXT_ONLY);
    expect(text).toEqual({ kind: 'text', text: 'How can I help?\n1. Opening hours\n2. Change my address\n3. Talk to a person' });
    // what the user then types maps back to the same postback the button carries
    const offered = buttons.map((b, i) => ({ ...b, n: i + 1 }));
    expect(matchTypedAnswer('2', offered)?.payload).toBe('goto:address_change');
    expect(matchTypedAnswer('talk to a PERSON!', offered)?.payload).toBe('goto:talk_to_agent');
  });

  it('shortens button titles to the channel’s limit but never their payloads; colliding short titles become a list', () => {
    const [part] = degrade({ text: 'Pick', buttons: [{ title: 'A very long button title indeed', payload: 'p1' }, { title: 'Short', payload: 'p2' }] }, WHATSAPP_CAPABILITIES);
    expect(part).toEqual({ kind: 'buttons', text: 'Pick', buttons: [{ title: 'A very long button …', payload: 'p1' }, { title: 'Short', payload: 'p2' }] });
    const [list] = degrade({ text: 'Pick', buttons: [{ title: 'Invoice of January 2026', payload: 'jan' }, { title: 'Invoice of January 2025', payload: 'jan25' }] }, WHATSAPP_CAPABILITIES);
    expect(list!.kind).toBe('list');
  });

  it('turns cards into text with their buttons (as buttons where they fit)', () => {
    const cards = [
      { title: 'Customer service', subtitle: 'Mon–Fri 9:00–17:00', buttons: [{ title: 'Talk to a person', payload: 'goto:talk_to_agent' }] },
      { title: 'Self-service', subtitle: 'This assistant, day and night' },
    ];
    expect(degrade({ text: 'Our hours', cards }, WHATSAPP_CAPABILITIES)).toEqual([
      { kind: 'text', text: 'Our hours' },
      { kind: 'buttons', text: 'Customer service\nMon–Fri 9:00–17:00', buttons: [{ title: 'Talk to a person', payload: 'goto:talk_to_agent' }] },
      { kind: 'text', text: 'Self-service\nThis assistant, day and night' },
    ]);
    expect(degrade({ cards }, TEXT_ONLY)[0]).toEqual({ kind: 'text', text: 'Customer service\nMon–Fri 9:00–17:00\n- Talk to a person' });
  });

  it('sends an agent’s file as its name and link on a channel without native media (an attachment-only message too)', () => {
    const file = { id: 'att_1', name: 'invoice.pdf', contentType: 'application/pdf', size: 321, url: 'https://baton.example.com/api/v1/attachments/att_1/signed?expires=1&signature=ab' };
    expect(degrade({ text: 'Your invoice', attachments: [file] }, TEXT_ONLY)).toEqual([
      { kind: 'text', text: 'Your invoice' },
      { kind: 'text', text: `invoice.pdf: ${file.url}` },
    ]);
    expect(degrade({ attachments: [file] }, TEXT_ONLY)).toEqual([{ kind: 'text', text: `invoice.pdf: ${file.url}` }]);
    // a channel that sends media itself gets no link
    expect(degrade({ attachments: [file] }, { ...TEXT_ONLY, media: true })).toEqual([]);
  });

  it('splits long text at word breaks within the limit', () => {
    const parts = splitText('word '.repeat(100).trim(), 160);
    expect(parts.length).toBe(4);
    expect(parts.every((p) => p.length <= 160 && !p.startsWith(' ') && !p.endsWith(' '))).toBe(true);
    expect(parts.join(' ')).toBe('word '.repeat(100).trim());
  });

  it('carries a payload too long for the channel as a token that resolves to it among the offered buttons', () => {
    const long = `goto:${'x'.repeat(100)}`;
    const token = payloadToken(long, 64);
    expect(Buffer.byteLength(token)).toBeLessThanOrEqual(64);
    expect(payloadToken('goto:short', 64)).toBe('goto:short');
    expect(resolvePayloadToken(token, [{ payload: 'goto:short' }, { payload: long }], 64)).toBe(long);
    expect(resolvePayloadToken(token, [{ payload: 'goto:short' }], 64)).toBeUndefined();
    // a payload that itself starts like a token is tokenised too, so it cannot be mistaken for one
    expect(payloadToken('#abc', 64)).not.toBe('#abc');
  });
});

// How many SMS segments a text costs, and a long text cut into messages of a bounded number of
// segments (docs/channels/sms-twilio.md). A text of GSM-7 characters only (GSM 03.38: the basic table,
// the extension table's characters counting twice) fits 160 characters in one segment and 153 in
// each of a concatenated message's segments; any other character makes the whole text UCS-2: 70 in
// one, 67 each joined (UTF-16 units: an emoji counts two). Pure: no I/O.

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export function smsEncoding(text: string): SmsEncoding {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENDED.has(ch)) return 'UCS-2';
  return 'GSM-7';
}

/** What one character costs: septets in GSM-7, UTF-16 units in UCS-2. */
function cost(ch: string, encoding: SmsEncoding): number {
  return encoding === 'GSM-7' ? (GSM_EXTENDED.has(ch) ? 2 : 1) : ch.length;
}

function units(text: string, encoding: SmsEncoding): number {
  let n = 0;
  for (const ch of text) n += cost(ch, encoding);
  return n;
}

/** The units a message of `segments` segments holds. */
function capacity(encoding: SmsEncoding, segments: number): number {
  const [single, joined] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  return segments <= 1 ? single : joined * segments;
}

/** The segments a text is sent as (and billed for). */
export function segmentCount(text: string): { encoding: SmsEncoding; segments: number } {
  const encoding = smsEncoding(text);
  const n = units(text, encoding);
  const [single, joined] = encoding === 'GSM-7' ? [160, 153] : [70, 67];
  return { encoding, segments: n === 0 ? 1 : n <= single ? 1 : Math.ceil(n / joined) };
}

/**
 * `text` as messages of at most `maxSegments` segments each, cut at a line break or a space where one
 * falls in the second half of a piece (a word is never cut unless it alone is longer).
 */
export function splitIntoMessages(text: string, maxSegments: number): string[] {
  const out: string[] = [];
  let rest = text.trim();
  while (rest) {
    const encoding = smsEncoding(rest);
    const max = capacity(encoding, maxSegments);
    const chars = [...rest];
    let used = 0;
    let end = 0;
    while (end < chars.length && used + cost(chars[end]!, encoding) <= max) used += cost(chars[end++]!, encoding);
    if (end === chars.length) {
      out.push(rest);
      break;
    }
    const head = chars.slice(0, end).join('');
    const cut = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
    const at = cut > head.length / 2 ? cut : head.length;
    out.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  return out;
}

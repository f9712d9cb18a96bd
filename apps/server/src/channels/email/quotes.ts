// What the user wrote in a reply, without the mail it quotes or their signature: mail clients put the
// previous message under an attribution line ("On … wrote:", Outlook's "From: … Sent: …" block or
// "-----Original Message-----", in English, Dutch, French and German) or as "> " lines, and a
// signature after "-- " (RFC 3676) or a "Sent from my …" line. Everything from the first such marker
// on is dropped; a reply that is only a quote keeps its text. Pure.

const MARKERS: RegExp[] = [
  // Gmail, Apple Mail, Thunderbird: "On Mon, 7 Dec 2026 at 10:00, Acme <x@y> wrote:" (may wrap onto a second line)
  /^On\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bwrote:[ \t]*$/m,
  /^Op\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bschreef[^\n]{0,100}:[ \t]*$/m,
  /^Le\b[^\n]{0,300}(?:\n[^\n]{0,300})?\ba écrit[ \t]*:[ \t]*$/m,
  /^Am\b[^\n]{0,300}(?:\n[^\n]{0,300})?\bschrieb[^\n]{0,100}:[ \t]*$/m,
  // Outlook
  /^-{2,}[ \t]*(?:Original Message|Oorspronkelijk bericht|Message d'origine|Ursprüngliche Nachricht)[ \t]*-{2,}/im,
  /^_{20,}[ \t]*$/m,
  /^(?:From|Van|De|Von):[^\n]*\n(?:[^\n]*\n)?(?:Sent|Verzonden|Envoyé|Gesendet|Date|Datum):/m,
  // quoted lines
  /^>[^\n]*$/m,
  // signatures
  /^-- ?$/m,
  /^(?:Sent from my|Verzonden vanaf mijn|Envoyé de mon|Von meinem)\b[^\n]*$/m,
];

export function stripQuoted(text: string): string {
  const body = text.replace(/\r\n?/g, '\n');
  let cut = body.length;
  for (const re of MARKERS) {
    const m = re.exec(body);
    if (m && m.index < cut) cut = m.index;
  }
  const kept = body.slice(0, cut).trim();
  return kept || body.trim();
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of an HTML-only mail: blocks as lines, tags dropped, entities decoded (it is shown as text, never as HTML). */
export function htmlText(html: string): string {
  return html
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<blockquote\b[\s\S]*?<\/blockquote\s*>/gi, '\n> …\n')
    .replace(/<br\s*\/?>|<\/(?:p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

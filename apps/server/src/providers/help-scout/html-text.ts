// Help Scout thread bodies are HTML both ways: agent replies arrive as HTML (shown to the user as plain
// text only, never as markup) and our thread texts are rendered as HTML (so user text is escaped).
import { MAX_TEXT_LENGTH } from '@baton/proto';

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*|#39);/gi, (m, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? m;
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? m;
    return NAMED[lower] ?? m;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/** Agent HTML → the plain text a chat user reads: scripts and styles dropped, blocks become lines. */
export function htmlToText(html: string, max = MAX_TEXT_LENGTH): string {
  const text = decodeEntities(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style|head|template)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<(script|style)\b[\s\S]*$/gi, '') // an unclosed script swallows the rest
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<li\b[^>]*>/gi, '\n- ')
      .replace(/<\/(p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|table)\s*>/gi, '\n')
      .replace(/<a\b[^>]*href\s*=\s*["']([^"']+)["'][^>]*>([\s\S]*?)<\/a>/gi, (_m, href: string, label: string) =>
        label.replace(/<[^>]*>/g, '').trim() === href ? href : `${label} (${href})`,
      )
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Plain text → safe HTML for a thread body (line breaks kept). */
export function textToHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\r?\n/g, '<br>');
}

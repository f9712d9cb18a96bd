// A conversation's transcript as a downloadable file (GET …/transcript?format=txt|html): a header, one
// entry per message with its time and author, a footer. Pure text shaping: the command pages the rows
// through the reader pool and writes each chunk as it comes, so the whole never sits in memory.
import { createHash } from 'node:crypto';
import type { Button, Card } from '@baton/proto';
import { fromJson } from '../store/json.js';
import type { ConversationRow, MessageRow } from '../store/schema.js';

export type TranscriptFormat = 'txt' | 'html';
/** who reads it: the user (no notes, "You") or an agent (notes marked, the user by name) */
export type TranscriptReader = 'user' | 'agent';

const LABELS = {
  en: { title: 'Conversation transcript', you: 'You', user: 'User', assistant: 'Assistant', agent: 'Agent', note: 'internal note', started: 'Started', exported: 'Downloaded', options: 'Options' },
  nl: { title: 'Transcript van het gesprek', you: 'Jij', user: 'Gebruiker', assistant: 'Assistent', agent: 'Medewerker', note: 'interne notitie', started: 'Gestart', exported: 'Gedownload', options: 'Keuzes' },
  fr: { title: 'Transcription de la conversation', you: 'Vous', user: 'Utilisateur', assistant: 'Assistant', agent: 'Conseiller', note: 'note interne', started: 'Commencée', exported: 'Téléchargée', options: 'Choix' },
} as const;
type Labels = (typeof LABELS)[keyof typeof LABELS];

export function labelsFor(language: string): Labels {
  const base = language.slice(0, 2).toLowerCase();
  return base in LABELS ? LABELS[base as keyof typeof LABELS] : LABELS.en;
}

/** times in UTC, to the second: the file does not know the reader's time zone, and says so */
const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

// the only style of the HTML file; its hash is the whole of the CSP's style-src, so nothing else can style or run
const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}' +
  'h1{font-size:1.3rem}.meta{color:#555}.m{margin:.8rem 0;padding:.5rem .8rem;border-radius:8px;background:#f3f4f6}' +
  '.user{background:#e7edff}.agent{background:#e9f7ef}.system{background:none;color:#555;font-style:italic}.note{background:#fff7d6}' +
  '.who{font-weight:600}.t{color:#666;font-size:.85em;margin-left:.5rem}.x{white-space:pre-wrap;margin:.2rem 0 0}ul{margin:.2rem 0 0}';

/** The CSP of the HTML file: no script, no fetch, no frame, no form, only the one style block above. */
export const TRANSCRIPT_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE, 'utf8').digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  'sandbox',
].join('; ');

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Every character that HTML gives a meaning is written as an entity: the text stays text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** NUL and other control characters (but tab and newline) are dropped: a text file stays readable. */
const clean = (text: string) => text.replace(/(?![\t\n])\p{Cc}/gu, '');

export function transcriptFilename(conv: Pick<ConversationRow, 'id' | 'created_at'>, format: TranscriptFormat): string {
  // ids are Baton's own ([A-Za-z0-9_-]); anything else is replaced, so the header cannot be split
  return `transcript-${new Date(conv.created_at).toISOString().slice(0, 10)}-${conv.id.replace(/[^A-Za-z0-9_-]/g, '_')}.${format}`;
}

export function transcriptHead(conv: ConversationRow, format: TranscriptFormat, now: number): string {
  const l = labelsFor(conv.language);
  if (format === 'txt') return `${l.title}\n${l.started}: ${when(conv.created_at)}\n${l.exported}: ${when(now)}\n\n`;
  return (
    `<!doctype html><html lang="${escapeHtml(conv.language.slice(0, 2))}"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(l.title)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(l.title)}</h1><p class="meta">${escapeHtml(l.started)}: ${when(conv.created_at)}<br>${escapeHtml(l.exported)}: ${when(now)}</p>\n`
  );
}

export function transcriptTail(format: TranscriptFormat): string {
  return format === 'txt' ? '' : '</body></html>\n';
}

function authorOf(m: MessageRow, l: Labels, reader: TranscriptReader, userName: string | null): string {
  switch (m.author_type) {
    case 'user':
      return reader === 'user' ? l.you : (userName ?? l.user);
    case 'bot':
      return m.author_name ?? l.assistant;
    case 'agent':
      return m.author_name ?? l.agent;
    default:
      return '';
  }
}

/** The lines of a message: its text, then what it offered (buttons, cards) as plain options. */
function linesOf(m: MessageRow): { text: string; options: string[] } {
  const body = fromJson<{ buttons?: Button[]; cards?: Card[] }>(m.body, {});
  const options: string[] = [];
  for (const c of body.cards ?? []) options.push([c.title, c.subtitle].filter(Boolean).join(' — '));
  for (const b of body.buttons ?? []) options.push(b.title);
  return { text: clean(m.text ?? ''), options: options.map(clean) };
}

/** One message as the file shows it. */
export function transcriptEntry(m: MessageRow, format: TranscriptFormat, l: Labels, reader: TranscriptReader, userName: string | null): string {
  const { text, options } = linesOf(m);
  const who = authorOf(m, l, reader, userName);
  const note = m.internal ? ` (${l.note})` : '';
  if (format === 'txt') {
    const head = m.author_type === 'system' ? `[${when(m.created_at)}] — ${text}` : `[${when(m.created_at)}] ${who}${note}:`;
    const body = m.author_type === 'system' ? '' : text ? `\n  ${text.replace(/\n/g, '\n  ')}` : '';
    const opts = options.length ? `\n  ${l.options}: ${options.map((o) => `[${o}]`).join(' ')}` : '';
    return `${head}${body}${opts}\n`;
  }
  const cls = m.internal ? 'm note' : `m ${m.author_type}`;
  const list = options.length ? `<ul>${options.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>` : '';
  const head = m.author_type === 'system' ? '' : `<span class="who">${escapeHtml(who + note)}</span>`;
  return `<div class="${cls}">${head}<span class="t">${when(m.created_at)}</span>${text ? `<p class="x">${escapeHtml(text)}</p>` : ''}${list}</div>\n`;
}

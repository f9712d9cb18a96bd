// A conversation's transcript as a file, for its user (their token, also after they ended it) or for
// an agent who may read the conversation. Written as it is read: pages of messages through the reader
// pool, so a conversation of 50,000 messages costs one page of memory and never blocks the event loop.
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { labelsFor, transcriptEntry, transcriptFilename, transcriptHead, transcriptTail, type TranscriptFormat, type TranscriptReader } from '../presenters/transcript.js';
import { findConversation, listMessages } from '../store/conversations.js';
import type { AgentRow, ConversationRow } from '../store/schema.js';
import { assertCanView } from './agent-access.js';

/** messages per read */
const PAGE = 500;

export interface TranscriptFile {
  filename: string;
  format: TranscriptFormat;
  body: AsyncIterable<string>;
}

/** The user's own transcript: what the widget showed them (no internal notes, no agent-only system lines). */
export async function userTranscript(deps: Deps, conversationId: string, format: TranscriptFormat): Promise<TranscriptFile> {
  const conv = await findConversation(deps.store.reads, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  return file(deps, conv, format, 'user', null);
}

/** The agent's transcript: everything the desk shows, internal notes marked, the user by name. */
export async function agentTranscript(deps: Deps, agent: AgentRow, conversationId: string, format: TranscriptFormat): Promise<TranscriptFile> {
  const conv = await findConversation(deps.store.reads, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  assertCanView(agent, conv);
  const user = conv.end_user_id ? await deps.store.reads.selectFrom('end_users').select('name').where('id', '=', conv.end_user_id).executeTakeFirst() : undefined;
  return file(deps, conv, format, 'agent', user?.name ?? null);
}

function file(deps: Deps, conv: ConversationRow, format: TranscriptFormat, reader: TranscriptReader, userName: string | null): TranscriptFile {
  return { filename: transcriptFilename(conv, format), format, body: lines(deps, conv, format, reader, userName) };
}

async function* lines(deps: Deps, conv: ConversationRow, format: TranscriptFormat, reader: TranscriptReader, userName: string | null): AsyncGenerator<string> {
  const l = labelsFor(conv.language);
  yield transcriptHead(conv, format, deps.clock.now());
  for (let after = 0; ; ) {
    const page = await listMessages(deps.store.reads, conv.id, { after, limit: PAGE, includeInternal: reader === 'agent' });
    if (page.length) yield page.map((m) => transcriptEntry(m, format, l, reader, userName)).join('');
    if (page.length < PAGE) break;
    after = page.at(-1)!.seq;
  }
  yield transcriptTail(format);
}

/** a transcript mail holds at most this much text; a longer conversation is cut and says where the rest is */
const MAIL_TEXT_MAX = 512 * 1024;

/** "j***@example.com": the widget shows where the mail goes without handing the address to whoever holds the page */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return at <= 0 ? '***' : `${email[0]}***${email.slice(at)}`;
}

async function knownEmail(deps: Deps, conv: ConversationRow): Promise<string | null> {
  if (!conv.end_user_id) return null;
  const user = await deps.store.reads.selectFrom('end_users').select('email').where('id', '=', conv.end_user_id).executeTakeFirst();
  return user?.email ?? null;
}

/** What the widget may offer after a chat: e-mail only with SMTP_URL set, to the known address if there is one. */
export async function transcriptEmailOffer(deps: Deps, conversationId: string): Promise<{ available: boolean; email: string | null }> {
  const conv = await findConversation(deps.store.reads, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  const email = await knownEmail(deps, conv);
  return { available: Boolean(deps.mailer), email: email ? maskEmail(email) : null };
}

/**
 * E-mails the user's own transcript (the same text as the download). Only to the e-mail the conversation
 * knows (verified, or given to the bot); an address in the request is used only when none is known, so a
 * page cannot send someone else's chat elsewhere. The route limits how often a token may ask.
 */
export async function emailUserTranscript(deps: Deps, conversationId: string, requested: string | undefined): Promise<{ sentTo: string }> {
  if (!deps.mailer) throw new AppError('MAIL_NOT_CONFIGURED');
  const conv = await findConversation(deps.store.reads, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  const known = await knownEmail(deps, conv);
  if (known && requested && requested.toLowerCase() !== known.toLowerCase()) throw new AppError('EMAIL_MISMATCH');
  const to = known ?? requested;
  if (!to) throw new AppError('EMAIL_REQUIRED');
  let text = '';
  for await (const chunk of lines(deps, conv, 'txt', 'user', null)) {
    text += chunk;
    if (text.length > MAIL_TEXT_MAX) {
      text = `${text.slice(0, MAIL_TEXT_MAX)}\n…\n(${labelsFor(conv.language).title}: cut here; the chat offers the whole file as a download)\n`;
      break;
    }
  }
  const l = labelsFor(conv.language);
  await deps.mailer.send({ to, subject: l.title, text, headers: { 'X-Baton-Conversation': conv.id }, conversationId: conv.id });
  return { sentTo: maskEmail(to) };
}

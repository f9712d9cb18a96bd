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

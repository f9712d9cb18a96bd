// Channel-side reads, authorized by the per-conversation user token.
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentConversation, presentMessage } from '../presenters/conversation.js';
import { findByToken, findConversation, listMessages } from '../store/conversations.js';
import { queueInfo } from '../store/queue.js';
import type { ConversationRow } from '../store/schema.js';
import { hashToken } from '../tokens.js';

/** The conversation a user token belongs to; a token for another conversation is refused. */
export async function authorizeUser(deps: Deps, token: string | undefined, conversationId?: string): Promise<Pick<ConversationRow, 'id' | 'status' | 'last_seq'>> {
  if (!token) throw new AppError('UNAUTHORIZED', 'A conversation token is required (Authorization: Bearer <token>)');
  const conv = await findByToken(deps.store.db, hashToken(token));
  if (!conv) throw new AppError('UNAUTHORIZED', 'Unknown or revoked conversation token');
  if (conversationId !== undefined && conv.id !== conversationId) {
    throw new AppError('FORBIDDEN', 'This token belongs to another conversation');
  }
  return conv;
}

export async function getConversationView(deps: Deps, id: string) {
  const row = await findConversation(deps.store.db, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  return presentConversation(row, { queue: await queueInfo(deps.store.db, row) });
}

export async function listConversationMessages(deps: Deps, id: string, q: { after?: number; limit: number }, includeInternal = false) {
  const rows = await listMessages(deps.store.db, id, { after: q.after, limit: q.limit, includeInternal });
  return rows.map(presentMessage);
}

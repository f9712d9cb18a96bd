// The conversation's user as the bot collected it (domain/identity.ts decides what is valid). Written in
// the bot turn's transaction; the search triggers of migration 013 index the name and e-mail it writes.
import type { GivenIdentity } from '../domain/identity.js';
import { newId } from '../tokens.js';
import type { ConversationRow } from './schema.js';
import type { Tx } from './types.js';

/**
 * Fills the conversation's user with what they told the bot. A verified identity (a site's userHash, a
 * signed channel) is never overwritten: its row is shared by all of that user's conversations and holds
 * what was proven. An unverified claim's row belongs to this conversation only, so it is updated; a
 * conversation without a user gets its own row. Returns the user row written, or null (verified: untouched).
 */
export async function fillGivenIdentity(tx: Tx, conv: Pick<ConversationRow, 'id' | 'end_user_id'>, given: GivenIdentity, now: number): Promise<string | null> {
  const patch = { ...(given.name !== undefined ? { name: given.name } : {}), ...(given.email !== undefined ? { email: given.email } : {}), given_by_user: 1 };
  if (conv.end_user_id) {
    const user = await tx.selectFrom('end_users').select(['verified_id']).where('id', '=', conv.end_user_id).executeTakeFirst();
    if (!user || user.verified_id !== null) return null;
    await tx.updateTable('end_users').set(patch).where('id', '=', conv.end_user_id).execute();
    return conv.end_user_id;
  }
  const id = newId();
  await tx.insertInto('end_users').values({ id, external_id: null, name: null, email: null, verified_id: null, created_at: now, ...patch }).execute();
  await tx.updateTable('conversations').set({ end_user_id: id }).where('id', '=', conv.id).execute();
  return id;
}

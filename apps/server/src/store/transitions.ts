// The conditional status write: an UPDATE that applies only while the row still has the status and
// owner the command saw, so of concurrent writers (several agents or instances accepting at once)
// exactly one changes it. Plain status writes go through updateConversation.
import { patchStatement } from './conversations.js';
import { hot } from './hot.js';
import type { ConversationRow, ConversationUpdate } from './schema.js';
import type { Tx } from './types.js';

const OWNED = 'where id = ? and status = ? and assignee_id = ? returning *';
const UNOWNED = 'where id = ? and status = ? and assignee_id is null returning *';

/**
 * Sets the patch's columns (undefined ones are left as they are) and updated_at where the row is still
 * in `expect`; the row as it leaves it, or undefined when another writer changed it first.
 */
export async function updateConversationIf(
  tx: Tx,
  id: string,
  expect: Pick<ConversationRow, 'status' | 'assignee_id'>,
  patch: ConversationUpdate,
  now: number,
): Promise<ConversationRow | undefined> {
  const owned = expect.assignee_id !== null;
  const { text, values } = patchStatement(patch, owned ? OWNED : UNOWNED);
  const params = [...values, now, id, expect.status, ...(owned ? [expect.assignee_id] : [])];
  return (await hot<ConversationRow>(tx, text, params)).rows[0];
}

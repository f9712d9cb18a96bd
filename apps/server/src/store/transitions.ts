// The conditional status write: an UPDATE that applies only while the row still has the status and
// owner the command saw, so of concurrent writers (several agents or instances accepting at once)
// exactly one changes it. Plain status writes go through updateConversation.
import type { ConversationRow, ConversationUpdate } from './schema.js';
import type { Tx } from './write-queue.js';
import { hot } from './hot.js';

/** UPDATE statements by the columns they set and the owner they expect (a handful of shapes) */
const updates = new Map<string, string>();
const COLUMN = /^[a-z_]+$/;

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
  const columns = (Object.keys(patch) as Array<keyof ConversationUpdate>).filter((c) => patch[c] !== undefined && c !== 'updated_at');
  const owned = expect.assignee_id !== null;
  const shape = `${columns.join(',')}|${owned}`;
  let text = updates.get(shape);
  if (text === undefined) {
    // column names are interpolated (quoted): only the schema's plain names pass
    const odd = columns.find((c) => !COLUMN.test(c));
    if (odd !== undefined) throw new Error(`updateConversationIf: not a column name: ${odd}`);
    text =
      `update conversations set ${columns.map((c) => `"${c}" = ?, `).join('')}updated_at = ? where id = ? and status = ? and ` +
      (owned ? 'assignee_id = ?' : 'assignee_id is null') +
      ' returning *';
    updates.set(shape, text);
  }
  const params = [...columns.map((c) => patch[c]), now, id, expect.status, ...(owned ? [expect.assignee_id] : [])];
  return (await hot<ConversationRow>(tx, text, params)).rows[0];
}

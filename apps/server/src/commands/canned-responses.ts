// Canned responses: saved replies agents insert with "/shortcut".
import type { CannedResponse, CannedResponseBody, CannedResponsesResponse, PageQuery } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { newId } from '../tokens.js';
import { isUniqueViolation } from '../store/errors.js';
import { after, decodeCursor, pageOf, type Keyset } from './page-cursor.js';

const present = (r: CannedResponse): CannedResponse => ({ id: r.id, shortcut: r.shortcut, title: r.title, text: r.text });

const CANNED: Keyset = { list: 'canned', direction: 'asc' };

/** By shortcut, a page at a time. */
export async function listCanned(deps: Deps, page: PageQuery): Promise<CannedResponsesResponse> {
  const at = decodeCursor(CANNED, page.cursor);
  let sel = deps.store.reads.selectFrom('canned_responses').selectAll();
  if (at) sel = sel.where(after(CANNED, 'shortcut', 'id', at));
  const rows = await sel.orderBy('shortcut').orderBy('id').limit(page.limit + 1).execute();
  const { items, nextCursor } = pageOf(CANNED, rows, page.limit, (r) => ({ key: r.shortcut, id: r.id }));
  return { cannedResponses: items.map(present), nextCursor };
}

export async function saveCanned(deps: Deps, id: string | undefined, body: CannedResponseBody) {
  const now = deps.clock.now();
  try {
    return await deps.store.write.run(async (tx) => {
      if (id) {
        const r = await tx.updateTable('canned_responses').set({ ...body, updated_at: now }).where('id', '=', id).executeTakeFirst();
        if (Number(r.numUpdatedRows) === 0) throw new AppError('NOT_FOUND', 'No such canned response');
        return present({ id, ...body });
      }
      const row = { id: newId(), ...body, created_at: now, updated_at: now };
      await tx.insertInto('canned_responses').values(row).execute();
      return present(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('VALIDATION_FAILED', `The shortcut /${body.shortcut} is already used`);
    throw err;
  }
}

export async function deleteCanned(deps: Deps, id: string) {
  const r = await deps.store.write.run((tx) => tx.deleteFrom('canned_responses').where('id', '=', id).executeTakeFirst());
  if (Number(r.numDeletedRows) === 0) throw new AppError('NOT_FOUND', 'No such canned response');
}

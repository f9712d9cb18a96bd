// Keyset paging for every list that can grow: a cursor names the last row of a page by the list's sort
// key and id, so the next page is an index range after it (never an OFFSET that reads what it skips
// again), and rows added meanwhile neither repeat nor shift a page. Opaque to clients (base64url of
// JSON); one made by another list, or any other string, is INVALID_CURSOR.
import { sql, type Expression, type SqlBool } from 'kysely';
import { AppError } from '../errors.js';

/** Where a page ends: its last row's sort key and id. */
export interface Position {
  key: number | string;
  id: string;
}

/** the list a cursor belongs to, and its sort order */
export interface Keyset {
  list: string;
  direction: 'asc' | 'desc';
}

export function encodeCursor(keyset: Keyset, at: Position): string {
  return Buffer.from(JSON.stringify([keyset.list, at.key, at.id])).toString('base64url');
}

export function decodeCursor(keyset: Keyset, cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new AppError('INVALID_CURSOR');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new AppError('INVALID_CURSOR');
  const [list, key, id] = parsed as unknown[];
  const keyOk = (typeof key === 'number' && Number.isSafeInteger(key)) || (typeof key === 'string' && key.length <= 200);
  if (list !== keyset.list || !keyOk || typeof id !== 'string' || id.length === 0 || id.length > 100) throw new AppError('INVALID_CURSOR');
  return { key: key as number | string, id };
}

/** The rows after a position in the keyset's order: `(key, id)` compared as a row, an index range. */
export function after(keyset: Keyset, key: string, id: string, at: Position): Expression<SqlBool> {
  const op = sql.raw(keyset.direction === 'desc' ? '<' : '>');
  return sql<SqlBool>`(${sql.ref(key)}, ${sql.ref(id)}) ${op} (${at.key}, ${at.id})`;
}

/**
 * A page from `limit + 1` rows fetched in the keyset's order: the first `limit`, and the cursor of the
 * last of them when there was more.
 */
export function pageOf<R>(keyset: Keyset, rows: R[], limit: number, position: (row: R) => Position): { items: R[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(keyset, position(items[items.length - 1]!)) };
}

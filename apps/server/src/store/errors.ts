// What a database error means, the same on SQLite and PostgreSQL.

/** A unique index refused the row (PostgreSQL 23505, SQLite's UNIQUE constraint). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '');
}

/** A slow read refused (too many waiting) or stopped (ran too long); `code` is the catalog's. */
export class ReadPoolError extends Error {
  constructor(
    readonly code: 'QUERY_TIMEOUT' | 'STORAGE_BUSY',
    message: string,
  ) {
    super(message);
  }
}

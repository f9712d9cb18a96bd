// better-sqlite3 statements kept by SQL text, answering rows as objects built by a compiled literal.
import type SQLite from 'better-sqlite3';

/**
 * Kysely prepares every query anew, while the hot paths repeat the same few hundred SQL strings:
 * statements are reusable in better-sqlite3 (Kysely runs each synchronously), so the most recent ones
 * are kept by SQL text. Rows are built by objectRows, which is cheaper than better-sqlite3 building
 * each row object natively one property at a time (bench/NOTES.md).
 */
export function withStatementCache(file: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = file.prepare.bind(file);
  return new Proxy(file, {
    get(target, prop) {
      if (prop !== 'prepare') {
        // native methods and getters (inTransaction, open) need the real Database as `this`, not the proxy
        const v: unknown = Reflect.get(target, prop);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sql: string) => {
        let stmt = cache.get(sql);
        if (stmt) {
          cache.delete(sql); // most recently used last
        } else {
          stmt = objectRows(prepare(sql));
          if (cache.size >= max) cache.delete(cache.keys().next().value!);
        }
        cache.set(sql, stmt);
        return stmt;
      };
    },
  });
}

/** The statement with `all`, `get` and `iterate` answering objects built from raw rows (see above). */
export function objectRows(stmt: SQLite.Statement): SQLite.Statement {
  if (!stmt.reader) return stmt;
  const names = stmt.columns().map((c) => c.name);
  // the names come from our own SQL; JSON.stringify quotes them as property keys
  const row = new Function('r', `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`) as (r: unknown[]) => Record<string, unknown>;
  stmt.raw(true);
  const all = stmt.all.bind(stmt) as (...p: unknown[]) => unknown[][];
  const get = stmt.get.bind(stmt) as (...p: unknown[]) => unknown[] | undefined;
  const iterate = stmt.iterate.bind(stmt) as (...p: unknown[]) => IterableIterator<unknown[]>;
  // what Kysely uses of a statement; the native methods stay bound to the real one
  const wrapped: Pick<SQLite.Statement, 'reader' | 'source' | 'all' | 'get' | 'iterate' | 'run'> = {
    reader: true,
    source: stmt.source,
    all: (...p: unknown[]) => all(...p).map(row),
    get: (...p: unknown[]) => {
      const r = get(...p);
      return r === undefined ? undefined : row(r);
    },
    iterate: function* (...p: unknown[]) {
      for (const r of iterate(...p)) yield row(r);
    },
    run: stmt.run.bind(stmt),
  };
  return wrapped as SQLite.Statement;
}

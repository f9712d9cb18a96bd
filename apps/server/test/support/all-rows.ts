// Every row of every table of a test server's database, as text: for tests that prove something is
// gone everywhere (an erasure), including from tables added after the test was written.
import { sql } from 'kysely';
import type { TestServer } from './server.js';

/** The database's tables: SQLite's from sqlite_master (virtual tables and their shadow tables included), PostgreSQL's from information_schema. */
export async function tableNames(s: TestServer): Promise<string[]> {
  const db = s.baton.deps.store.db;
  const r =
    s.baton.deps.store.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(db);
  return r.rows.map((t) => t.name);
}

/** Each row of each table as one line of text (blobs read as UTF-8), with its table's name. */
export async function everyRow(s: TestServer): Promise<Array<{ table: string; text: string }>> {
  const db = s.baton.deps.store.db;
  const out: Array<{ table: string; text: string }> = [];
  for (const table of await tableNames(s)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) {
      out.push({ table, text: JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : (v as { type?: string })?.type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('utf8') : typeof v === 'bigint' ? String(v) : v)) });
    }
  }
  return out;
}

/** The rows anywhere in the database that contain any of `needles` (case-insensitive). */
export async function rowsContaining(s: TestServer, needles: readonly string[]): Promise<string[]> {
  const wanted = needles.filter((n) => n.length > 0).map((n) => n.toLowerCase());
  return (await everyRow(s)).filter((r) => wanted.some((n) => r.text.toLowerCase().includes(n))).map((r) => `${r.table}: ${r.text.slice(0, 300)}`);
}

// Jobs that run after a prelude stored their writes outside a transaction (write-queue.ts) get a
// connection that may only read: a write there would not be atomic with the prelude's statement, so it
// fails loudly instead.

const READ_ONLY = Symbol('baton.readOnly');
/** a statement that only reads */
const READ = /^\s*(\/\*.*?\*\/\s*)?select\b/i;

export function markReadOnly(db: object): void {
  (db as Record<symbol, boolean>)[READ_ONLY] = true;
}

export function isReadOnly(db: object): boolean {
  return (db as Record<symbol, boolean>)[READ_ONLY] === true;
}

/** why a read-only connection refuses `sql` (undefined: it reads) */
export function refusedWrite(sql: string): Error | undefined {
  return READ.test(sql) ? undefined : new Error(`only reads may follow a prelude run alone, not: ${sql.slice(0, 80)}`);
}

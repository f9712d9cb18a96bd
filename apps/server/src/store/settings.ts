// Key/value settings rows (JSON), read through a small cache that the bus invalidates on change.
import type { Tx } from './write-queue.js';

export async function readSetting<T>(tx: Tx, key: string): Promise<T | undefined> {
  const row = await tx.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? (JSON.parse(row.value) as T) : undefined;
}

export async function writeSetting(tx: Tx, key: string, value: unknown, now: number): Promise<void> {
  const text = JSON.stringify(value);
  await tx
    .insertInto('settings')
    .values({ key, value: text, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: now }))
    .execute();
}

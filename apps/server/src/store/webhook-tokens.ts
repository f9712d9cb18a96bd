// Claims a signed webhook's one-time token (migration 027): true the first time, false for a replay
// on any instance. Expired tokens are cleared on the way (few rows: those of the last minutes).
import type { Tx } from './types.js';

export async function claimWebhookToken(tx: Tx, key: string, now: number, ttlMs: number): Promise<boolean> {
  await tx.deleteFrom('webhook_tokens').where('expires_at', '<', now).execute();
  const r = await tx
    .insertInto('webhook_tokens')
    .values({ key, expires_at: now + ttlMs })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

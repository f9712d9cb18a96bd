// Rows of the durable outbox: written inside the transaction that caused them, so a delivery is
// neither lost nor invented by a crash; workers/outbox.ts sends them.
import type { Tx } from './write-queue.js';

export interface NewDelivery {
  /** also the delivery id, which stays the same across retries so receivers can dedupe */
  id: string;
  /** a provider id, or `channel:<id>` for a channel webhook */
  target: string;
  event: string;
  /** null for what belongs to no conversation's order (mails: a down SMTP server holds back no chat) */
  conversationId: string | null;
  /** the JSON body to send */
  payload: string;
  now: number;
}

/** A pending delivery, due now. */
export async function insertOutbox(tx: Tx, row: NewDelivery): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({
      id: row.id,
      delivery_id: row.id,
      provider_id: row.target,
      event: row.event,
      conversation_id: row.conversationId,
      payload: row.payload,
      status: 'pending',
      attempts: 0,
      next_attempt_at: row.now,
      lease_until: null,
      last_error: null,
      created_at: row.now,
      delivered_at: null,
    })
    .execute();
}

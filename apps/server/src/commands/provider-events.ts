// Tells the conversation's offloading provider what happened, through the durable outbox. The
// built-in desk needs no delivery (it reads the store); external providers get an outbox row in the
// same transaction as the change, so a crash can neither lose nor invent a delivery.
import type { Deps } from '../deps.js';
import type { ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import type { ProviderEventData, ProviderEventName } from '../providers/provider.js';
import type { AfterCommit } from './after-commit.js';

export async function providerEvent<E extends ProviderEventName>(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  conv: ConversationRow,
  event: E,
  data: ProviderEventData[E],
): Promise<void> {
  if (!conv.provider_id) return;
  if (await deps.providers.queue(tx, conv, event, data)) out.kicks.add('outbox');
}

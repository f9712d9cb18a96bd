// The configured providers: turns domain events into outbox rows for external providers (inside the
// caller's transaction) and finds the implementation for a delivery.
import type { ProviderConfig } from '@baton/proto';
import type { ProviderEventName } from '../commands/provider-events.js';
import type { Deps } from '../deps.js';
import { presentMessage } from '../presenters/conversation.js';
import { listMessages } from '../store/conversations.js';
import { fromJson, toJson } from '../store/json.js';
import type { ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { newSortableId } from '../tokens.js';
import type { StoredHandover } from '../commands/request-handover.js';
import type { OffloadingProvider, ProviderEvent } from './provider.js';
import { webhookProvider } from './webhook/index.js';
import { genesysCloudProvider } from './genesys-cloud/index.js';
import { helpScoutProvider } from './help-scout/index.js';

export const PROVIDERS: Record<string, OffloadingProvider> = {
  webhook: webhookProvider,
  'genesys-cloud': genesysCloudProvider,
  'help-scout': helpScoutProvider,
};

export function registerProvider(p: OffloadingProvider): void {
  PROVIDERS[p.type] = p;
}

const TRANSCRIPT_LIMIT = 200;

export async function buildProviderEvent(
  tx: Tx,
  conv: ConversationRow,
  type: ProviderEventName,
  data: Record<string, unknown>,
  now: number,
): Promise<ProviderEvent> {
  const user = conv.end_user_id ? await tx.selectFrom('end_users').selectAll().where('id', '=', conv.end_user_id).executeTakeFirst() : undefined;
  const event: ProviderEvent = {
    id: newSortableId(),
    type,
    createdAt: new Date(now).toISOString(),
    conversation: {
      id: conv.id,
      status: conv.status,
      language: conv.language,
      skill: conv.skill,
      tags: fromJson(conv.tags, []),
      variables: fromJson(conv.variables, {}),
      user: { id: user?.external_id ?? user?.id ?? null, name: user?.name ?? null, email: user?.email ?? null, verified: Boolean(user?.verified_id) },
    },
  };
  if (type === 'handover.requested') {
    const h = data.handover as StoredHandover;
    event.conversation.status = 'offloaded';
    event.conversation.skill = h.skill;
    event.handover = { ...h, requestedAt: new Date(h.requestedAt).toISOString() };
    // the whole bot part: user and bot turns (with the message that triggered the handover), no internal lines
    const rows = await listMessages(tx, conv.id, { limit: 100_000, includeInternal: false });
    event.transcript = rows.filter((r) => r.author_type === 'user' || r.author_type === 'bot' || r.author_type === 'agent').slice(-TRANSCRIPT_LIMIT).map(presentMessage);
  }
  if (data.message) event.message = data.message as ProviderEvent['message'];
  if (typeof data.reason === 'string') event.reason = data.reason;
  return event;
}

/** An external provider (not the desk) that takes this event as an outbox delivery. */
function takes(cfg: ProviderConfig, type: ProviderEventName): boolean {
  return cfg.type !== 'desk' && Boolean(PROVIDERS[cfg.type]?.wants(type));
}

export function createProviderQueue(getDeps: () => Deps) {
  const holders = new WeakMap<object, Map<ProviderEventName, readonly string[]>>();
  /** The external provider (not the desk) a conversation's events go to, if it takes this event. */
  async function target(tx: Tx, providerId: string | null, type: ProviderEventName) {
    const settings = await getDeps().settings.offloading(tx);
    const cfg = settings.providers.find((p) => p.id === providerId);
    return cfg && takes(cfg, type) ? cfg : undefined;
  }
  return {
    /** Whether queue() would store an outbox delivery (callers may skip reading the whole row when not). */
    async wants(tx: Tx, providerId: string | null, type: ProviderEventName): Promise<boolean> {
      return Boolean(await target(tx, providerId, type));
    },
    /** The ids of the external providers that take this event (computed once per settings). */
    async takers(type: ProviderEventName): Promise<readonly string[]> {
      const settings = await getDeps().settings.offloading();
      let byType = holders.get(settings);
      if (!byType) holders.set(settings, (byType = new Map()));
      let ids = byType.get(type);
      if (!ids) byType.set(type, (ids = settings.providers.filter((p) => takes(p, type)).map((p) => p.id)));
      return ids;
    },
    async queue(tx: Tx, conv: ConversationRow, type: ProviderEventName, data: Record<string, unknown>): Promise<boolean> {
      const deps = getDeps();
      const cfg = await target(tx, conv.provider_id, type);
      if (!cfg) return false;
      const now = deps.clock.now();
      const event = await buildProviderEvent(tx, conv, type, data, now);
      await tx
        .insertInto('outbox')
        .values({
          id: event.id,
          delivery_id: event.id,
          provider_id: cfg.id,
          event: type,
          conversation_id: conv.id,
          payload: toJson(event),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          lease_until: null,
          last_error: null,
          created_at: now,
          delivered_at: null,
        })
        .execute();
      return true;
    },
  };
}

export function providerConfig(settings: { providers: ProviderConfig[] }, id: string): ProviderConfig | undefined {
  return settings.providers.find((p) => p.id === id);
}

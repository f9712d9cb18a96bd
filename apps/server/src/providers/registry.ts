// The provider types one Baton instance knows, and its provider queue: turns domain events into
// outbox rows for external providers (inside the caller's transaction).
import type { ProviderConfig } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentMessage } from '../presenters/conversation.js';
import { listMessages } from '../store/conversations.js';
import { fromJson, toJson } from '../store/json.js';
import { insertOutbox } from '../store/outbox.js';
import type { ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { newSortableId } from '../tokens.js';
import { providerEventInput, type OffloadingProvider, type ProviderEvent, type ProviderEventData, type ProviderEventInput, type ProviderEventName } from './provider.js';
import type { OutboundClient } from '../outbound/client.js';
import { createWebhookProvider } from './webhook/index.js';
import { createGenesysCloudProvider } from './genesys-cloud/index.js';
import { createHelpScoutProvider } from './help-scout/index.js';
import { createSunshineConversationsProvider } from './sunshine-conversations/index.js';
import { findConversation } from '../store/conversations.js';
import type { Message } from '@baton/proto';
import { createGenesysBotConnectorProvider } from './genesys-bot-connector/index.js';

/** The implementations by provider type. Built per instance: providers keep caches (tokens, polls). */
export class ProviderRegistry {
  private readonly byType = new Map<string, OffloadingProvider>();

  constructor(providers: Iterable<OffloadingProvider>) {
    for (const p of providers) this.register(p);
  }

  /** adds a provider type, or replaces the one of the same type */
  register(p: OffloadingProvider): void {
    this.byType.set(p.type, p);
  }

  get(type: string): OffloadingProvider | undefined {
    return this.byType.get(type);
  }

  all(): OffloadingProvider[] {
    return [...this.byType.values()];
  }
}

/** The providers Baton ships (the desk needs none: it reads the store), calling out through this instance's outbound client. */
export function builtInProviders(http: OutboundClient): OffloadingProvider[] {
  return [createWebhookProvider(http), createGenesysCloudProvider(http), createHelpScoutProvider(http), createSunshineConversationsProvider(http), createGenesysBotConnectorProvider(http)];
}

const TRANSCRIPT_LIMIT = 200;

export async function buildProviderEvent(
  tx: Tx,
  conv: ConversationRow,
  input: ProviderEventInput,
  now: number,
): Promise<ProviderEvent> {
  const user = conv.end_user_id ? await tx.selectFrom('end_users').selectAll().where('id', '=', conv.end_user_id).executeTakeFirst() : undefined;
  const event: ProviderEvent = {
    id: newSortableId(),
    type: input.type,
    createdAt: new Date(now).toISOString(),
    conversation: {
      id: conv.id,
      ...(conv.channel_id ? { channelId: conv.channel_id } : {}),
      status: conv.status,
      language: conv.language,
      skill: conv.skill,
      tags: fromJson(conv.tags, []),
      variables: fromJson(conv.variables, {}),
      user: { id: user?.external_id ?? user?.id ?? null, name: user?.name ?? null, email: user?.email ?? null, verified: Boolean(user?.verified_id) },
    },
  };
  if (input.type === 'handover.requested') {
    const h = input.handover;
    event.conversation.status = 'offloaded';
    event.conversation.skill = h.skill;
    event.handover = { ...h, requestedAt: new Date(h.requestedAt).toISOString() };
    // the whole bot part: user and bot turns (with the message that triggered the handover), no internal lines
    const rows = await listMessages(tx, conv.id, { limit: 100_000, includeInternal: false });
    event.transcript = rows.filter((r) => r.author_type === 'user' || r.author_type === 'bot' || r.author_type === 'agent').slice(-TRANSCRIPT_LIMIT).map(presentMessage);
  }
  if (input.type === 'message.created') event.message = input.message;
  if (input.type === 'handover.cancelled') event.reason = input.reason;
  if (input.type === 'followup.requested') {
    event.followup = input.followup;
    // what the user said to the bot before leaving the message, as with a handover
    const rows = await listMessages(tx, conv.id, { limit: 100_000, includeInternal: false });
    event.transcript = rows.filter((r) => r.author_type === 'user' || r.author_type === 'bot' || r.author_type === 'agent').slice(-TRANSCRIPT_LIMIT).map(presentMessage);
  }
  return event;
}

/** An external provider (not the desk) that takes this event as an outbox delivery. */
function takes(registry: ProviderRegistry, cfg: ProviderConfig, type: ProviderEventName): boolean {
  return cfg.type !== 'desk' && Boolean(registry.get(cfg.type)?.wants(type));
}

export function createProviderQueue(getDeps: () => Deps, registry: ProviderRegistry) {
  const holders = new WeakMap<object, Map<ProviderEventName, readonly string[]>>();
  /** The external provider (not the desk) a conversation's events go to, if it takes this event. */
  async function target(tx: Tx, providerId: string | null, type: ProviderEventName) {
    const settings = await getDeps().settings.offloading(tx);
    const cfg = settings.providers.find((p) => p.id === providerId);
    return cfg && takes(registry, cfg, type) ? cfg : undefined;
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
      if (!ids) byType.set(type, (ids = settings.providers.filter((p) => takes(registry, p, type)).map((p) => p.id)));
      return ids;
    },
    /**
     * A message of a conversation on a provider's own messenger (`ownsChannel`), for that provider to
     * show the user: bot and desk agent messages; not the user's own, nor what the provider's agents
     * wrote (they came from there), nor internal lines. True when an outbox row was stored.
     */
    async queueOwned(tx: Tx, providerId: string, message: Message): Promise<boolean> {
      const a = message.author;
      if (message.internal || (a.type !== 'bot' && a.type !== 'agent') || a.id?.startsWith(`ext:${providerId}:`)) return false;
      const deps = getDeps();
      const settings = await deps.settings.offloading(tx);
      const cfg = settings.providers.find((p) => p.id === providerId);
      if (!cfg || !registry.get(cfg.type)?.ownsChannel) return false;
      const conv = await findConversation(tx, message.conversationId);
      if (!conv) return false;
      const now = deps.clock.now();
      const event = await buildProviderEvent(tx, conv, { type: 'message.created', message }, now);
      await insertOutbox(tx, { id: event.id, target: cfg.id, event: 'message.created', conversationId: conv.id, payload: toJson(event), now });
      return true;
    },
    async queue<E extends ProviderEventName>(tx: Tx, conv: ConversationRow, type: E, data: ProviderEventData[E]): Promise<boolean> {
      const deps = getDeps();
      const cfg = await target(tx, conv.provider_id, type);
      if (!cfg) return false;
      const now = deps.clock.now();
      const event = await buildProviderEvent(tx, conv, providerEventInput(type, data), now);
      await insertOutbox(tx, { id: event.id, target: cfg.id, event: type, conversationId: conv.id, payload: toJson(event), now });
      return true;
    },
  };
}

export function providerConfig(settings: { providers: ProviderConfig[] }, id: string): ProviderConfig | undefined {
  return settings.providers.find((p) => p.id === id);
}

// The offload plugin was reached while offloading is open: the conversation becomes `offloaded`,
// a handover record and a durable waiting timer are stored, and the provider is told (desk routing,
// or an outbox delivery for external providers) — all in the bot turn's transaction.
import type { OffloadingSettings, ProviderConfig } from '@baton/proto';
import type { OffloadRequest } from '../domain/bot/types.js';
import type { StoredHandover } from '../domain/handover.js';
import type { Deps } from '../deps.js';
import { handoverTrigger } from '../metrics.js';
import { fromJson, toJson } from '../store/json.js';
import type { ConversationRow } from '../store/schema.js';
import { clearTimer, setTimer } from '../store/timers.js';
import type { Tx } from '../store/write-queue.js';
import type { AfterCommit } from './after-commit.js';
import { announceConversation } from './conversation-events.js';
import { providerEvent } from './provider-events.js';
import { routeInTx, routingOf } from './routing.js';
import { applyTransition } from './transition.js';
import { PROVIDER_CHANNEL_PREFIX } from './channel-deliveries.js';
import { channelHandoverTarget, queueChannelHandover } from './channel-handover.js';

export type { StoredHandover };

/** The Offloading Webhook provider that is this channel webhook's own platform (platform mode), if any. */
export function platformOf(settings: Pick<OffloadingSettings, 'providers'>, channelId: string): ProviderConfig | undefined {
  return settings.providers.find((p) => p.type === 'webhook' && p.config?.channelId === channelId);
}

/** The provider that owns the channel a conversation is on: the provider of a `provider:<id>` channel, or a channel webhook's platform. */
export function channelOwner(settings: Pick<OffloadingSettings, 'providers'>, channelId: string | null): ProviderConfig | undefined {
  if (!channelId) return undefined;
  if (channelId.startsWith(PROVIDER_CHANNEL_PREFIX)) return settings.providers.find((p) => p.id === channelId.slice(PROVIDER_CHANNEL_PREFIX.length));
  return platformOf(settings, channelId);
}

/**
 * The provider that owns the conversation's channel (control can only pass to that platform's
 * agents), else the offload plugin's provider, else the first enabled provider serving the skill,
 * else the default. A disabled owner is passed over like any disabled provider.
 */
export function chooseProvider(settings: OffloadingSettings, providerId: string | undefined, skill: string, channelId: string | null = null): ProviderConfig {
  const enabled = settings.providers.filter((p) => p.enabled !== false);
  const owner = channelOwner(settings, channelId);
  return (
    (owner && owner.enabled !== false ? owner : undefined) ??
    enabled.find((p) => p.id === providerId) ??
    enabled.find((p) => p.skills?.includes(skill)) ??
    settings.providers.find((p) => p.id === settings.defaultProviderId) ??
    settings.providers[0]!
  );
}

/** The provider whose own messenger the user talks on, if any: handovers can only go there. */
function owningProvider(deps: Deps, settings: OffloadingSettings, conv: ConversationRow): ProviderConfig | undefined {
  const p = conv.provider_id ? settings.providers.find((x) => x.id === conv.provider_id) : undefined;
  return p && deps.providerRegistry.get(p.type)?.ownsChannel ? p : undefined;
}

/** Returns true when an agent got the conversation in this transaction (the bot is silent from now on). */
export async function requestHandover(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, offload: OffloadRequest): Promise<boolean> {
  const settings = await deps.settings.offloading(tx);
  const skill = offload.skill || 'general';
  // a channel whose own platform answers its users (Messenger's Page Inbox) takes every handover
  const channelOwner = await channelHandoverTarget(deps, tx, conv);
  const provider: { id: string; name: string } = channelOwner ?? owningProvider(deps, settings, conv) ?? chooseProvider(settings, offload.providerId, skill, conv.channel_id);
  const now = deps.clock.now();
  const tags = [...new Set([...fromJson<string[]>(conv.tags, []), ...offload.tags])];
  const handover: StoredHandover = {
    reason: offload.reason,
    trigger: offload.trigger,
    dialog: offload.dialog,
    providerId: provider.id,
    requestedAt: now,
    note: offload.note ?? null,
    skill,
    language: conv.language,
    tags,
    variables: offload.variables,
  };
  const patch = { skill, provider_id: provider.id, handover: toJson(handover), queued_at: now, assignee_id: null, assigned_at: null, tags: toJson(tags) };
  const t = await applyTransition(deps, tx, out, conv, 'offload.open', {
    patch,
    line: {
      text: `Handover requested (${offload.trigger}): ${offload.reason} — skill ${skill}, language ${conv.language}, provider ${provider.name}`,
      visibleToUser: false,
      data: { trigger: offload.trigger, reason: offload.reason, skill, language: conv.language, providerId: provider.id, dialog: offload.dialog },
    },
    now,
  });
  out.count(() => deps.metrics.handovers.inc({ trigger: handoverTrigger(offload.trigger), provider: provider.id }));
  await providerEvent(deps, tx, out, { ...conv, provider_id: provider.id }, 'handover.requested', { handover });
  if (channelOwner) {
    await queueChannelHandover(deps, tx, conv, channelOwner, { reason: offload.reason, skill, language: conv.language, tags });
    out.kicks.add('outbox');
  }
  // desk routing in the same transaction: when someone can take it, the user is assigned at once
  const queued: ConversationRow = { ...conv, ...patch, status: t.to };
  if (await routeInTx(deps, tx, out, queued, routingOf(settings))) return true;
  if (t.effects.includes('start_waiting_timer')) {
    await setTimer(tx, { conversationId: conv.id, kind: 'waiting_timeout', dueAt: now + settings.waitingTimeoutSeconds * 1000 }, now);
    out.kicks.add('timers');
  }
  await announceConversation(tx, out, conv.id);
  return false;
}

/** Leaves the queue (cancel, timeout, refusal, close): timer off, provider told. */
export async function cancelHandover(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, reason: string): Promise<void> {
  await clearTimer(tx, conv.id);
  await providerEvent(deps, tx, out, conv, 'handover.cancelled', { reason });
}

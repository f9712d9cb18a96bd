// The one interface every offloading provider implements. A provider turns Baton's events into outbox
// deliveries (built inside the transaction that caused them), sends a delivery when the outbox worker
// asks, and handles its own inbound callbacks through InboundActions. Each has a folder of the same
// shape: index.ts (the descriptor), config.ts, client.ts, outbound.ts, inbound.ts, state.ts when it
// keeps state per conversation, poller.ts when it polls.
import type { Message, ProviderConfig } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ConversationRow } from '../store/schema.js';
import type { InboundActions } from '../commands/provider-inbound.js';
import type { StoredHandover } from '../domain/handover.js';

export type ProviderEventName = 'handover.requested' | 'message.created' | 'handover.cancelled' | 'conversation.closed' | 'followup.requested';

/** A follow-up as providers receive it with `followup.requested` (DESIGN §10.3). */
export interface ProviderFollowup {
  id: string;
  reason: 'closed' | 'timeout' | 'no_agent';
  email: string | null;
  question: string;
  language: string;
  skill: string;
  createdAt: string;
}

/** What a command hands the provider queue with each event (the event itself is built from it). */
export interface ProviderEventData {
  'handover.requested': { handover: StoredHandover };
  'message.created': { message: Message };
  'handover.cancelled': { reason: string };
  'conversation.closed': Record<string, never>;
  'followup.requested': { followup: ProviderFollowup };
}

/** One event with its data, told apart by `type`. */
export type ProviderEventInput = { [E in ProviderEventName]: { type: E } & ProviderEventData[E] }[ProviderEventName];

/** Pairs an event name with its data: TypeScript cannot correlate a generic key with its value type. */
export function providerEventInput<E extends ProviderEventName>(type: E, data: ProviderEventData[E]): ProviderEventInput {
  return { type, ...data } as ProviderEventInput;
}

/** What Baton tells a provider: built once, stored in the outbox, delivered (and retried) later. */
export interface ProviderEvent {
  /** the delivery id: stays the same across retries so receivers can dedupe */
  id: string;
  type: ProviderEventName;
  createdAt: string;
  conversation: {
    id: string;
    /** the channel webhook the user talks on (absent for Baton's widget and the Channel API; `provider:<id>` for a provider's own messenger) */
    channelId?: string;
    status: string;
    language: string;
    skill: string | null;
    tags: string[];
    variables: Record<string, unknown>;
    /** verified: the id was proven (userHash or a signed channel); otherwise id, name and email are the user's claim */
    user: { id: string | null; name: string | null; email: string | null; verified: boolean };
  };
  handover?: {
    reason: string;
    trigger: string;
    dialog: string | null;
    skill: string;
    language: string;
    note: string | null;
    requestedAt: string;
    tags: string[];
    variables: Record<string, unknown>;
  };
  transcript?: Message[];
  /** `followup.requested`: what the user left for the agents */
  followup?: ProviderFollowup;
  message?: Message;
  reason?: string;
}

export type DeliveryResult =
  | {
      ok: true;
      /** provider-side reference, e.g. the external conversation id */
      externalId?: string;
      /** a handover whose delivery is itself the acceptance (Sunshine passControl, a platform-owned channel): the agent side now owns it */
      accepted?: { id: string; name?: string };
    }
  | {
      ok: false;
      retry: boolean;
      error: string;
      /** the provider refused the handover itself */
      refused?: boolean;
      /** the receiver asked to wait this long before the next try (Retry-After): the outbox waits at least that */
      retryAfterMs?: number;
    };

export interface ProviderRuntime {
  deps: Deps;
  provider: ProviderConfig;
  /** provider-specific state kept per conversation (external ids…) */
  state: {
    get(conversationId: string): Promise<Record<string, unknown>>;
    /** `externalId`: the provider's id for the conversation, found again with findByExternalId */
    set(conversationId: string, patch: Record<string, unknown>, externalId?: string): Promise<void>;
  };
}

export interface OffloadingProvider {
  readonly type: ProviderConfig['type'];
  /**
   * the users talk on this provider's own messenger and Baton is the bot inside it (Sunshine
   * Conversations, the Genesys Bot Connector): its inbound route creates the conversations, and a
   * handover of one goes to it whatever the offload step or the skill would pick (the user can be
   * reached nowhere else). On a `provider:<id>` channel every bot (and desk agent) message is also
   * delivered to it as `message.created`, whatever the status, besides the events `wants` names.
   */
  readonly ownsChannel?: boolean;
  /** false: this provider needs no delivery for the event (the desk reads the store) */
  wants(event: ProviderEventName): boolean;
  deliver(event: ProviderEvent, rt: ProviderRuntime): Promise<DeliveryResult>;
  /** inbound callbacks (agent accepted / message / typing / handback / closed) */
  registerRoutes?(app: FastifyInstance, deps: Deps, inbound: InboundActions): void;
  /** checks a provider's config when settings are saved: problems with their config path */
  validateConfig?(config: Record<string, unknown>): Array<{ path: string; message: string }>;
  /**
   * optional background work (e.g. polling a provider that sends no "agent ended" event): `tick` is
   * called every `intervalMs` on every instance while workers run; it must be safe to run on several
   * instances at once (the inbound actions are idempotent against the state machine).
   */
  worker?: { intervalMs: number; tick(deps: Deps, inbound: InboundActions): Promise<void> };
}

export type { ConversationRow };

/**
 * The provider a callback's path names (`:providerId`), of this type, as the settings hold it now:
 * a callback for a provider removed or retyped since is refused with PROVIDER_NOT_FOUND.
 */
export async function providerOfCallback(deps: Deps, params: unknown, type: string, label: string): Promise<ProviderConfig> {
  const { providerId } = params as { providerId: string };
  const settings = await deps.settings.offloading();
  const provider = settings.providers.find((p) => p.id === providerId && p.type === type);
  if (!provider) throw new AppError('PROVIDER_NOT_FOUND', `No ${label} provider "${providerId}"`);
  return provider;
}

// What every command receives: the store, the bus, the clock and the loaded configuration.
import type { OutboundClient } from './outbound/client.js';
import type { ChannelRegistry } from './channels/registry.js';
import type { Mailer } from './outbound/mailer.js';
import type { Logger } from 'pino';
import type { Message, OffloadingSettings } from '@baton/proto';
import type { BotRegistry } from './bot/registry.js';
import type { Bus } from './bus/bus.js';
import type { Config } from './config/config.js';
import type { Metrics } from './metrics.js';
import type { ProviderEventData, ProviderEventName } from './providers/provider.js';
import type { ProviderRegistry } from './providers/registry.js';
import type { Store } from './store/database.js';
import type { ConversationRow } from './store/schema.js';
import type { Tx } from './store/write-queue.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export interface SettingsCache {
  /** inside a write job pass its transaction: on SQLite the job holds the only connection */
  offloading(tx?: Tx): Promise<OffloadingSettings>;
  invalidate(): void;
}

export interface Deps {
  /** the one HTTP client for calls out of Baton, with this configuration's address policy */
  outbound: OutboundClient;
  /** outgoing e-mail through the durable outbox; undefined when SMTP_URL is not set (outbound/mailer.ts) */
  mailer?: Mailer;
  config: Config;
  store: Store;
  bus: Bus;
  clock: Clock;
  log: Logger;
  bots: BotRegistry;
  settings: SettingsCache;
  metrics: Metrics;
  /** runs bot turns one at a time per conversation, after the user's message is durable */
  botTurns: { schedule(conversationId: string): Promise<void> };
  /** queues a delivery to the conversation's external provider; false for the built-in desk */
  providers: {
    wants(tx: Tx, providerId: string | null, event: ProviderEventName): Promise<boolean>;
    queue<E extends ProviderEventName>(tx: Tx, conv: ConversationRow, event: E, data: ProviderEventData[E]): Promise<boolean>;
    /** the ids of the external providers that take this event */
    takers(event: ProviderEventName): Promise<readonly string[]>;
    /** a bot or desk agent message of a conversation on a provider's own messenger, for that provider; true when queued */
    queueOwned(tx: Tx, providerId: string, message: Message): Promise<boolean>;
  };
  /** the provider types this instance knows (webhook, Genesys Cloud, Help Scout…) */
  providerRegistry: ProviderRegistry;
  /** the channel types this instance knows (webhook, WhatsApp, Telegram…: channels/registry.ts) */
  channelRegistry: ChannelRegistry;
  /**
   * runs inside the transaction that created these messages, for whoever delivers them elsewhere
   * (channel webhooks queue outbox rows); true when it queued outbox work
   */
  onMessagesCreated(tx: Tx, messages: Message[]): Promise<boolean>;
  /** desk routing, run after commit */
  routing: { route(conversationId: string): void; agentAvailable(agentId: string): void };
  /** queue positions, announced after commit at most every so often per skill */
  queueAnnouncer: { soon(skill: string | null): void; stop(): void };
  /** key for provider secrets at rest */
  secretKey(): Buffer;
  /** wakes background workers (outbox, timers) on this instance and others */
  kick(kind: 'outbox' | 'timers'): void;
}

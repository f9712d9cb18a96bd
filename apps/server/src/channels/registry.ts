// The channel types one Baton instance knows (webhook, whatsapp, telegram…): a new type is one line in
// builtInChannels (docs/channels.md).
import type { OutboundClient } from '../outbound/client.js';
import type { ChannelTypeImpl } from './channel.js';
import { createEmailChannel } from './email/index.js';
import { createSmsTwilioChannel } from './sms-twilio/index.js';
import { createMessengerChannel } from './messenger/index.js';
import { createTelegramChannel } from './telegram/index.js';
import { createWebhookChannel } from './webhook/index.js';
import { createWhatsAppChannel } from './whatsapp/index.js';

export class ChannelRegistry {
  private readonly byType = new Map<string, ChannelTypeImpl>();

  constructor(types: Iterable<ChannelTypeImpl<never>>) {
    for (const t of types) this.register(t);
  }

  /** adds a channel type, or replaces the one of the same type (tests) */
  register(t: ChannelTypeImpl<never>): void {
    this.byType.set(t.type, t as unknown as ChannelTypeImpl);
  }

  get(type: string): ChannelTypeImpl | undefined {
    return this.byType.get(type);
  }

  all(): ChannelTypeImpl[] {
    return [...this.byType.values()];
  }
}

/** The channel types Baton ships, calling out through this instance's outbound client. */
export function builtInChannels(http: OutboundClient): ChannelTypeImpl<never>[] {
  return [createWebhookChannel(http), createWhatsAppChannel(http), createTelegramChannel(http), createSmsTwilioChannel(http), createEmailChannel(http), createMessengerChannel(http)] as ChannelTypeImpl<never>[];
}

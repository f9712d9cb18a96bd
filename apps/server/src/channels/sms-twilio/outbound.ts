// A Baton message → the SMS Baton sends: buttons as numbered options ("1. Yes" per line, read back by
// the bot's typed answers), cards as text (degrade.ts), and each text cut into messages of at most
// the channel's segment budget (segments.ts) so a long bot turn arrives as a few readable SMS instead
// of one that phones may show out of order or carriers refuse.
import type { Message } from '@baton/proto';
import type { ChannelCapabilities } from '../channel.js';
import { degrade } from '../degrade.js';
import { DEFAULT_MAX_SEGMENTS, type SmsTwilioConfig } from './config.js';
import { splitIntoMessages } from './segments.js';

export const SMS_CAPABILITIES: ChannelCapabilities = {
  maxButtons: 0,
  buttonTitleMax: 0,
  buttonBodyMax: 0,
  cards: false,
  media: false,
  // texts are cut by segments here (splitIntoMessages), not by characters in degrade()
  textMax: 100_000,
};

/** The bodies of the SMS that carry `m`, in sending order. */
export function smsBodies(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'attachments'>, cfg: Pick<SmsTwilioConfig, 'maxSegments'>): string[] {
  const max = cfg.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  return degrade(m, SMS_CAPABILITIES).flatMap((p) => splitIntoMessages(p.text, max));
}

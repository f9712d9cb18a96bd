// A Baton message → the SMS Baton sends: buttons as numbered options ("1. Yes" per line, read back by
// the bot's typed answers), cards as text (degrade.ts), and each text cut into messages of at most
// the channel's segment budget (segments.ts) so a long bot turn arrives as a few readable SMS instead
// of one that phones may show out of order or carriers refuse.
import type { Message } from '@baton/proto';
import type { ChannelCapabilities } from '../channel.js';
import { degrade } from '../degrade.js';
import { DEFAULT_MAX_SEGMENTS, type SmsTwilioConfig } from './config.js';
import { splitFiles } from '../media.js';
import { splitIntoMessages } from './segments.js';

export const SMS_CAPABILITIES: ChannelCapabilities = {
  maxButtons: 0,
  buttonTitleMax: 0,
  buttonBodyMax: 0,
  cards: false,
  media: true,
  // texts are cut by segments here (splitIntoMessages), not by characters in degrade()
  textMax: 100_000,
};

/** Twilio's MMS limits: up to 10 media and 5 MB in all per message */
export const MMS_MAX_MEDIA = 10;
export const MMS_MAX_BYTES = 5 * 1024 * 1024;
/** what every MMS carrier shows; other files go as links */
const MMS_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

/**
 * The files that go as one MMS (pictures, within Twilio's count and size), and the message with the
 * rest as links. A channel whose number cannot send MMS (`mms: false`) sends every file as a link.
 */
export function mmsSplit(m: Message, cfg: Pick<SmsTwilioConfig, 'mms'>): { message: Message; mediaUrls: string[] } {
  let count = 0;
  let bytes = 0;
  const { message, media } = splitFiles(m, (f) => {
    if (cfg.mms === false || !MMS_TYPES.has(f.contentType) || count >= MMS_MAX_MEDIA || bytes + f.size > MMS_MAX_BYTES) return undefined;
    count++;
    bytes += f.size;
    return true;
  });
  return { message, mediaUrls: media.map((x) => x.file.url) };
}

/** The bodies of the SMS that carry `m`, in sending order. */
export function smsBodies(m: Pick<Message, 'text' | 'buttons' | 'cards' | 'attachments'>, cfg: Pick<SmsTwilioConfig, 'maxSegments'>): string[] {
  const max = cfg.maxSegments ?? DEFAULT_MAX_SEGMENTS;
  return degrade(m, SMS_CAPABILITIES).flatMap((p) => splitIntoMessages(p.text, max));
}

// The Twilio SMS channel's settings as its code uses them; the schema is SmsTwilioChannelConfig in
// packages/proto/src/channels.ts, the desk's form CHANNEL_FIELDS['sms-twilio'].
export type { SmsTwilioChannelConfig as SmsTwilioConfig } from '@baton/proto';

export const DEFAULT_API_BASE_URL = 'https://api.twilio.com';
/** a longer answer goes as several SMS of at most this many segments (3 × 153 GSM-7 characters) */
export const DEFAULT_MAX_SEGMENTS = 3;

export function accountUrl(cfg: { apiBaseUrl?: string | undefined; accountSid: string }): string {
  return `${(cfg.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(cfg.accountSid)}`;
}

/** The channel's inbound URL as Twilio calls it, or undefined when no public base URL is known. */
export function inboundUrl(cfg: { publicUrl?: string | undefined }, serverPublicUrl: string | undefined, channelId: string): string | undefined {
  const base = cfg.publicUrl ?? serverPublicUrl;
  return base ? `${base.replace(/\/+$/, '')}/api/v1/channels/${encodeURIComponent(channelId)}/sms-twilio` : undefined;
}

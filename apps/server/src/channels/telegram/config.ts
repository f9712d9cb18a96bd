// The Telegram channel's settings as its code uses them; the schema is TelegramChannelConfig in
// packages/proto/src/channels.ts, the desk's form CHANNEL_FIELDS.telegram.
export type { TelegramChannelConfig as TelegramConfig } from '@baton/proto';

export const DEFAULT_API_BASE_URL = 'https://api.telegram.org';

/** callback_data holds 1-64 bytes: longer payloads travel as a token (degrade.ts) */
export const CALLBACK_DATA_MAX_BYTES = 64;

export function methodUrl(cfg: { apiBaseUrl?: string | undefined; botToken: string }, method: string): string {
  return `${(cfg.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '')}/bot${cfg.botToken}/${method}`;
}

// The Messenger channel's settings as its code uses them; the schema is MessengerChannelConfig in
// packages/proto/src/channels.ts, the desk's form CHANNEL_FIELDS.messenger.
import { MESSENGER_PAGE_INBOX_APP_ID, MessengerChannelConfig } from '@baton/proto';

export { MessengerChannelConfig };
export type { MessengerChannelConfig as MessengerConfig } from '@baton/proto';

export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com/v21.0';

/** The standard messaging window: any message within 24 hours of the user's last one. */
export const STANDARD_WINDOW_MS = 24 * 3600_000;
/** The HUMAN_AGENT tag: a person's reply up to 7 days after the user's last message. */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3600_000;

export function graphUrl(cfg: { graphApiUrl?: string | undefined }): string {
  return (cfg.graphApiUrl ?? DEFAULT_GRAPH_API_URL).replace(/\/+$/, '');
}

/** The app thread control passes to at a handover: Meta's Page Inbox unless the admin named another. */
export function pageInboxAppId(cfg: { pageInboxAppId?: string | undefined }): string {
  return cfg.pageInboxAppId ?? MESSENGER_PAGE_INBOX_APP_ID;
}

// The WhatsApp channel's settings as its code uses them; the schema is WhatsAppChannelConfig in
// packages/proto/src/channels.ts (DESIGN §10.6), the desk's form CHANNEL_FIELDS.whatsapp.
import { WhatsAppChannelConfig } from '@baton/proto';

export { WhatsAppChannelConfig };
export type { WhatsAppChannelConfig as WhatsAppConfig } from '@baton/proto';

export const DEFAULT_GRAPH_API_URL = 'https://graph.facebook.com/v21.0';

/** The customer-service window: free-form messages only this long after the user's last message. */
export const WINDOW_MS = 24 * 3600_000;

export function graphUrl(cfg: { graphApiUrl?: string | undefined }): string {
  return (cfg.graphApiUrl ?? DEFAULT_GRAPH_API_URL).replace(/\/+$/, '');
}

// How a channel webhook and its deliveries look from the outside: the admin view (secrets masked)
// and the plain text that stands in for buttons and cards on channels that cannot show them.
import { CHANNEL_INBOUND_PATHS, SECRET_MASK, type ChannelType, type ChannelView, type Message } from '@baton/proto';
import { maskedConfig } from '../channels/stored-config.js';
import type { ChannelRow } from '../store/schema.js';

export function presentChannel(r: ChannelRow): ChannelView {
  const typed = r.type !== 'webhook';
  return {
    id: r.id,
    type: r.type as ChannelType,
    name: r.name,
    url: r.url,
    secret: SECRET_MASK,
    previousSecret: r.previous_secret ? SECRET_MASK : null,
    signatureScheme: r.signature_scheme,
    botId: r.bot_id,
    enabled: r.enabled === 1,
    // each type's webhook is its own path (DESIGN §10.6); the webhook type keeps /events
    inboundUrl: `/api/v1/channels/${r.id}/${CHANNEL_INBOUND_PATHS[r.type as ChannelType] ?? r.type}`,
    ...(typed ? { config: maskedConfig(r.config) } : {}),
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Plain text for channels that cannot show buttons or cards. */
export function fallbackText(m: Message): string {
  const lines: string[] = [];
  if (m.text) lines.push(m.text);
  m.buttons?.forEach((b, i) => lines.push(`${i + 1}. ${b.title}`));
  for (const c of m.cards ?? []) {
    lines.push(`• ${c.title}${c.subtitle ? ` — ${c.subtitle}` : ''}`);
    c.buttons?.forEach((b) => lines.push(`  - ${b.title}`));
  }
  return lines.join('\n');
}

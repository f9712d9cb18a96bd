// How a channel webhook and its deliveries look from the outside: the admin view (secrets masked)
// and the plain text that stands in for buttons and cards on channels that cannot show them.
import { SECRET_MASK, type ChannelView, type Message } from '@baton/proto';
import type { ChannelRow } from '../store/schema.js';

export function presentChannel(r: ChannelRow): ChannelView {
  return { id: r.id, name: r.name, url: r.url, secret: SECRET_MASK, previousSecret: r.previous_secret ? SECRET_MASK : null, signatureScheme: r.signature_scheme, botId: r.bot_id, enabled: r.enabled === 1, inboundUrl: `/api/v1/channels/${r.id}/events`, createdAt: new Date(r.created_at).toISOString() };
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

// Pure helpers of the Channels admin page: absolute URLs, form bodies, and suggested ids.
import type { ChannelBody, ChannelPatch, ChannelType, ChannelView, SignatureScheme } from '@baton/proto';

/** The delivery log's provider id for a channel's outbound messages. */
export const channelDeliveryTarget = (channelId: string) => `channel:${channelId}`;

/** The fields of the channel form that the server's 422 problem paths name. */
export const CHANNEL_FIELDS = ['id', 'name', 'url', 'secret', 'signatureScheme', 'botId', 'enabled'] as const;

/** What the connector posts to, as a full URL on this Baton (the server gives a path). */
export function channelInboundUrl(origin: string, channel: Pick<ChannelView, 'id'> & { inboundUrl?: string }): string {
  const path = channel.inboundUrl || `/api/v1/channels/${encodeURIComponent(channel.id)}/events`;
  return new URL(path, origin.endsWith('/') ? origin : `${origin}/`).toString();
}

/** A channel id from its name: lower case letters, digits, "-" and "_" (what the server accepts). */
export function suggestChannelId(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

export interface ChannelDraft {
  id: string;
  name: string;
  url: string;
  /** empty on edit unless the secret is being rotated */
  secret: string;
  /** how Baton signs its deliveries to the connector */
  signatureScheme: SignatureScheme;
  botId: string;
  enabled: boolean;
  /** on a rotation: keep accepting the current secret until the rotation is ended */
  keepPrevious: boolean;
  /** end a rotation: stop accepting the previous secret */
  dropPrevious: boolean;
}

export function draftOf(c?: ChannelView): ChannelDraft {
  return { id: c?.id ?? '', name: c?.name ?? '', url: c?.url ?? '', secret: '', signatureScheme: c?.signatureScheme ?? 'baton', botId: c?.botId ?? '', enabled: c?.enabled ?? true, keepPrevious: true, dropPrevious: false };
}

export function createBody(d: ChannelDraft): ChannelBody {
  return { id: d.id.trim(), name: d.name.trim(), url: d.url.trim(), secret: d.secret, signatureScheme: d.signatureScheme, ...(d.botId ? { botId: d.botId } : {}), enabled: d.enabled };
}

/**
 * The PATCH for an edit. It always names `enabled` (the server fills a missing one with its default)
 * and names the secret only when it is rotated: an omitted secret keeps the stored one.
 */
export function patchBody(d: ChannelDraft, rotate: boolean): ChannelPatch {
  return {
    name: d.name.trim(),
    url: d.url.trim(),
    signatureScheme: d.signatureScheme,
    botId: d.botId || null,
    enabled: d.enabled,
    ...(rotate ? { secret: d.secret, keepPreviousSecret: d.keepPrevious } : {}),
    ...(d.dropPrevious && !(rotate && d.keepPrevious) ? { previousSecret: null } : {}),
  };
}

/** A channel of a messaging service (WhatsApp, Telegram…) as its guided form edits it. */
export interface TypedChannelDraft {
  type: Exclude<ChannelType, 'webhook'>;
  id: string;
  name: string;
  botId: string;
  enabled: boolean;
  /** the type's config as the form holds it: a stored secret is the mask until changed */
  config: Record<string, unknown>;
}

export function typedDraftOf(type: TypedChannelDraft['type'], c?: ChannelView): TypedChannelDraft {
  return { type, id: c?.id ?? '', name: c?.name ?? '', botId: c?.botId ?? '', enabled: c?.enabled ?? true, config: { ...(c?.config ?? {}) } };
}

/** Empty strings are fields left blank: not sent, so the server's default (or its 422 for a required one) applies. */
function filled(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined && v !== ''));
}

export function createTypedBody(d: TypedChannelDraft): ChannelBody {
  return { id: d.id.trim(), type: d.type, name: d.name.trim(), ...(d.botId ? { botId: d.botId } : {}), enabled: d.enabled, config: filled(d.config) } as ChannelBody;
}

/**
 * The PATCH of a typed channel: every field of the form (a secret still the mask keeps the stored
 * one), and null for an optional key that was stored and is now cleared.
 */
export function patchTypedBody(d: TypedChannelDraft, stored: ChannelView): ChannelPatch {
  const config: Record<string, unknown> = filled(d.config);
  for (const k of Object.keys(stored.config ?? {})) if (!(k in config)) config[k] = null;
  return { name: d.name.trim(), botId: d.botId || null, enabled: d.enabled, config };
}

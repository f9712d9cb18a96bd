// The one interface every channel type implements (docs/channels.md). A channel type is a folder under
// channels/ of the same shape: index.ts (this descriptor), client.ts (the service's API through the
// instance's OutboundClient), inbound.ts (its webhook: verified over the raw bytes, normalised to
// InboundEvents), outbound.ts (a Baton message → the service's payloads, through degrade.ts). The core
// does the rest for every type alike: conversations, dedupe, the 24-hour clock, the outbox with its
// retries, delivery statuses, the admin API and the desk's guided form.
import type { ChannelDeliveryStatus, ChannelType, Message } from '@baton/proto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Deps } from '../deps.js';
import type { RouteDoc } from '../http/route.js';
import type { ChannelRow } from '../store/schema.js';

export type { ChannelType } from '@baton/proto';

/** What a channel can show: degrade.ts turns one bot message into what fits. */
export interface ChannelCapabilities {
  /** reply buttons one message may carry (0: none, buttons become numbered text) */
  maxButtons: number;
  /** a button's title as the service shows it (longer ones are shortened; the payload still answers) */
  buttonTitleMax: number;
  /** the text a message with buttons may carry (longer: the whole message goes as numbered text) */
  buttonBodyMax: number;
  /** a list picker for more buttons than fit (WhatsApp's interactive list) */
  list?: { maxRows: number; titleMax: number; descriptionMax: number; buttonLabelMax: number };
  /** cards (carousels) shown natively; false: each card becomes text with its buttons */
  cards: boolean;
  /**
   * pictures and files in and out (channels/media.ts): inbound refs downloaded into attachments
   * (downloadMedia), outbound attachments sent as the service's media messages; false: files go as links
   */
  media: boolean;
  /** characters per text message; longer text is split */
  textMax: number;
  /** a bot turn of several messages goes out as one delivery (e-mail: one mail, not one per message) */
  joinsTurn?: boolean;
}

/** A channel as its type's code sees it: the row, and its config parsed with secrets decrypted. */
export interface ChannelContext<C> {
  deps: Deps;
  channel: ChannelRow;
  config: C;
}

/** A file the user sent, as the service names it (downloaded by channels/media.ts through the type's downloadMedia). */
export interface InboundMedia {
  /** the service's id or URL for the file */
  ref: string;
  contentType?: string;
  name?: string;
}

/** A file a service served (downloadMedia), or why not: `retry` for 429/5xx/network, `refused` for one Baton will not keep (too large). */
export type MediaDownload =
  | { ok: true; bytes: Buffer; contentType?: string; name?: string }
  | { ok: false; retry: boolean; error: string; retryAfterMs?: number; refused?: boolean };

/** A file that came inside the service's payload (an e-mail attachment): stored as an attachment of the message. */
export interface InboundFile {
  name: string;
  bytes: Uint8Array;
  /** what the sender claimed (a hint: the bytes are sniffed) */
  contentType?: string;
}

/** One thing a channel's webhook told Baton, in the same shape for every type. */
export type InboundEvent =
  | {
      kind: 'message';
      /** the service's message id: a message delivered twice is stored once */
      id: string;
      user: { id: string; name?: string };
      text?: string;
      /** a pressed button's payload (WhatsApp reply id, Telegram callback data resolved) */
      postback?: string;
      media?: InboundMedia[];
      locale?: string;
      /** when the user sent it (ms): WhatsApp's 24-hour window counts from here */
      at?: number;
      /**
       * for a service with threads (e-mail): the conversation of the thread this message continues, or
       * none for a new thread (a new conversation); absent: the user's latest conversation on the channel
       */
      thread?: { conversationId?: string };
      /** files delivered with the message (stored once, with the message; a refused one is named in its text) */
      files?: InboundFile[];
    }
  | {
      kind: 'status';
      /** the id the service gave the message Baton sent (ChannelDeliveryResult.externalId) */
      externalId: string;
      status: Exclude<ChannelDeliveryStatus, 'pending'>;
      error?: string;
    };

/** One Baton message to send to one channel user (an outbox row of the channel). */
export interface ChannelDelivery {
  /** the outbox delivery id: the same on every retry */
  id: string;
  conversationId: string;
  user: { id: string };
  message: Message;
  /** the user's latest message on this channel (ms), null when unknown */
  lastInboundAt: number | null;
  /** parts of the degraded message already sent by an earlier attempt: a retry sends only the rest */
  partsSent: number;
  /** a bot turn joined into this delivery (capabilities.joinsTurn), `message` first; absent: `message` alone */
  messages?: Message[];
  /** the stored JSON of the delivery (the webhook type sends it byte for byte) */
  raw: string;
}

export type ChannelDeliveryResult =
  | {
      ok: true;
      /** the service's id for what it sent (its statuses name it) */
      externalId?: string;
      /** 'pending': the service accepted it and reports `sent` later (WhatsApp); default `sent` */
      status?: 'pending' | 'sent';
      /** a handover the platform's agents now hold (Messenger's Page Inbox): the outbox records the acceptance */
      accepted?: { id: string; name?: string };
    }
  | {
      ok: false;
      /** parts sent before this failure (they are not sent again) */
      partsSent?: number;
      /** worth trying again later (429, 5xx, network); false: the service refused this message for good */
      retry: boolean;
      /** shown to the agent next to the message when the delivery is given up */
      error: string;
      /** the service asked to wait this long (Retry-After, Telegram's retry_after) */
      retryAfterMs?: number;
    };

/** What an inbound route does with the events it parsed (commands/channel-inbound.ts). */
export interface InboundSink {
  receive(events: InboundEvent[]): Promise<{ stored: number; duplicates: number; conversationIds: string[] }>;
}

/**
 * One webhook route of a channel type, at `/api/v1/channels/:id/<inboundPath>`: `verify` runs over the
 * raw bytes before anything else (http/signed-inbound.ts), so an unsigned caller stores nothing.
 */
export interface ChannelRoute<C> {
  method: 'GET' | 'POST';
  doc: Omit<RouteDoc, 'params' | 'tag'>;
  /** throws a 4xx AppError (SIGNATURE_INVALID, FORBIDDEN…) unless the request comes from the service */
  verify(ctx: ChannelContext<C>, raw: Buffer, req: FastifyRequest): void | Promise<void>;
  handle(ctx: ChannelContext<C>, req: FastifyRequest, reply: FastifyReply, raw: Buffer, sink: InboundSink): Promise<unknown>;
  /** a larger body than the app's 1 MB (e-mail with attachments) */
  bodyLimit?: number;
}

/** A handover of a channel its own platform's agents answer (ChannelTypeImpl.ownsHandover): the outbox row's payload. */
export interface ChannelHandover {
  conversationId: string;
  user: { id: string };
  handover: { reason: string; skill: string; language: string; tags: string[] };
}

export interface ChannelTypeImpl<C = unknown> {
  readonly type: ChannelType;
  /** the config schema of packages/proto (CHANNEL_CONFIG_SCHEMAS); the desk's form comes from CHANNEL_FIELDS */
  readonly configSchema?: z.ZodType<C>;
  /** the last path segment of its webhook routes (the type itself; `events` for the webhook type) */
  readonly inboundPath: string;
  readonly capabilities: ChannelCapabilities;
  /** true: the service reports sent/delivered/read, kept per message for the desk */
  readonly reportsStatuses: boolean;
  readonly routes: ChannelRoute<C>[];
  /** sends one message; never throws for a refusal (a thrown error is retried as a network failure) */
  deliver(ctx: ChannelContext<C>, delivery: ChannelDelivery): Promise<ChannelDeliveryResult>;
  /**
   * the name of the platform inbox every handover of this channel goes to (Messenger's Page Inbox), or
   * undefined when Baton's offload step picks as usual: a provider-owned channel, as DESIGN §10.5 has it
   */
  ownsHandover?(config: C): string | undefined;
  /** passes the user to that inbox (the outbox row of the handover); `accepted` when it holds them */
  handover?(ctx: ChannelContext<C>, h: ChannelHandover): Promise<ChannelDeliveryResult>;
  /**
   * fetches a file the user sent (InboundMedia.ref) as the service's API documents it, at most
   * `maxBytes` (the attachment limit); types with `capabilities.media` have it
   */
  downloadMedia?(ctx: ChannelContext<C>, media: InboundMedia, maxBytes: number): Promise<MediaDownload>;
  /** whether the credentials work (and registers the webhook where the service wants it: Telegram) */
  testConnection(ctx: ChannelContext<C>, publicBaseUrl: string | undefined): Promise<{ ok: boolean; message: string }>;
}

/** Reads `Retry-After` (seconds or an HTTP date) as milliseconds from now. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

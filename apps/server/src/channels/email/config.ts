// The e-mail channel's settings as its code uses them; the schema is EmailChannelConfig in
// packages/proto/src/channels.ts, the desk's form CHANNEL_FIELDS.email.
export type { EmailChannelConfig as EmailConfig } from '@baton/proto';

/** Mailgun's signature is over the timestamp and token only: a post older (or newer) than this is refused */
export const SIGNATURE_MAX_AGE_MS = 5 * 60_000;
/** the raw message with its attachments (Mailgun posts up to 25 MB; Baton keeps the text) */
export const MAX_MAIL_BYTES = 26 * 1024 * 1024;
/** the References header Baton writes names at most this many mails of the thread (the first and the latest) */
export const MAX_REFERENCES = 20;
export const DEFAULT_SUBJECT = 'Your conversation with us';

/** The bare address of "Name <address>" or "address", lower-cased. */
export function addressOf(from: string): string {
  return (/<([^>]+)>/.exec(from)?.[1] ?? from).trim().toLowerCase();
}

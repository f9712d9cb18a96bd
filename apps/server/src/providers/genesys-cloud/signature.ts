// Genesys signs each outbound notification: X-Hub-Signature-256: sha256=<BASE64 HMAC-SHA256 of the
// body, keyed with the integration's Outbound Notification Webhook Signature Secret Token>. Base64,
// not hex; and no timestamp, so replays are stopped by deduplicating on the message id instead.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../tokens.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

export function genesysSignature(secret: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('base64')}`;
}

/** Checks the header against the exact bytes received (re-serialised JSON could differ), with any of the secrets (rotation). */
export function verifyGenesysSignature(secrets: string | readonly string[], rawBody: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return [secrets].flat().filter(Boolean).map((s) => safeEqual(genesysSignature(s, rawBody), header.trim())).includes(true);
}

// Genesys signs each outbound notification: X-Hub-Signature-256: sha256=<BASE64 HMAC-SHA256 of the
// body, keyed with the integration's Outbound Notification Webhook Signature Secret Token>. Base64,
// not hex; and no timestamp, so replays are stopped by deduplicating on the message id instead.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../../tokens.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

export function genesysSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64')}`;
}

/** Checks the header against the exact bytes received (re-serialised JSON could differ). */
export function verifyGenesysSignature(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header || !secret) return false;
  return safeEqual(genesysSignature(secret, rawBody), header.trim());
}

// Webhook signatures, both schemes (docs/offloading-webhook.md):
// - "baton": X-Baton-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=…], Stripe's
//   format, so Stripe's verifier checks it as it is;
// - "standard-webhooks": webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of
//   "<id>.<t>.<raw body>">[ v1,…] (https://www.standardwebhooks.com/).
// During a rotation a sender signs with each secret, newest first, and a receiver holding either one
// verifies. Timestamps more than 5 minutes from now are refused. The HMAC covers the bytes as
// received, so a body that is not valid UTF-8 still verifies (and is then refused as JSON).
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SignatureScheme } from '@baton/proto';
import { safeEqual } from '../tokens.js';

export const SIGNATURE_TOLERANCE_SECONDS = 300;
const WHSEC_PREFIX = 'whsec_';

function hmacHex(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

/**
 * The HMAC key of the Standard Webhooks scheme: a `whsec_` secret is base64 after the prefix (as the
 * spec's libraries read it); any other secret is its own UTF-8 bytes, which a receiver gets as
 * `whsec_` + base64(secret).
 */
export function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith(WHSEC_PREFIX) ? Buffer.from(secret.slice(WHSEC_PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

function hmacBase64(secret: string, id: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', standardWebhooksKey(secret)).update(`${id}.${t}.`).update(body).digest('base64');
}

const present = (secrets: string | readonly (string | null | undefined)[]): string[] => [secrets].flat().filter((s): s is string => !!s);

/** X-Baton-Signature: one `v1=` per secret (the current one first, then the previous one during a rotation). */
export function signBody(secrets: string | readonly (string | null | undefined)[], body: string | Buffer, unixSeconds: number): string {
  return [`t=${unixSeconds}`, ...present(secrets).map((s) => `v1=${hmacHex(s, unixSeconds, body)}`)].join(',');
}

/** webhook-signature: one `v1,<base64>` per secret, space-separated. */
export function signStandardWebhook(secrets: string | readonly (string | null | undefined)[], id: string, body: string | Buffer, unixSeconds: number): string {
  return present(secrets)
    .map((s) => `v1,${hmacBase64(s, id, unixSeconds, body)}`)
    .join(' ');
}

/** The headers that sign one delivery in the configured scheme; `id` is the delivery id. */
export function signatureHeaders(
  scheme: SignatureScheme | undefined,
  secrets: readonly (string | null | undefined)[],
  delivery: { id: string; body: string | Buffer; unixSeconds: number },
): Record<string, string> {
  const { id, body, unixSeconds } = delivery;
  if (scheme === 'standard-webhooks') {
    return { 'webhook-id': id, 'webhook-timestamp': String(unixSeconds), 'webhook-signature': signStandardWebhook(secrets, id, body, unixSeconds) };
  }
  return { 'X-Baton-Signature': signBody(secrets, body, unixSeconds) };
}

export type SignatureCheck = { ok: true } | { ok: false; code: 'SIGNATURE_INVALID' | 'TIMESTAMP_OUT_OF_WINDOW'; message: string };

const outOfWindow = (t: number, now: number): SignatureCheck | undefined =>
  Math.abs(now - t) > SIGNATURE_TOLERANCE_SECONDS ? { ok: false, code: 'TIMESTAMP_OUT_OF_WINDOW', message: 'Signature timestamp is more than 5 minutes away from now' } : undefined;

/** Every candidate is compared (no early exit on the first), so the time does not tell which matched. */
function anyMatches(expected: string[], given: string[]): boolean {
  return expected.flatMap((e) => given.map((g) => safeEqual(e, g))).includes(true);
}

/**
 * Any of `secrets` (the current one and, during a rotation, the previous one) against any `v1=` of
 * the header (a sender mid-rotation may sign with both): one match is enough.
 */
export function verifySignature(secrets: string | readonly string[], body: string | Buffer, header: string | undefined, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Missing X-Baton-Signature' };
  let t: number | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    // the timestamp is digits only: "1.0" or "1e3" would sign one string and mean another
    if (k === 't' && /^\d{1,12}$/.test(v)) t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]{64}$/i.test(v)) v1.push(v.toLowerCase());
  }
  if (t === undefined || v1.length === 0) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Malformed X-Baton-Signature (want t=<unix>,v1=<hex>)' };
  const late = outOfWindow(t, nowSeconds);
  if (late) return late;
  const ts = t;
  if (anyMatches(present(secrets).map((s) => hmacHex(s, ts, body)), v1)) return { ok: true };
  return { ok: false, code: 'SIGNATURE_INVALID', message: 'Signature does not match' };
}

/** The Standard Webhooks headers: any `v1,` entry of webhook-signature signed with any of `secrets`. */
export function verifyStandardWebhook(secrets: string | readonly string[], body: string | Buffer, headers: IncomingHttpHeaders, nowSeconds: number): SignatureCheck {
  const one = (name: string) => {
    const v = headers[name];
    return typeof v === 'string' ? v.trim() : undefined;
  };
  const id = one('webhook-id');
  const ts = one('webhook-timestamp');
  const sig = one('webhook-signature');
  if (!id || !ts || !sig) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Missing webhook-id, webhook-timestamp or webhook-signature' };
  if (!/^\d{1,12}$/.test(ts) || id.length > 256) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Malformed webhook-id or webhook-timestamp' };
  const given = sig
    .split(' ')
    .filter((p) => p.startsWith('v1,'))
    .map((p) => p.slice(3));
  if (given.length === 0) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Malformed webhook-signature (want v1,<base64>)' };
  const t = Number(ts);
  const late = outOfWindow(t, nowSeconds);
  if (late) return late;
  if (anyMatches(present(secrets).map((s) => hmacBase64(s, id, t, body)), given)) return { ok: true };
  return { ok: false, code: 'SIGNATURE_INVALID', message: 'Signature does not match' };
}

/**
 * An inbound callback: signed with X-Baton-Signature, or — where the scheme is Standard Webhooks —
 * with the webhook-* headers. The Baton signature stays accepted there so that the two sides need
 * not switch at the same moment.
 */
export function verifyInbound(scheme: SignatureScheme | undefined, secrets: readonly string[], body: string | Buffer, headers: IncomingHttpHeaders, nowSeconds: number): SignatureCheck {
  if (scheme === 'standard-webhooks' && (headers['webhook-signature'] !== undefined || headers['x-baton-signature'] === undefined)) {
    return verifyStandardWebhook(secrets, body, headers, nowSeconds);
  }
  return verifySignature(secrets, body, headers['x-baton-signature'] as string | undefined, nowSeconds);
}

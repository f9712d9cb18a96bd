// Baton's webhook signature (docs/offloading-webhook.md): X-Baton-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">, refused when older (or newer) than 5 minutes. The HMAC covers the bytes as
// received, so a body that is not valid UTF-8 still verifies (and is then refused as JSON).
import { createHmac } from 'node:crypto';
import { safeEqual } from '../tokens.js';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, t: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');
}

export function signBody(secret: string, body: string | Buffer, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${hmacHex(secret, unixSeconds, body)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; code: 'SIGNATURE_INVALID' | 'TIMESTAMP_OUT_OF_WINDOW'; message: string };

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
  if (Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, code: 'TIMESTAMP_OUT_OF_WINDOW', message: 'Signature timestamp is more than 5 minutes away from now' };
  }
  for (const secret of [secrets].flat()) {
    if (!secret) continue;
    const expected = hmacHex(secret, t, body);
    // every candidate is compared (no early exit on the first): the time does not tell which matched
    if (v1.map((sig) => safeEqual(expected, sig)).includes(true)) return { ok: true };
  }
  return { ok: false, code: 'SIGNATURE_INVALID', message: 'Signature does not match' };
}

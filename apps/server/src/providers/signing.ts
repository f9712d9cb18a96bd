// Baton's webhook signature (DESIGN.md §6): X-Baton-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
// "<t>.<raw body>">, refused when older (or newer) than 5 minutes.
import { createHmac } from 'node:crypto';
import { safeEqual } from '../tokens.js';

export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function signBody(secret: string, body: string, unixSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

export type SignatureCheck = { ok: true } | { ok: false; code: 'SIGNATURE_INVALID' | 'TIMESTAMP_OUT_OF_WINDOW'; message: string };

export function verifySignature(secret: string, body: string, header: string | undefined, nowSeconds: number): SignatureCheck {
  if (!header) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Missing X-Baton-Signature' };
  const parts = Object.fromEntries(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return { ok: false, code: 'SIGNATURE_INVALID', message: 'Malformed X-Baton-Signature (want t=<unix>,v1=<hex>)' };
  if (Math.abs(nowSeconds - t) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, code: 'TIMESTAMP_OUT_OF_WINDOW', message: 'Signature timestamp is more than 5 minutes away from now' };
  }
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return safeEqual(expected, String(parts.v1)) ? { ok: true } : { ok: false, code: 'SIGNATURE_INVALID', message: 'Signature does not match' };
}

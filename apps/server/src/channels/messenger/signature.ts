// Meta's webhook signature (X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>), compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hubSignature(appSecret: string, raw: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

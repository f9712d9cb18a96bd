// Opaque bearer tokens: random, shown once, stored only as a SHA-256 hash.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export function newToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(): string {
  return randomUUID();
}

let lastMs = 0;
let counter = 0;
/**
 * An id that sorts in creation order within this process (time, then a counter), with randomness
 * after it: outbox rows of one conversation created in the same millisecond still go out in order.
 */
export function newSortableId(): string {
  const ms = Math.max(Date.now(), lastMs);
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  return `${ms.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}-${randomBytes(8).toString('hex')}`;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

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
// one random tag per process: ids of several instances never collide, and no entropy is drawn per id
// (drawing it per message showed in CPU profiles)
const PROCESS_TAG = randomBytes(8).toString('hex');
/**
 * An id that sorts in creation order within this process (time, then a counter), then the process's
 * random tag: outbox rows of one conversation created in the same millisecond still go out in order.
 * Not a secret (never use it as a token).
 */
export function newSortableId(): string {
  const ms = Math.max(Date.now(), lastMs);
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = ms;
  return `${ms.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}-${PROCESS_TAG}`;
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// The message list: server messages merged by seq (each once, in order, whatever order they arrive
// in), plus the user's own messages still on their way (pending sends).
import type { Attachment, Message } from '@baton/proto';

export interface Pending {
  /** Idempotency-Key: the same for every retry of this send */
  key: string;
  text: string;
  postback?: string;
  /** files uploaded for this message (sent by id) */
  attachments?: Attachment[];
  state: 'sending' | 'retrying' | 'failed';
  error?: string;
  attempts: number;
}

export function merge(list: Message[], incoming: Message[]): Message[] {
  if (!incoming.length) return list;
  const bySeq = new Map(list.map((m) => [m.seq, m]));
  let changed = false;
  for (const m of incoming) {
    if (!bySeq.has(m.seq)) {
      bySeq.set(m.seq, m);
      changed = true;
    }
  }
  return changed ? [...bySeq.values()].sort((a, b) => a.seq - b.seq) : list;
}

export function lastSeq(list: Message[]): number {
  return list.length ? list[list.length - 1]!.seq : 0;
}

/** Backoff with full jitter: 0.5 s, 1 s, 2 s … capped, never all clients at once. */
export function backoff(attempt: number, random = Math.random, baseMs = 500, capMs = 15_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function uuid(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (ch) => {
    const r = (Math.random() * 16) | 0;
    return (ch === 'x' ? r : (r & 0x3) | 0x8).toString(16);
  });
}

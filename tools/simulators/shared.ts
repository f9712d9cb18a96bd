// What the simulators share: reading a request's body, and the terminal prompt of their `npm run sim:*` mains.
import type http from 'node:http';
import readline from 'node:readline';

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Reads commands from the terminal, one at a time; `close` runs when the input ends. */
export function repl(prompt: string, run: (line: string) => Promise<void>, close: () => Promise<void>): void {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt });
  rl.prompt();
  rl.on('line', (line) => {
    run(line)
      .catch((err: Error) => console.log(`error: ${err.message}`))
      .finally(() => rl.prompt());
  });
  rl.on('close', () => void close().then(() => process.exit(0)));
}

/** One webhook call as a simulator recorded it: the exact bytes sent, and each attempt's status (0: no answer). */
export interface RecordedWebhook {
  body: string;
  statuses: number[];
  delivered: boolean;
}

/**
 * A simulator's outgoing webhooks: each is recorded, sent once the API call that caused it has
 * answered (as the real services do), retried as the service documents, and can be awaited (tests) or
 * sent again byte for byte. `url()` undefined: nothing is sent; `gaveUp(status)`: the service stops retrying.
 */
export function webhookSender<D extends RecordedWebhook>(o: {
  /** where `d` goes (the same for every call of most services; Twilio's status callbacks name their own) */
  url(d: D): string | undefined;
  headers(d: D): Record<string, string>;
  record(d: D): void;
  attempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  gaveUp(status: number): boolean;
}) {
  const pending = new Set<Promise<unknown>>();
  async function deliver(d: D): Promise<D> {
    for (let i = 0, url = o.url(d); i < o.attempts && url; i++, url = o.url(d)) {
      let status: number;
      try {
        const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...o.headers(d) }, body: d.body, signal: AbortSignal.timeout(o.timeoutMs) });
        status = res.status;
        await res.arrayBuffer();
      } catch {
        status = 0;
      }
      d.statuses.push(status);
      if (status >= 200 && status < 300) {
        d.delivered = true;
        return d;
      }
      if (o.gaveUp(status)) return d;
      await new Promise((r) => setTimeout(r, o.retryDelayMs));
    }
    return d;
  }
  return {
    fire(d: D): Promise<D> {
      o.record(d);
      const p = new Promise<void>((r) => setImmediate(r)).then(() => deliver(d));
      pending.add(p);
      void p.finally(() => pending.delete(p));
      return p;
    },
    /** sends a recorded webhook call again, byte for byte (the services retry with the same ids) */
    redeliver(d: D): Promise<D> {
      const copy = { ...d, statuses: [], delivered: false };
      o.record(copy);
      return deliver(copy);
    },
    /** resolves when no webhook is in flight */
    async settled(): Promise<void> {
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}

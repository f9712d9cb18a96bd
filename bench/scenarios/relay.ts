// User → agent relay through Baton: the user's message is POSTed (durable before 201), stored with its
// seq, and pushed to the agent's socket. Closed loop for throughput; open loop at a fixed offered rate
// for latency.
import { api, driveRelay, sleep, stats, type Stats } from '../lib.js';
import { agentPairs } from './setup.js';

export async function relayThroughput(base: { url: string }, opts: { pairs: number; seconds: number; inFlight: number; wsBase?: string; sendVia?: (i: number) => string }) {
  const pairs = await agentPairs(base, opts.pairs, opts.wsBase);
  return driveRelay({
    pairs: opts.pairs,
    seconds: opts.seconds,
    inFlight: opts.inFlight,
    async setup(i) {
      const p = pairs[i]!;
      const url = opts.sendVia?.(i) ?? base.url;
      return {
        send: (text) => api(url, 'POST', `/api/v1/conversations/${p.c.id}/messages`, { token: p.c.token, body: { text } }),
        receiver: p.agentSocket,
        close: () => p.agentSocket.close(),
      };
    },
  });
}

/** Open loop: sends at `rate` msg/s regardless of answers; latency = send → pushed to the agent. */
export async function relayAtRate(base: { url: string }, opts: { pairs: number; seconds: number; rate: number }): Promise<{ offered: number; achieved: number; latency: Stats; errors: number }> {
  const pairs = await agentPairs(base, opts.pairs);
  const waiting = new Map<string, number>();
  const lat: number[] = [];
  let errors = 0;
  for (const p of pairs) {
    p.agentSocket.on('message', (d) => {
      const e = JSON.parse(String(d));
      const t = e.type === 'message.created' ? waiting.get(e.message.text) : undefined;
      if (t !== undefined) {
        waiting.delete(e.message.text);
        lat.push(performance.now() - t);
      }
    });
  }
  const total = opts.rate * opts.seconds;
  const start = performance.now();
  let sent = 0;
  const inflight: Promise<unknown>[] = [];
  while (sent < total) {
    const due = Math.floor(((performance.now() - start) / 1000) * opts.rate);
    while (sent < Math.min(due, total)) {
      const p = pairs[sent % pairs.length]!;
      const text = `r${sent}`;
      waiting.set(text, performance.now());
      inflight.push(
        api(base.url, 'POST', `/api/v1/conversations/${p.c.id}/messages`, { token: p.c.token, body: { text } }).then(
          (r) => r.status >= 300 && errors++,
          () => errors++,
        ),
      );
      sent++;
    }
    await sleep(1);
  }
  await Promise.all(inflight);
  const deadline = Date.now() + 10_000;
  while (waiting.size && Date.now() < deadline) await sleep(20);
  for (const p of pairs) p.agentSocket.close();
  // unanswered messages count as lost latency samples at the deadline
  for (const _ of waiting) lat.push(10_000);
  const elapsed = (performance.now() - start) / 1000;
  return { offered: opts.rate, achieved: Math.round(lat.filter((x) => x < 10_000).length / elapsed), latency: stats(lat), errors };
}

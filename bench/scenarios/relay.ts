// User → agent relay through Baton: the user's message is POSTed (durable before 201), stored with its
// seq, and pushed to the agent's socket. Closed loop for throughput; open loop at a fixed offered rate
// for latency.
import type WebSocket from 'ws';
import { api, driveRelay, openSocket, sleep, stats, type Stats } from '../lib.js';
import { agentPairs } from './setup.js';

/** The user's side of a pair: POST /messages (HTTP), or `message.send` on the user's own socket. */
export type SendPath = 'http' | 'ws';

async function userSender(url: string, c: { id: string; token: string }, via: SendPath) {
  if (via === 'http') {
    const send = async (text: string) => {
      const r = await api(url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
      if (r.status >= 300) throw new Error(`send ${r.status}`);
    };
    return { send, close: () => undefined };
  }
  // a user socket says nothing until asked: resume, and wait for `ready`
  const ws: WebSocket = await openSocket(`${url.replace(/^http/, 'ws')}/api/v1/ws?token=${c.token}`);
  // (then the listener goes: the acks that follow need no reading here)
  const ready = new Promise<void>((r) => {
    const onReady = (d: WebSocket.RawData) => {
      if (!String(d).includes('"ready"')) return;
      ws.off('message', onReady);
      r();
    };
    ws.on('message', onReady);
  });
  ws.send(JSON.stringify({ type: 'resume', afterSeq: 0 }));
  await ready;
  return {
    // the push to the agent is what is measured; the ack comes on the user's socket
    send: async (text: string) => void ws.send(JSON.stringify({ type: 'message.send', clientMessageId: text, message: { text } })),
    close: () => ws.close(),
  };
}

export async function relayThroughput(base: { url: string }, opts: { pairs: number; seconds: number; inFlight: number; wsBase?: string; sendVia?: (i: number) => string; via?: SendPath }) {
  const pairs = await agentPairs(base, opts.pairs, opts.wsBase);
  return driveRelay({
    pairs: opts.pairs,
    seconds: opts.seconds,
    inFlight: opts.inFlight,
    async setup(i) {
      const p = pairs[i]!;
      const user = await userSender(opts.sendVia?.(i) ?? base.url, p.c, opts.via ?? 'http');
      return {
        send: user.send,
        receiver: p.agentSocket,
        close: () => {
          user.close();
          p.agentSocket.close();
        },
      };
    },
  });
}

/** Open loop: sends at `rate` msg/s regardless of answers; latency = send → pushed to the agent. */
export async function relayAtRate(base: { url: string }, opts: { pairs: number; seconds: number; rate: number; via?: SendPath }): Promise<{ offered: number; achieved: number; latency: Stats; errors: number }> {
  const pairs = await agentPairs(base, opts.pairs);
  const users = await Promise.all(pairs.map((p) => userSender(base.url, p.c, opts.via ?? 'http')));
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
      const text = `r${sent}`;
      waiting.set(text, performance.now());
      inflight.push(users[sent % pairs.length]!.send(text).catch(() => errors++));
      sent++;
    }
    await sleep(1);
  }
  await Promise.all(inflight);
  const deadline = Date.now() + 10_000;
  while (waiting.size && Date.now() < deadline) await sleep(20);
  for (const p of pairs) p.agentSocket.close();
  for (const u of users) u.close();
  // unanswered messages count as lost latency samples at the deadline
  for (const _ of waiting) lat.push(10_000);
  const elapsed = (performance.now() - start) / 1000;
  return { offered: opts.rate, achieved: Math.round(lat.filter((x) => x < 10_000).length / elapsed), latency: stats(lat), errors };
}

// Steady load for a while; memory growth of the server process per minute after warm-up.
import { api, sleep, startBaton } from '../lib.js';
import { agentPairs } from './setup.js';

export async function soak(minutes: number) {
  const b = await startBaton();
  try {
    const pairs = await agentPairs(b, 10);
    const end = Date.now() + minutes * 60_000;
    let messages = 0;
    const samples: Array<{ t: number; rss: number }> = [];
    const sampler = setInterval(() => samples.push({ t: Date.now(), rss: b.rssKb() }), 5000);
    await Promise.all(
      pairs.map(async (p, i) => {
        let n = 0;
        while (Date.now() < end) {
          await api(b.url, 'POST', `/api/v1/conversations/${p.c.id}/messages`, { token: p.c.token, body: { text: `soak ${i} ${n++}` } });
          messages++;
          await sleep(20); // ~500 msg/s in total
        }
      }),
    );
    clearInterval(sampler);
    for (const p of pairs) p.agentSocket.close();
    // ignore the first minute (JIT, caches, SQLite page cache), then fit a line
    const t0 = samples[0]!.t + 60_000;
    const steady = samples.filter((s) => s.t >= t0);
    const xs = steady.map((s) => (s.t - t0) / 60_000);
    const ys = steady.map((s) => s.rss / 1024);
    const mx = xs.reduce((a, x) => a + x, 0) / xs.length;
    const my = ys.reduce((a, y) => a + y, 0) / ys.length;
    const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / Math.max(1e-9, xs.reduce((a, x) => a + (x - mx) ** 2, 0));
    return { minutes, messages, mbPerMinute: Math.round(slope * 100) / 100, rssStartMb: Math.round(ys[0] ?? 0), rssEndMb: Math.round(ys[ys.length - 1] ?? 0) };
  } finally {
    await b.stop();
  }
}

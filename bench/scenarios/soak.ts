// Steady load for a while; memory growth of the server process per minute after a warm-up.
//
// Judged on the RSS read right after a full GC in the server, once a minute: RSS read at any other
// moment also holds whatever garbage V8 has not collected yet, and V8 sizes its heap lazily (in a
// 10-minute run the heap grew from 75 to 96 MB and back to 74 MB at one major GC, with the live heap
// flat at 35 MB), so the slope of raw RSS depends on when the major GCs happen to fall. Less the
// young generation's committed size: V8 grows it in steps with the allocation rate, up to twice
// --max-semi-space-size (32 MB here), and keeps it through a full GC, so that growth is capacity with a
// fixed cap, not memory held. Under this load it went 14 → 27 → 31 → 32 MB over the first measured
// minutes and stayed there: the whole of the "growth" that a fit of RSS after GC alone then measured
// (1.46–1.51 MB/min, bench/NOTES.md). The slopes of RSS after GC, of raw RSS and of the live heap are
// reported beside it.
import { api, sleep, startBaton } from '../lib.js';
import { agentPairs } from './setup.js';

/** least-squares slope of y (MB) over x (minutes) */
function slope(points: Array<{ min: number; mb: number }>): number {
  const mx = points.reduce((a, p) => a + p.min, 0) / points.length;
  const my = points.reduce((a, p) => a + p.mb, 0) / points.length;
  const s = points.reduce((a, p) => a + (p.min - mx) * (p.mb - my), 0) / Math.max(1e-9, points.reduce((a, p) => a + (p.min - mx) ** 2, 0));
  return Math.round(s * 100) / 100;
}

/**
 * Minutes of the same load before the measured ones. On the 2-core test machine the server's RSS after
 * GC grew by ~14 MB over its first 3–3.5 minutes under this load and then stayed flat (live heap flat
 * at 35 MB throughout): a fit that started after one minute measured that warm-up, not growth that goes
 * on. (Much of it was the young generation growing to its cap, see above.)
 */
export const WARMUP_MINUTES = 3;

export async function soak(minutes: number) {
  const b = await startBaton({}, undefined, { gc: true });
  try {
    const pairs = await agentPairs(b, 10);
    const start = Date.now() + WARMUP_MINUTES * 60_000; // minute 0 of the measured part
    let messages = 0;
    let stop = false;
    const raw: Array<{ min: number; mb: number }> = [];
    const afterGc: Array<{ min: number; mb: number; heapMb: number; youngMb: number }> = [];
    const min = () => (Date.now() - start) / 60_000;
    const sampler = setInterval(() => raw.push({ min: min(), mb: b.rssKb() / 1024 }), 5000);
    const load = Promise.all(
      pairs.map(async (p, i) => {
        let n = 0;
        while (!stop) {
          await api(b.url, 'POST', `/api/v1/conversations/${p.c.id}/messages`, { token: p.c.token, body: { text: `soak ${i} ${n++}` } });
          messages++;
          await sleep(20); // ~500 msg/s in total
        }
      }),
    );
    // a reading after a full GC at the start of each measured minute and at the end
    for (let k = 0; k <= minutes; k++) {
      await sleep(Math.max(0, start + k * 60_000 - Date.now()));
      const live = await b.gc();
      afterGc.push({ min: min(), mb: b.rssKb() / 1024, heapMb: live.heapUsed / 1048576, youngMb: live.youngGeneration / 1048576 });
    }
    stop = true;
    await load;
    clearInterval(sampler);
    for (const p of pairs) p.agentSocket.close();
    // the readings after a GC are all from the measured part; raw RSS also has the warm-up's
    const steady = raw.filter((s) => s.min >= 0);
    return {
      minutes,
      warmupMinutes: WARMUP_MINUTES,
      messages,
      mbPerMinute: slope(afterGc.map((s) => ({ min: s.min, mb: s.mb - s.youngMb }))),
      rssAfterGcMbPerMinute: slope(afterGc),
      rawRssMbPerMinute: slope(steady),
      liveHeapMbPerMinute: slope(afterGc.map((s) => ({ min: s.min, mb: s.heapMb }))),
      rssAfterGcMb: afterGc.map((s) => Math.round(s.mb)),
      liveHeapMb: afterGc.map((s) => Math.round(s.heapMb * 10) / 10),
      youngGenerationMb: afterGc.map((s) => Math.round(s.youngMb * 10) / 10),
    };
  } finally {
    await b.stop();
  }
}

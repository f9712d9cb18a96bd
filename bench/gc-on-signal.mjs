// Preloaded into the server by the idle-sockets and soak benchmarks only (with --expose-gc): SIGUSR2 runs a
// full garbage collection and says so on stderr with the live heap's size and the young generation's
// committed size (V8 keeps that capacity through a full GC; it grows with the allocation rate up to
// twice --max-semi-space-size), so memory held can be measured without the garbage that happens to be
// uncollected at that moment.
import v8 from 'node:v8';

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  process.stderr.write(`bench-gc-done ${JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, youngGeneration: young?.physical_space_size ?? 0 })}\n`);
});

// Preloaded into the server by the idle-sockets and soak benchmarks only (with --expose-gc): SIGUSR2 runs a
// full garbage collection and says so on stderr with the live heap's size, so memory held can be
// measured without the garbage that happens to be uncollected at that moment.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  process.stderr.write(`bench-gc-done ${JSON.stringify({ heapUsed: process.memoryUsage().heapUsed })}\n`);
});

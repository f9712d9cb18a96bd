// Preloaded into the server by the idle-sockets benchmark only (with --expose-gc): SIGUSR2 runs a
// full garbage collection and says so on stderr, so memory held can be measured without the garbage
// that happens to be uncollected at that moment.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  process.stderr.write('bench-gc-done\n');
});

// The loop of a background worker that polls: one tick at a time (a tick asked for while one runs
// shares it), the next after a pause the tick's result picks, and a stop that waits for the tick in
// flight.
export function pollLoop<T>(tick: () => Promise<T>, onError: (err: unknown) => T, pauseMs: (result: T) => number) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<T> | undefined;
  let stopped = true;

  function run(): Promise<T> {
    running ??= tick()
      .catch(onError)
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    run,
    start() {
      stopped = false;
      const loop = async () => {
        if (stopped) return;
        const result = await run();
        if (!stopped) timer = setTimeout(loop, pauseMs(result));
      };
      void loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

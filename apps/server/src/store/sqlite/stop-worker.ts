import type { Worker } from 'node:worker_threads';

/**
 * Asks a store thread to close its connection (`request`; it answers `{ type: 'stopped' }`), then ends
 * the thread. Resolves once the thread has exited (at its own end or by terminate).
 */
export function stopWorker(w: Worker, request: unknown): Promise<void> {
  return new Promise<void>((resolve) => {
    w.once('exit', () => resolve());
    w.on('message', (m: { type: string }) => {
      if (m.type === 'stopped') void w.terminate().then(() => resolve(), () => resolve());
    });
    w.postMessage(request);
  });
}

// One sweep for all sockets: a peer that did not answer the last ping is gone (half-open TCP).
import type { FastifyInstance } from 'fastify';

export function startHeartbeat(app: FastifyInstance, intervalMs = 30_000): { stop(): void } {
  const alive = new WeakSet<object>();
  app.websocketServer.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });
  const timer = setInterval(() => {
    for (const ws of app.websocketServer.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

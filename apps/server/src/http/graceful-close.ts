// Closing the HTTP server without hanging on connections that app.close() alone would wait for.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';

/**
 * Tracks connections from the start: ones that never sent a byte (a browser's preconnect; Node reaps
 * those by headersTimeout, which stops with listening), and WebSocket handshakes that came in too late
 * to be upgraded (answered 503 on a response no HTTP server owns, so nothing ends their socket).
 */
export function trackConnections(app: FastifyInstance, log: Logger, shutdownTimeoutMs: number): { close(): Promise<void> } {
  const sockets = new Set<Socket>();
  const handshakes = new WeakSet<Duplex>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.server.prependListener('upgrade', (_req: IncomingMessage, socket: Duplex) => handshakes.add(socket));
  app.websocketServer.on('connection', (_ws, req: IncomingMessage) => {
    handshakes.delete(req.socket);
    // the handshake's response object would stay on the socket for as long as it is open, and with it
    // the request, its Fastify request and reply and their logger (see also socket-routes.ts)
    const socket = req.socket as Socket & { _httpMessage?: ServerResponse | null };
    socket._httpMessage?.detachSocket(socket);
  });

  return {
    async close() {
      // keep-alive connections that go idle during the close would otherwise hold it open, and so
      // would the unserved ones above
      const sweep = setInterval(() => {
        app.server.closeIdleConnections();
        for (const socket of sockets) if (socket.bytesRead === 0 || handshakes.has(socket)) socket.destroy();
      }, 50);
      // a peer that never finishes its side of a close (or a request that never ends) gets half of
      // the shutdown time, then its connection is cut so the store can still be closed cleanly
      const deadline = setTimeout(() => {
        log.warn({ connections: sockets.size }, 'shutdown: cutting the connections still open');
        for (const socket of sockets) socket.destroy();
      }, shutdownTimeoutMs / 2);
      await app.close().finally(() => {
        clearInterval(sweep);
        clearTimeout(deadline);
      });
    },
  };
}

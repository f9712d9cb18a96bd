// Request log lines without secrets: a token in the query string (`/api/v1/ws?token=`, the contract
// API clients keep using) is replaced before the line is written. Everything else is what Fastify's
// own request serializer writes.
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

const TOKEN_PARAM = /([?&](?:token|access_token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PARAM, '$1[redacted]');
}

function request(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The logger Fastify gets: Fastify lets a logger instance's own serializers win over its defaults,
 * so this `req` serializer is used for every request line, whichever logger buildApp was given.
 */
export function withRedactedRequests(log: Logger): Logger {
  return log.child({}, { serializers: { req: request } });
}

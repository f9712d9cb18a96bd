// Request logging and request ids: one JSON line per request at `info`, tied to an id the caller may
// give in `x-request-id` and always gets back, with tokens, cookies and passwords kept out of the log.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger, LoggerOptions } from 'pino';

export const REQUEST_ID_HEADER = 'x-request-id';

const TOKEN_PARAM = /([?&](?:token|access_token|api_key|apikey|secret|password)=)[^&#]*/gi;
// A caller's id is kept only when it cannot forge log lines or grow them without bound: the
// characters of UUIDs, trace ids and the usual proxy ids, at most 128 of them.
const SANE_ID = /^[A-Za-z0-9._:@+=/-]{1,128}$/;
// Orchestrator probes arrive every few seconds; at `info` they would drown the requests people read.
const PROBES = new Set(['/healthz', '/readyz']);

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PARAM, '$1[redacted]');
}

/** Fastify's `genReqId`: the caller's `x-request-id` when sane, else a fresh UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}

/**
 * Pino options for every Baton logger: whatever a log call is handed, these paths never reach the
 * output (headers that carry credentials, password and token fields one level deep).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        'headers.cookie',
        'headers["set-cookie"]',
        'password',
        'token',
        '*.password',
        '*.token',
        '*.secret',
      ],
      censor: '[redacted]',
    },
  };
}

function request(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
  };
}

/**
 * The logger Fastify gets: Fastify lets a logger instance's own serializers win over its defaults,
 * so this `req` serializer (no headers, redacted URL) is used wherever a request is logged.
 */
export function withRedactedRequests(log: Logger): Logger {
  return log.child({}, { serializers: { req: request } });
}

/**
 * Fastify's request log lines, replaced: nothing when a request arrives (at `debug` only), one
 * `request completed` line when it ends, and no "Route … not found" line carrying the raw URL.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'reqId' });
  }

  override incomingRequest(req: FastifyRequest) {
    req.log.debug({ req }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply) {
    const line = {
      method: req.method,
      url: redactUrl(req.url),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (PROBES.has(req.url)) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }

  override routeNotFound() {
    // the `request completed` line says 404 with a redacted URL
  }
}

/** Every response carries its request id, errors and 404s included, so a report can quote it. */
export function installRequestIds(app: FastifyInstance) {
  app.addHook('onRequest', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  app.addHook('onSend', async (req, reply) => {
    if (!reply.hasHeader(REQUEST_ID_HEADER)) reply.header(REQUEST_ID_HEADER, req.id);
  });
}

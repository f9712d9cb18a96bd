// Every error leaves as { error: { code, message, details? } } with the catalog's status; nothing
// leaks a stack trace. Fastify's own errors (bad JSON, body too large, …) are mapped to codes.
import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, errorBody, type ErrorCode } from '../errors.js';
import { ReadPoolError } from '../store/errors.js';
import { isStorageUnavailable, isUnstorableText } from '../store/storage-health.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
};

export function installErrorHandling(app: FastifyInstance, onStorageFailure: () => void = () => undefined) {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) {
      return reply.status(err.status).send(errorBody(err.code, err.message, err.details));
    }
    const statusCode = (err as { statusCode?: number }).statusCode;
    if (statusCode === 429) {
      return reply.status(429).send(errorBody('RATE_LIMITED'));
    }
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return reply.status(mapped === 'INVALID_JSON' ? 400 : (statusCode ?? 400)).send(errorBody(mapped, mapped === 'INVALID_JSON' ? undefined : err.message));
    if (err instanceof SyntaxError || (statusCode && statusCode >= 400 && statusCode < 500)) {
      return reply.status(statusCode ?? 400).send(errorBody(statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'VALIDATION_FAILED', err.message));
    }
    if (err instanceof ReadPoolError) {
      req.log.warn({ err }, 'slow read refused or stopped');
      return reply.status(503).header('Retry-After', '5').send(errorBody(err.code));
    }
    if (isStorageUnavailable(err)) {
      onStorageFailure();
      req.log.error({ err }, 'storage unavailable');
      return reply.status(503).header('Retry-After', '30').send(errorBody('STORAGE_UNAVAILABLE'));
    }
    if (isUnstorableText(err)) return reply.status(422).send(errorBody('VALIDATION_FAILED', 'The text holds characters that cannot be stored'));
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send(errorBody('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`));
  });
}

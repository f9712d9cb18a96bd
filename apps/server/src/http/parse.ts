// Request parsing with the proto's zod schemas: a bad body becomes VALIDATION_FAILED with the path
// of each problem (or TEXT_TOO_LONG, which clients show specially).
import { MAX_TEXT_LENGTH } from '@baton/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { validationFailed } from '../input-checks.js';
import { hashToken } from '../tokens.js';

// parsed the same way outside HTTP (providers' signed bodies, socket frames)
export { parseJson, validationFailed } from '../input-checks.js';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const tooLong = r.error.issues.some(
    (i) => i.code === 'too_big' && i.path[i.path.length - 1] === 'text' && Number((i as { maximum?: unknown }).maximum) === MAX_TEXT_LENGTH,
  );
  if (tooLong) throw new AppError('TEXT_TOO_LONG', `Text is limited to ${MAX_TEXT_LENGTH} characters`, { problems, limit: MAX_TEXT_LENGTH });
  throw validationFailed(r.error);
}

/**
 * For routes whose signature covers the raw bytes (webhooks): JSON bodies arrive as bytes, read with
 * rawBody() and parsed with parseJson() once the signature has been checked.
 */
export function keepRawJson(scoped: FastifyInstance): void {
  // the app-wide JSON parser (input-guard.ts) is replaced in this scope only
  if (scoped.hasContentTypeParser('application/json')) scoped.removeContentTypeParser('application/json');
  scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

/**
 * Form posts (Twilio's x-www-form-urlencoded webhooks, Mailgun's multipart raw-MIME route) are kept
 * as bytes too: their signatures are checked before a field is read.
 */
export function keepRawForms(scoped: FastifyInstance): void {
  for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data']) {
    if (scoped.hasContentTypeParser(type)) scoped.removeContentTypeParser(type);
    scoped.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  }
}

export function rawBody(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '');
}

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

/**
 * A rate limit's key per conversation token: the token's hash (with REDIS_URL keys are stored there,
 * and tokens never are), so one conversation cannot spend another's budget; a caller without one is
 * keyed by its address.
 */
export function perBearerToken(req: FastifyRequest): string {
  const token = bearer(req.headers.authorization);
  return token ? hashToken(token) : req.ip;
}

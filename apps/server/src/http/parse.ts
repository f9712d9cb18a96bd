// Request parsing with the proto's zod schemas: a bad body becomes VALIDATION_FAILED with the path
// of each problem (or TEXT_TOO_LONG, which clients show specially).
import { MAX_TEXT_LENGTH } from '@baton/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';

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

/** VALIDATION_FAILED listing each problem with its path. */
export function validationFailed(error: z.ZodError): AppError {
  const problems = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new AppError('VALIDATION_FAILED', problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '), { problems });
}

/**
 * For routes whose signature covers the raw bytes (webhooks): JSON bodies arrive as text, read with
 * rawBody() and parsed with parseJson() once the signature has been checked.
 */
export function keepRawJson(scoped: FastifyInstance): void {
  scoped.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

export function rawBody(req: FastifyRequest): string {
  return typeof req.body === 'string' ? req.body : '';
}

export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError('INVALID_JSON');
  }
}

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

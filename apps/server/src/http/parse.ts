// Request parsing with the proto's zod schemas: a bad body becomes VALIDATION_FAILED with the path
// of each problem (or TEXT_TOO_LONG, which clients show specially).
import { MAX_TEXT_LENGTH } from '@baton/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../errors.js';
import { assertParsedJsonHasNoNul } from './input-guard.js';

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
 * For routes whose signature covers the raw bytes (webhooks): JSON bodies arrive as bytes, read with
 * rawBody() and parsed with parseJson() once the signature has been checked.
 */
export function keepRawJson(scoped: FastifyInstance): void {
  // the app-wide JSON parser (input-guard.ts) is replaced in this scope only
  if (scoped.hasContentTypeParser('application/json')) scoped.removeContentTypeParser('application/json');
  scoped.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
}

export function rawBody(req: FastifyRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.from(typeof req.body === 'string' ? req.body : '');
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseJson(raw: string | Buffer): unknown {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    throw new AppError('INVALID_JSON', 'The request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_JSON');
  }
  assertParsedJsonHasNoNul(text, value);
  return value;
}

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

// Request parsing with the proto's zod schemas: a bad body becomes VALIDATION_FAILED with the path
// of each problem (or TEXT_TOO_LONG, which clients show specially).
import { MAX_TEXT_LENGTH } from '@baton/proto';
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
  throw new AppError('VALIDATION_FAILED', problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '), { problems });
}

export function bearer(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m?.[1];
}

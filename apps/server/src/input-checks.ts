// Untrusted input to values or AppErrors, the same way at every edge (HTTP bodies, socket frames,
// providers' signed webhooks, bot files); nothing here knows Fastify.
import type { z } from 'zod';
import { AppError } from './errors.js';

// PostgreSQL cannot store U+0000 in text: a NUL is refused as a 422 wherever it comes in, so the two
// stores agree
export const NUL_MESSAGE = 'Text may not contain NUL (U+0000) characters';

/** The path of the first string (or key) holding a NUL, or undefined. Walks without recursion, so depth cannot overflow the stack. */
export function nulPath(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return path || '(body)';
    } else if (v && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (k.includes('\0')) return p;
        stack.push([child, p]);
      }
    }
  }
  return undefined;
}

export function assertNoNul(value: unknown): void {
  const path = nulPath(value);
  if (path !== undefined) throw new AppError('VALIDATION_FAILED', NUL_MESSAGE, { problems: [{ path, message: NUL_MESSAGE }] });
}

/** After JSON.parse of `text`: JSON can only smuggle a NUL as the escape \u0000, so most bodies cost one indexOf. */
export function assertParsedJsonHasNoNul(text: string, parsed: unknown): void {
  if (text.includes('\\u0000')) assertNoNul(parsed);
}

/** VALIDATION_FAILED listing each problem with its path. */
export function validationFailed(error: z.ZodError): AppError {
  const problems = error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  return new AppError('VALIDATION_FAILED', problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; '), { problems });
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


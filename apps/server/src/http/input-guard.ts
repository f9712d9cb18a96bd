// Input that no store can hold is refused at the edge, with one rule for every way bytes come in:
// PostgreSQL cannot store U+0000 in text, so a NUL in a body, a URL or a socket frame is a 422 here
// instead of a 500 from the database (SQLite would take it, and the two stores must agree).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

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

/**
 * JSON bodies (Fastify's own parser, with its prototype-poisoning checks), text bodies (bots in YAML)
 * and URLs are checked app-wide.
 */
export function installInputGuard(app: FastifyInstance): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    json(req, body as string, (err, parsed) => {
      if (err) return done(err, undefined);
      try {
        assertParsedJsonHasNoNul(body as string, parsed);
      } catch (e) {
        return done(e as Error, undefined);
      }
      done(null, parsed);
    });
  });
  app.addContentTypeParser(['application/yaml', 'application/x-yaml', 'text/yaml', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => {
    try {
      assertNoNul(body);
    } catch (e) {
      return done(e as Error, undefined);
    }
    done(null, body);
  });
  app.addHook('onRequest', async (req) => {
    if (req.url.includes('%00') || req.url.includes('\0')) throw new AppError('VALIDATION_FAILED', `The URL may not contain NUL (%00)`);
  });
}

// Input that no store can hold is refused at the edge, with one rule for every way bytes come in:
// PostgreSQL cannot store U+0000 in text, so a NUL in a body, a URL or a socket frame is a 422 here
// instead of a 500 from the database (SQLite would take it, and the two stores must agree).
import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { assertNoNul, assertParsedJsonHasNoNul } from '../input-checks.js';

// the rule itself lives with the other checks of untrusted input (bots and providers use it too)
export { assertNoNul, assertParsedJsonHasNoNul, NUL_MESSAGE, nulPath } from '../input-checks.js';

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

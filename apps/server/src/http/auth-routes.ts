import { LoginBody } from '@baton/proto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { login, logout, presentAgent, SESSION_COOKIE } from '../commands/auth.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { requireAgent, sessionToken } from './auth-guard.js';
import { parse } from './parse.js';

export function registerAuthRoutes(app: FastifyInstance, deps: Deps) {
  const secure = Boolean(deps.config.PUBLIC_URL?.startsWith('https://'));
  // failed logins per account, next to the per-IP limit: guessing one account's password from many
  // addresses is slowed too (Redis-backed with REDIS_URL, like the other limits)
  const failures = app.createRateLimit({
    max: deps.config.RATE_LIMIT_LOGIN_PER_ACCOUNT,
    timeWindow: 15 * 60_000,
    keyGenerator: (req) => `login-account:${String((req.body as { email?: unknown } | undefined)?.email ?? '').trim().toLowerCase()}`,
  });
  // one attempt per account at a time on this instance: guesses sent in parallel would otherwise all
  // pass the failure count before any of them adds to it
  const inFlight = new Set<string>();

  const attempt = async (req: FastifyRequest, reply: FastifyReply, body: { email: string; password: string }) => {
    const before = await failures(req, { increment: false });
    if (!before.isAllowed && before.remaining === 0) {
      throw new AppError('RATE_LIMITED', `Too many failed logins for this account; retry in ${Math.max(1, before.ttlInSeconds)} s`);
    }
    let session: Awaited<ReturnType<typeof login>>;
    try {
      session = await login(deps, body.email, body.password);
    } catch (err) {
      if (err instanceof AppError && err.code === 'INVALID_CREDENTIALS') await failures(req);
      throw err;
    }
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      expires: new Date(session.expiresAt),
    });
    return session;
  };

  app.post(
    '/api/v1/auth/login',
    { config: { access: 'public', rateLimit: { max: deps.config.RATE_LIMIT_LOGIN_PER_MINUTE, timeWindow: 60_000 } } },
    async (req, reply) => {
      const body = parse(LoginBody, req.body);
      const account = body.email.trim().toLowerCase();
      if (inFlight.has(account)) throw new AppError('RATE_LIMITED', 'A login for this account is already being checked; retry in a moment');
      inFlight.add(account);
      try {
        return await attempt(req, reply, body);
      } finally {
        inFlight.delete(account);
      }
    },
  );

  app.post('/api/v1/auth/logout', { config: { access: 'public' } }, async (req, reply) => {
    const { token, viaCookie } = sessionToken(req);
    // a cross-site page must not be able to log the desk out either (SameSite covers other sites, not sibling origins)
    if (viaCookie && req.headers['x-requested-with'] !== 'baton-desk') throw new AppError('CSRF_REJECTED');
    if (token) await logout(deps, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/v1/agent/me', { config: { access: 'agent' } }, async (req) => ({ agent: presentAgent(await requireAgent(deps, req)) }));
}

// Agent sessions: login (with its per-account limits), logout and who am I.
import { Agent, LoginBody, LoginResponse } from '@baton/proto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { login, logout, presentAgent, SESSION_COOKIE } from '../commands/auth.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { sessionToken } from './auth-guard.js';
import { defineRoute } from './route.js';

const TAG = 'Agent';
const Ok = z.object({ ok: z.literal(true) });

/** `app` makes the per-account failure limiter, which counts only failed logins. */
export function authRoutes(app: FastifyInstance, deps: Deps) {
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

  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/login',
      access: 'public',
      name: 'login',
      summary: 'Agent login: a session token (and the httpOnly desk cookie baton_session)',
      tag: TAG,
      rateLimit: { max: deps.config.RATE_LIMIT_LOGIN_PER_MINUTE, timeWindow: 60_000 },
      body: LoginBody,
      response: LoginResponse,
      errors: ['INVALID_CREDENTIALS'],
      handler: async ({ req, reply, body }) => {
        const account = body.email.trim().toLowerCase();
        if (inFlight.has(account)) throw new AppError('RATE_LIMITED', 'A login for this account is already being checked; retry in a moment');
        inFlight.add(account);
        try {
          return await attempt(req, reply, body);
        } finally {
          inFlight.delete(account);
        }
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/auth/logout',
      access: 'public',
      name: 'logout',
      summary: 'End the session',
      tag: TAG,
      optionalAuth: ['agentToken', 'deskCookie'],
      response: Ok,
      errors: ['CSRF_REJECTED'],
      handler: async ({ req, reply }) => {
        const { token, viaCookie } = sessionToken(req);
        // a cross-site page must not be able to log the desk out either (SameSite covers other sites, not sibling origins)
        if (viaCookie && req.headers['x-requested-with'] !== 'baton-desk') throw new AppError('CSRF_REJECTED');
        if (token) await logout(deps, token);
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/agent/me',
      access: 'agent',
      name: 'getMe',
      summary: 'The logged-in agent',
      tag: TAG,
      response: z.object({ agent: Agent }),
      handler: async ({ agent }) => ({ agent: presentAgent(agent) }),
    }),
  ];
}

import { LoginBody } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import { login, logout, presentAgent, SESSION_COOKIE } from '../commands/auth.js';
import type { Deps } from '../deps.js';
import { requireAgent, sessionToken } from './auth-guard.js';
import { parse } from './parse.js';

export function registerAuthRoutes(app: FastifyInstance, deps: Deps) {
  const secure = Boolean(deps.config.PUBLIC_URL?.startsWith('https://'));
  app.post(
    '/api/v1/auth/login',
    { config: { rateLimit: { max: deps.config.RATE_LIMIT_LOGIN_PER_MINUTE, timeWindow: 60_000 } } },
    async (req, reply) => {
      const body = parse(LoginBody, req.body);
      const session = await login(deps, body.email, body.password);
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: '/',
        expires: new Date(session.expiresAt),
      });
      return session;
    },
  );

  app.post('/api/v1/auth/logout', async (req, reply) => {
    const { token } = sessionToken(req);
    if (token) await logout(deps, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/v1/agent/me', async (req) => ({ agent: presentAgent(await requireAgent(deps, req)) }));
}

// Who is calling an agent/admin route: a bearer session token (API clients) or the desk's httpOnly
// cookie. Cookie-authenticated writes must carry X-Requested-With (a header a cross-site form or
// image cannot set), which with SameSite=Strict closes CSRF.
import type { AgentRole } from '@baton/proto';
import type { FastifyRequest } from 'fastify';
import { authenticate, can, SESSION_COOKIE } from '../commands/auth.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { AgentRow } from '../store/schema.js';
import { bearer } from './parse.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionToken(req: FastifyRequest): { token?: string; viaCookie: boolean } {
  const b = bearer(req.headers.authorization);
  if (b) return { token: b, viaCookie: false };
  const c = (req.cookies as Record<string, string | undefined> | undefined)?.[SESSION_COOKIE];
  return { token: c, viaCookie: Boolean(c) };
}

// the route's declared access (access.ts) authenticates first; the handler's own call reuses it
const authenticated = new WeakMap<FastifyRequest, Promise<AgentRow>>();

export async function requireAgent(deps: Deps, req: FastifyRequest, roles?: AgentRole[]): Promise<AgentRow> {
  let pending = authenticated.get(req);
  if (!pending) {
    const { token, viaCookie } = sessionToken(req);
    if (!token) throw new AppError('UNAUTHORIZED');
    if (viaCookie && !SAFE.has(req.method) && req.headers['x-requested-with'] !== 'baton-desk') {
      throw new AppError('CSRF_REJECTED');
    }
    authenticated.set(req, (pending = authenticate(deps, token)));
  }
  const agent = await pending;
  if (roles && !can(agent.role, roles)) throw new AppError('FORBIDDEN', `This needs the role ${roles.join(' or ')}`);
  return agent;
}

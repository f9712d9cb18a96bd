// Every route declares who may call it (`config: { access }`), and the declaration is enforced here
// before the handler runs: a route without one fails at start-up, so none is public by omission.
import type { AgentRole } from '@baton/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { requireAgent } from './auth-guard.js';
import { bearer } from './parse.js';

/**
 * public: anyone (health, docs, static files, login, creating a conversation);
 * user: an end user's conversation token (checked by the route against the conversation it names);
 * signed: a channel's or provider's signature over the raw body (checked by registerSignedInbound);
 * agent / supervisor / admin: an agent session of at least that role.
 */
export type RouteAccess = 'public' | 'user' | 'signed' | AgentRole;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

const ROLES: Record<AgentRole, AgentRole[]> = {
  agent: ['agent', 'supervisor', 'admin'],
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
};

export function isAgentAccess(a: RouteAccess | undefined): a is AgentRole {
  return a === 'agent' || a === 'supervisor' || a === 'admin';
}

export function installRouteAccess(app: FastifyInstance, deps: Deps): void {
  app.addHook('onRoute', (route) => {
    // fastify's own HEAD twins and the static plugins' wildcard routes carry no config of ours
    if (!route.url.startsWith('/api/')) return;
    const access = (route.config as { access?: RouteAccess } | undefined)?.access;
    if (!access) throw new Error(`route ${String(route.method)} ${route.url} declares no access (config.access)`);
  });
  app.addHook('preHandler', async (req: FastifyRequest) => {
    const access = req.routeOptions.config?.access;
    if (isAgentAccess(access)) await requireAgent(deps, req, ROLES[access]);
    // the route checks that the token is this conversation's; here, that there is one at all
    else if (access === 'user' && !bearer(req.headers.authorization)) throw new AppError('UNAUTHORIZED', 'This needs the conversation token (Authorization: Bearer cu_…)');
  });
}

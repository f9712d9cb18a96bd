// Liveness, readiness and Prometheus metrics: outside /api, for load balancers and scrapers.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { refreshBacklogGauges } from '../commands/backlog-gauges.js';
import { readiness } from '../commands/readiness.js';
import type { Deps } from '../deps.js';
import { AppError, errorBody } from '../errors.js';
import type { StorageHealth } from '../store/storage-health.js';
import { safeEqual } from '../tokens.js';
import { bearer } from './parse.js';

export function registerHealthRoutes(app: FastifyInstance, deps: Deps, state: { ready: boolean }, storage: StorageHealth) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    if (!state.ready) return reply.status(503).send(errorBody('NOT_READY', 'Starting up'));
    const r = await readiness(deps, storage);
    return r.ok ? r.view : reply.status(503).send(errorBody(r.code, r.message));
  });

  app.get('/metrics', async (req, reply) => {
    metricsAllowed(deps, req);
    await refreshBacklogGauges(deps);
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
}

/**
 * /metrics tells how busy Baton is and with what: with METRICS_TOKEN it needs that bearer token;
 * without, only a direct loopback caller (a scraper on the same host) may read it.
 */
function metricsAllowed(deps: Deps, req: FastifyRequest): void {
  const want = deps.config.METRICS_TOKEN;
  if (want) {
    const got = bearer(req.headers.authorization);
    if (!got || !safeEqual(got, want)) throw new AppError('UNAUTHORIZED', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    return;
  }
  const peer = req.socket.remoteAddress ?? '';
  const loopback = peer === '::1' || peer.startsWith('127.') || peer.startsWith('::ffff:127.');
  // a proxy on the same host forwards strangers: they come with X-Forwarded-For
  if (!loopback || req.headers['x-forwarded-for'] !== undefined) throw new AppError('FORBIDDEN', 'Set METRICS_TOKEN to read /metrics from another host');
}

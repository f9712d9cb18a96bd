import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { AppError, errorBody } from '../errors.js';
import { safeEqual } from '../tokens.js';
import { bearer } from './parse.js';
import { migrationsApplied } from '../store/database.js';
import type { StorageHealth } from '../store/storage-health.js';

export function registerHealthRoutes(app: FastifyInstance, deps: Deps, state: { ready: boolean }, storage: StorageHealth) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    if (!state.ready) return reply.status(503).send(errorBody('NOT_READY', 'Starting up'));
    try {
      await sql`select 1`.execute(deps.store.db);
      if (!(await migrationsApplied(deps.store.db))) return reply.status(503).send(errorBody('NOT_READY', 'Migrations pending'));
      const problem = await storage.problem(deps.clock.now());
      if (problem) return reply.status(503).send(errorBody('STORAGE_UNAVAILABLE', `Storage cannot take writes: ${problem}`));
      return { status: 'ready', store: deps.store.dialect, bus: deps.config.REDIS_URL ? 'redis' : 'memory' };
    } catch {
      return reply.status(503).send(errorBody('NOT_READY', 'Store unreachable'));
    }
  });

  app.get('/metrics', async (req, reply) => {
    metricsAllowed(deps, req);
    const q = await deps.store.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'offloaded')
      .executeTakeFirst();
    deps.metrics.queueLength.set(Number(q?.n ?? 0));
    const o = await deps.store.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    deps.metrics.outboxBacklog.set(Number(o?.n ?? 0));
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

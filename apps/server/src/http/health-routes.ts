import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { errorBody } from '../errors.js';
import { migrationsApplied } from '../store/database.js';

export function registerHealthRoutes(app: FastifyInstance, deps: Deps, state: { ready: boolean }) {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    if (!state.ready) return reply.status(503).send(errorBody('NOT_READY', 'Starting up'));
    try {
      await sql`select 1`.execute(deps.store.db);
      if (!(await migrationsApplied(deps.store.db))) return reply.status(503).send(errorBody('NOT_READY', 'Migrations pending'));
      return { status: 'ready', store: deps.store.dialect, bus: deps.config.REDIS_URL ? 'redis' : 'memory' };
    } catch {
      return reply.status(503).send(errorBody('NOT_READY', 'Store unreachable'));
    }
  });

  app.get('/metrics', async (_req, reply) => {
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

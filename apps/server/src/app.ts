// buildApp(config, options) → a ready Baton instance (Fastify app + its dependencies). main.ts and
// the tests both use it; nothing here reads process.env.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { BotRegistry } from './bot/registry.js';
import { policyFor } from './outbound/address-policy.js';
import { useOutboundPolicy } from './outbound/client.js';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory.js';
import { createBotTurns } from './commands/bot-turns.js';
import { ensureAdmin } from './commands/bootstrap.js';
import { createSettingsCache } from './commands/offloading-settings.js';
import type { Config } from './config/config.js';
import { systemClock, type Clock, type Deps } from './deps.js';
import { registerAdminRoutes } from './http/admin-routes.js';
import { registerAgentRoutes } from './http/agent-routes.js';
import { registerAuthRoutes } from './http/auth-routes.js';
import { registerChannelRoutes } from './http/channel-routes.js';
import { registerChannelWebhookRoutes } from './http/channel-webhook-routes.js';
import { installErrorHandling } from './http/error-handler.js';
import { installInputGuard } from './http/input-guard.js';
import { installRouteAccess, type RouteAccess } from './http/access.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { createStorageHealth } from './store/storage-health.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { withRedactedRequests } from './http/request-log.js';
import { buildOpenApi } from './http/openapi.js';
import { createMetrics } from './metrics.js';
import { loadOrCreateKey } from './secrets.js';
import { openStore, type Store } from './store/database.js';
import { recoverBotTurns } from './workers/bot-recovery.js';
import { createTimerWorker } from './workers/timers.js';
import { Hub } from './ws/hub.js';
import { registerSocketRoutes } from './ws/socket-routes.js';
import { createAgentSockets } from './ws/agent-socket.js';
import { createReplaySource } from './ws/replay-source.js';
import { createUserSockets } from './ws/user-socket.js';
import { createInboundActions } from './commands/provider-inbound.js';
import { registerProviderRoutes } from './http/provider-routes.js';
import { builtInProviders, createProviderQueue, ProviderRegistry } from './providers/registry.js';
import { ChannelDeliveries } from './commands/channel-deliveries.js';
import { createOutboxWorker } from './workers/outbox.js';
import { createProviderWorkers } from './workers/provider-workers.js';
import { cancelQueueAnnouncements } from './commands/conversation-events.js';
import { createRouting, overflow } from './commands/routing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// from src/ (tests) and dist/ (built) alike: apps/server/<x>/ → apps/
const appsDir = path.resolve(here, '..', '..');
export const DEMO_BOT_PATH = path.resolve(appsDir, '..', 'examples', 'demo-bot.yaml');

export interface BuildOptions {
  clock?: Clock;
  logger?: Logger;
  /** start background workers (timers, outbox, recovery); tests may drive them by hand */
  workers?: boolean;
}

export interface Baton {
  app: FastifyInstance;
  deps: Deps;
  hub: Hub;
  timers: ReturnType<typeof createTimerWorker>;
  outbox: ReturnType<typeof createOutboxWorker>;
  providerWorkers: ReturnType<typeof createProviderWorkers>;
  botTurns: ReturnType<typeof createBotTurns>;
  /** every registered route with its declared access (the OpenAPI and authorization tests read them) */
  routes: Array<{ method: string; url: string; access: RouteAccess | undefined }>;
  /** printed once on first start when a password was generated */
  firstAdmin?: { email: string; password: string };
  close(): Promise<void>;
  /** the shutdown step being awaited (undefined before close and after it), logged when one is slow */
  readonly closingStep: string | undefined;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<Baton> {
  const log = opts.logger ?? pino({ level: config.LOG_LEVEL });
  const clock = opts.clock ?? systemClock;
  // outbound calls (providers, channels, bot webhooks) follow this configuration's policy; a bad
  // OUTBOUND_ALLOWED_HOSTS fails here, before anything is opened
  const outbound = policyFor(config);
  useOutboundPolicy(outbound);
  const store: Store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.DATABASE_URL,
    sqliteSynchronous: config.SQLITE_SYNCHRONOUS,
    writeLanes: config.DATABASE_WRITE_LANES,
    onIdleError: (err) => log.warn({ err }, 'an idle PostgreSQL connection failed; the pool opens a new one'),
    onCheckpointError: (message) => log.warn({ message }, 'background WAL checkpoint failed; retrying'),
    onWriterError: (message) => log.warn({ message }, 'SQLite writer thread failed; batches run on the main connection until it restarts'),
  });
  // Redis (and ioredis) only when configured: the embedded start does not pay for loading it
  const redis = config.REDIS_URL ? { url: config.REDIS_URL, ...(await import('ioredis')), ...(await import('./bus/redis.js')) } : undefined;
  const bus: Bus = redis ? await redis.RedisBus.connect(redis.url) : new MemoryBus();
  const key = loadOrCreateKey(config.BATON_SECRET_KEY, config.dataDir, Boolean(config.DATABASE_URL));
  const metrics = createMetrics();
  store.write.onBatch = (jobs, path) => metrics.groupCommitBatch.observe({ path }, jobs);
  const bots = new BotRegistry(store, log, { secretKey: () => key, outbound });
  const settings = createSettingsCache(store, () => key);
  const botTurns = createBotTurns(() => deps);
  const kicks: Record<'outbox' | 'timers', () => void> = { outbox: () => undefined, timers: () => undefined };
  const providerRegistry = new ProviderRegistry(builtInProviders());
  const channelDeliveries = new ChannelDeliveries(clock);
  const deps: Deps = {
    config,
    store,
    bus,
    clock,
    log,
    bots,
    settings,
    metrics,
    botTurns,
    secretKey: () => key,
    providers: createProviderQueue(() => deps, providerRegistry),
    providerRegistry,
    onMessagesCreated: (tx, messages) => channelDeliveries.queue(tx, messages),
    routing: createRouting(() => deps),
    kick: (kind) => kicks[kind](),
  };

  // caches follow changes made on other instances
  bus.subscribe((e) => {
    if (e.type === 'settings.changed') settings.invalidate();
    if (e.type === 'work.available' && e.kind !== 'bot') kicks[e.kind]();
  });

  const app = Fastify({
    loggerInstance: withRedactedRequests(log) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: config.TRUST_PROXY,
    logController: new LogController({ disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const state = { ready: false, closing: false };
  const storage = createStorageHealth(config.DATABASE_URL ? undefined : config.dataDir);
  const routes: Baton['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push({ method: m, url: r.url, access: r.config?.access });
  });
  installRouteAccess(app, deps);
  installErrorHandling(app, () => storage.failed(clock.now()));
  installInputGuard(app);
  installSecurityHeaders(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    ...(redis ? { redis: new redis.Redis(redis.url, { maxRetriesPerRequest: 1 }) } : {}),
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      error: { code: 'RATE_LIMITED', message: `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s` },
    }),
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });

  // CORS for the Channel API: the widget runs on the customer's own sites
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !req.url.startsWith('/api/v1/conversations')) return;
    if (origins.includes('*') || origins.includes(origin)) {
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
      reply.header('Access-Control-Allow-Headers', 'Authorization, Content-Type, Idempotency-Key');
      reply.header('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      reply.header('Access-Control-Max-Age', '600');
    }
    if (req.method === 'OPTIONS') return reply.status(204).send();
  });
  // while shutting down, answers ask keep-alive clients to reconnect (to another instance)
  app.addHook('onSend', async (_req, reply) => {
    if (!state.ready && state.closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });

  const openapi = buildOpenApi(config.PUBLIC_URL);
  await app.register(fastifySwagger, { mode: 'static', specification: { document: openapi as never } });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/api/v1/openapi.json', { config: { access: 'public' } }, async () => openapi);

  const hub = new Hub();
  bus.subscribe((e) => hub.dispatch(e));
  registerHealthRoutes(app, deps, state, storage);
  registerChannelRoutes(app, deps);
  registerAuthRoutes(app, deps);
  registerChannelWebhookRoutes(app, deps);
  registerAdminRoutes(app, deps);
  registerAgentRoutes(app, deps);
  const inbound = createInboundActions(deps);
  const outbox = createOutboxWorker(deps, inbound);
  kicks.outbox = () => outbox.kick();
  registerProviderRoutes(app, deps, inbound, () => outbox.kick());
  const replays = createReplaySource(deps);
  const agentSockets = createAgentSockets(deps, hub, replays);
  registerSocketRoutes(app, deps, createUserSockets(deps, hub, replays), agentSockets);
  registerStatic(app);

  // one sweep for all sockets: a peer that did not answer the last ping is gone (half-open TCP)
  const alive = new WeakSet<object>();
  const heartbeat = setInterval(() => {
    for (const ws of app.websocketServer.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, 30_000);
  heartbeat.unref();
  // Connections that close() alone would wait for forever (see close): ones that never sent a
  // byte (a browser's preconnect; Node reaps those by headersTimeout, which stops with listening), and
  // WebSocket handshakes that came in too late to be upgraded (answered 503 on a response no HTTP
  // server owns, so nothing ends their socket)
  const sockets = new Set<Socket>();
  const handshakes = new WeakSet<Duplex>();
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  app.server.prependListener('upgrade', (_req: IncomingMessage, socket: Duplex) => handshakes.add(socket));
  app.websocketServer.on('connection', (ws, req: IncomingMessage) => {
    handshakes.delete(req.socket);
    // the handshake's response object would stay on the socket for as long as it is open, and with it
    // the request, its Fastify request and reply and their logger (see also socket-routes.ts)
    const socket = req.socket as Socket & { _httpMessage?: ServerResponse | null };
    socket._httpMessage?.detachSocket(socket);
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
  });

  const providerWorkers = createProviderWorkers(deps, inbound);
  const timers = createTimerWorker(deps, { overflow });
  kicks.timers = () => timers.kick();

  // first start
  const admin = await ensureAdmin(deps);
  if (config.DEMO_BOT) await bots.installDemoIfEmpty(DEMO_BOT_PATH, clock.now());
  await bots.warm();
  await app.ready();
  state.ready = true;
  if (opts.workers !== false) {
    timers.start();
    await outbox.start();
    providerWorkers.start();
    void recoverBotTurns(deps).catch((err) => log.error({ err }, 'bot recovery failed'));
  }

  let closing: Promise<void> | undefined;
  let closingStep: string | undefined;
  /** each shutdown step by name: one that takes long is logged, so a stuck shutdown says where */
  const step = async (name: string, fn: () => unknown) => {
    closingStep = name;
    const started = Date.now();
    const slow = setInterval(() => log.warn({ step: name, ms: Date.now() - started }, 'shutdown step is slow'), 5000);
    try {
      await fn();
    } finally {
      clearInterval(slow);
    }
  };
  return {
    app,
    deps,
    hub,
    timers,
    outbox,
    providerWorkers,
    botTurns,
    routes,
    firstAdmin: admin.created && admin.password ? { email: admin.email!, password: admin.password } : undefined,
    get closingStep() {
      return closingStep;
    },
    close() {
      closing ??= (async () => {
        state.ready = false;
        state.closing = true;
        clearInterval(heartbeat);
        await step('http server and sockets', async () => {
          // keep-alive connections that go idle during the close would otherwise hold it open, and
          // so would the unserved ones above
          const sweep = setInterval(() => {
            app.server.closeIdleConnections();
            for (const socket of sockets) if (socket.bytesRead === 0 || handshakes.has(socket)) socket.destroy();
          }, 50);
          // a peer that never finishes its side of a close (or a request that never ends) gets half
          // of the shutdown time, then its connection is cut so the store can still be closed cleanly
          const deadline = setTimeout(() => {
            log.warn({ connections: sockets.size }, 'shutdown: cutting the connections still open');
            for (const socket of sockets) socket.destroy();
          }, config.SHUTDOWN_TIMEOUT_MS / 2);
          await app.close().finally(() => {
            clearInterval(sweep);
            clearTimeout(deadline);
          });
        });
        agentSockets.close();
        await step('timers', () => timers.stop());
        await step('outbox', () => outbox.stop());
        await step('provider workers', () => providerWorkers.stop());
        await step('bot turns', () => botTurns.stop());
        cancelQueueAnnouncements(deps);
        await step('bus', () => bus.close());
        await step('store', () => store.close());
        closingStep = undefined;
      })();
      return closing;
    },
  };
}

function registerStatic(app: FastifyInstance) {
  const widgetDist = path.join(appsDir, 'widget', 'dist');
  const deskDist = path.join(appsDir, 'desk', 'dist');
  const missing = (what: string) =>
    `<!doctype html><meta charset="utf-8"><title>Baton</title><p>The ${what} is not built yet. Run <code>npm run build</code> (or <code>npm start</code>, which builds first).</p>`;

  app.get('/widget.js', async (_req, reply) => {
    const file = path.join(widgetDist, 'widget.js');
    if (!fs.existsSync(file)) return reply.status(404).type('text/javascript').send('/* widget not built: run npm run build */');
    return reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .header('Access-Control-Allow-Origin', '*')
      .send(fs.createReadStream(file));
  });
  app.get('/', async (_req, reply) => {
    const file = path.join(widgetDist, 'index.html');
    if (!fs.existsSync(file)) return reply.type('text/html').send(missing('demo page'));
    return reply.type('text/html; charset=utf-8').send(fs.createReadStream(file));
  });
  app.get('/desk', async (_req, reply) => reply.redirect('/desk/'));
  if (fs.existsSync(deskDist)) {
    app.register(fastifyStatic, { root: deskDist, prefix: '/desk/', decorateReply: false, index: ['index.html'] });
  } else {
    app.get('/desk/', async (_req, reply) => reply.type('text/html').send(missing('agent desk')));
  }
}

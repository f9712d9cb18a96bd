// buildApp(config, options) → a ready Baton instance (Fastify app + its dependencies). main.ts and
// the tests both use it; nothing here reads process.env.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { BotRegistry } from './bot/registry.js';
import { policyFor } from './outbound/address-policy.js';
import { OutboundClient } from './outbound/client.js';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory.js';
import { createBotTurns } from './commands/bot-turns.js';
import { ensureAdmin } from './commands/bootstrap.js';
import { offloadSkills, parseBotDefinition } from './domain/bot/definition.js';
import { createSettingsCache } from './commands/offloading-settings.js';
import { createInboundActions } from './commands/provider-inbound.js';
import { createRouting, overflow } from './commands/routing.js';
import type { Config } from './config/config.js';
import { systemClock, type Clock, type Deps } from './deps.js';
import { errorBody } from './errors.js';
import { installRouteAccess, type RouteAccess } from './http/access.js';
import { agentRoutes } from './http/agent-routes.js';
import { agentsAdminRoutes } from './http/agents-admin-routes.js';
import { analyticsRoutes } from './http/analytics-routes.js';
import { authRoutes } from './http/auth-routes.js';
import { botRoutes } from './http/bot-routes.js';
import { cannedResponseRoutes } from './http/canned-response-routes.js';
import { channelWebhookRoutes, registerChannelInbound } from './http/channel-webhook-routes.js';
import { conversationRoutes } from './http/conversation-routes.js';
import { ratingRoutes } from './http/rating-routes.js';
import { installCors } from './http/cors.js';
import { deliveryRoutes } from './http/delivery-routes.js';
import { installErrorHandling } from './http/error-handler.js';
import { trackConnections } from './http/graceful-close.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { installInputGuard } from './http/input-guard.js';
import { installOpenApi } from './http/openapi.js';
import { registerProviderInbound } from './http/provider-inbound-routes.js';
import { installRequestIds, loggerOptions, RequestLog, requestId, withRedactedRequests } from './http/request-log.js';
import { registerRoutes } from './http/route.js';
import { registerAttachmentRoutes } from './http/attachment-routes.js';
import { installSecurityHeaders } from './http/security-headers.js';
import { registerStatic } from './http/static.js';
import { settingsRoutes } from './http/settings-routes.js';
import { privacyRoutes } from './http/privacy-routes.js';
import { contactRoutes } from './http/contact-routes.js';
import { tagRoutes } from './http/tag-routes.js';
import { transcriptRoutes } from './http/transcript-routes.js';
import { supervisorRoutes } from './http/supervisor-routes.js';
import { createMetrics } from './metrics.js';
import { loadOrCreateKey } from './secrets.js';
import { openStore, type Store } from './store/database.js';
import { createStorageHealth } from './store/storage-health.js';
import { createAnalyticsFold } from './workers/analytics-fold.js';
import { recoverBotTurns } from './workers/bot-recovery.js';
import { builtInProviders, createProviderQueue, ProviderRegistry } from './providers/registry.js';
import { createMailer } from './outbound/mailer.js';
import { followupRoutes } from './http/followup-routes.js';
import { ChannelDeliveries } from './commands/channel-deliveries.js';
import { builtInChannels, ChannelRegistry } from './channels/registry.js';
import { platformOf } from './commands/request-handover.js';
import { createOutboxWorker } from './workers/outbox.js';
import { createProviderWorkers } from './workers/provider-workers.js';
import { QueueAnnouncer } from './commands/queue-announcer.js';
import { createTimerWorker } from './workers/timers.js';
import { createRetentionWorker } from './workers/retention.js';
import { createAgentSockets } from './ws/agent-socket.js';
import { startHeartbeat } from './ws/heartbeat.js';
import { Hub } from './ws/hub.js';
import { createReplaySource } from './ws/replay-source.js';
import { registerSocketRoutes } from './ws/socket-routes.js';
import { createUserSockets } from './ws/user-socket.js';

// from src/ (tests) and dist/ (built) alike: apps/server/<x>/ → the repository
export const DEMO_BOT_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'examples', 'demo-bot.yaml');

/** The skills the demo bot hands over to (the first admin serves them all); ['general'] if it cannot be read. */
function demoSkills(file: string): string[] {
  try {
    const r = parseBotDefinition(fs.readFileSync(file, 'utf8'), 'yaml');
    return r.ok ? offloadSkills(r.definition) : ['general'];
  } catch {
    return ['general'];
  }
}

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
  retention: ReturnType<typeof createRetentionWorker>;
  /** folds counted events into the analytics rollup */
  analyticsFold: ReturnType<typeof createAnalyticsFold>;
  botTurns: ReturnType<typeof createBotTurns>;
  /** every registered route with its declared access (the OpenAPI and authorization tests read them) */
  routes: Array<{ method: string; url: string; access: RouteAccess | undefined }>;
  /** set on the first start when a password was generated: main logs where the file is */
  firstAdmin?: { email: string; passwordFile: string };
  close(): Promise<void>;
  /** the shutdown step being awaited (undefined before close and after it), logged when one is slow */
  readonly closingStep: string | undefined;
}

export async function buildApp(config: Config, opts: BuildOptions = {}): Promise<Baton> {
  const log = opts.logger ?? pino(loggerOptions(config.LOG_LEVEL));
  const clock = opts.clock ?? systemClock;
  // outbound calls (providers, channels, bot webhooks) follow this configuration's policy; a bad
  // OUTBOUND_ALLOWED_HOSTS fails here, before anything is opened
  const outbound = new OutboundClient(policyFor(config));
  const store: Store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.DATABASE_URL,
    sqliteSynchronous: config.SQLITE_SYNCHRONOUS,
    writeLanes: config.DATABASE_WRITE_LANES,
    sqliteReaders: config.SQLITE_READERS,
    onReaderError: (message) => log.warn({ message }, 'SQLite reader thread failed; the next slow read starts another'),
    onIdleError: (err) => log.warn({ err }, 'an idle PostgreSQL connection failed; the pool opens a new one'),
    onCheckpointError: (message) => log.warn({ message }, 'background WAL checkpoint failed; retrying'),
    onWriterError: (message) => log.warn({ message }, 'SQLite writer thread failed; batches run on the main connection until it restarts'),
    onSearchMergeError: (message) => log.warn({ message }, 'merging the search index failed; retried when the writer is next idle'),
  });
  // Redis (and ioredis) only when configured: the embedded start does not pay for loading it
  const redis = config.REDIS_URL ? { url: config.REDIS_URL, ...(await import('ioredis')), ...(await import('./bus/redis.js')) } : undefined;
  const bus: Bus = redis ? await redis.RedisBus.connect(redis.url) : new MemoryBus();
  const key = loadOrCreateKey(config.BATON_SECRET_KEY, config.dataDir, Boolean(config.DATABASE_URL));
  const metrics = createMetrics();
  store.write.onBatch = (jobs, path) => metrics.groupCommitBatch.observe({ path }, jobs);
  const bots = new BotRegistry(store, log, { secretKey: () => key, outbound });
  const settings = createSettingsCache(store, () => key);
  // Wiring, in this order: deps first; its members that run commands (bot turns, provider queue,
  // routing) reach deps through `() => deps` and call it only once requests and workers run. Then the
  // workers that deps.kick wakes, created before anything can publish or serve.
  const botTurns = createBotTurns(() => deps);
  const providerRegistry = new ProviderRegistry(builtInProviders(outbound));
  const channelDeliveries = new ChannelDeliveries(clock, {
    owned: (tx, providerId, message) => deps.providers.queueOwned(tx, providerId, message),
    platformOf: async (channelId) => platformOf(await deps.settings.offloading(), channelId)?.id,
  }, (type) => deps.channelRegistry.get(type)?.capabilities.joinsTurn === true);
  // e-mail only when SMTP_URL is set: mails wait in the outbox, which the worker below sends
  const mailer = createMailer(config, store, clock, () => deps.kick('outbox'));
  const deps: Deps = {
    config,
    outbound,
    ...(mailer ? { mailer } : {}),
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
    channelRegistry: new ChannelRegistry(builtInChannels(outbound)),
    onMessagesCreated: (tx, messages) => channelDeliveries.queue(tx, messages),
    routing: createRouting(() => deps),
    queueAnnouncer: new QueueAnnouncer(() => deps),
    kick: (kind) => (kind === 'outbox' ? outbox : timers).kick(),
  };
  const inbound = createInboundActions(deps);
  const outbox = createOutboxWorker(deps, inbound, mailer);
  const timers = createTimerWorker(deps, { overflow });
  const providerWorkers = createProviderWorkers(deps, inbound);
  const retention = createRetentionWorker(deps);
  const analyticsFold = createAnalyticsFold(deps);

  // caches follow changes made on other instances
  bus.subscribe((e) => {
    if (e.type === 'settings.changed') settings.invalidate();
    if (e.type === 'work.available' && e.kind !== 'bot') deps.kick(e.kind);
  });

  // the HTTP server and what every request passes through
  const app = Fastify({
    loggerInstance: withRedactedRequests(log) as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
    trustProxy: config.TRUST_PROXY,
    logController: new RequestLog(),
    genReqId: requestId,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  const state = { ready: false, closing: false };
  const storage = createStorageHealth(config.DATABASE_URL ? undefined : config.dataDir);
  const routes: Baton['routes'] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) routes.push({ method: m, url: r.url, access: r.config?.access });
  });
  installRequestIds(app);
  installRouteAccess(app, deps);
  installErrorHandling(app, () => storage.failed(clock.now()));
  installInputGuard(app);
  installSecurityHeaders(app);
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    ...(redis ? { redis: new redis.Redis(redis.url, { maxRetriesPerRequest: 1 }) } : {}),
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, ...errorBody('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(ctx.ttl / 1000)} s`) }),
  });
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  installCors(app, config.CORS_ORIGINS);
  // while shutting down, answers ask keep-alive clients to reconnect (to another instance)
  app.addHook('onSend', async (_req, reply) => {
    if (!state.ready && state.closing) reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unknown';
    metrics.httpRequests.inc({ method: req.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  // before any /api route: each one is documented as it is registered
  await installOpenApi(app, deps);

  // the routes
  registerHealthRoutes(app, deps, state, storage);
  registerRoutes(app, deps, [
    ...conversationRoutes(deps),
    ...authRoutes(app, deps),
    ...agentRoutes(deps),
    ...cannedResponseRoutes(deps),
    ...supervisorRoutes(deps),
    ...analyticsRoutes(deps),
    ...agentsAdminRoutes(deps),
    ...channelWebhookRoutes(deps),
    ...settingsRoutes(deps),
    ...botRoutes(deps),
    ...deliveryRoutes(deps),
    ...privacyRoutes(deps),
    ...ratingRoutes(deps),
    ...transcriptRoutes(deps),
    ...contactRoutes(deps),
    ...tagRoutes(deps),
    ...followupRoutes(deps),
  ]);
  await registerAttachmentRoutes(app, deps);
  registerChannelInbound(app, deps);
  registerProviderInbound(app, deps, inbound);
  const hub = new Hub();
  bus.subscribe((e) => hub.dispatch(e));
  const replays = createReplaySource(deps);
  const agentSockets = createAgentSockets(deps, hub, replays);
  registerSocketRoutes(app, deps, createUserSockets(deps, hub, replays), agentSockets);
  registerStatic(app);

  // connections and sockets, watched from the start so that close() can end them all
  const heartbeat = startHeartbeat(app);
  const connections = trackConnections(app, log, config.SHUTDOWN_TIMEOUT_MS);

  // first start
  const admin = await ensureAdmin(deps, config.DEMO_BOT ? demoSkills(DEMO_BOT_PATH) : undefined);
  if (config.DEMO_BOT) await bots.installDemoIfEmpty(DEMO_BOT_PATH, clock.now());
  await bots.warm();
  await app.ready();
  state.ready = true;
  if (opts.workers !== false) {
    timers.start();
    await outbox.start();
    providerWorkers.start();
    await retention.start();
    analyticsFold.start();
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
    retention,
    analyticsFold,
    botTurns,
    routes,
    firstAdmin: admin.created && admin.passwordFile ? { email: admin.email!, passwordFile: admin.passwordFile } : undefined,
    get closingStep() {
      return closingStep;
    },
    close() {
      closing ??= (async () => {
        state.ready = false;
        state.closing = true;
        heartbeat.stop();
        await step('http server and sockets', () => connections.close());
        agentSockets.close();
        await step('timers', () => timers.stop());
        await step('outbox', () => outbox.stop());
        mailer?.close();
        await step('provider workers', () => providerWorkers.stop());
        await step('retention', () => retention.stop());
        await step('analytics fold', () => analyticsFold.stop());
        outbound.close();
        await step('bot turns', () => botTurns.stop());
        deps.queueAnnouncer.stop();
        await step('bus', () => bus.close());
        await step('store', () => store.close());
        closingStep = undefined;
      })();
      return closing;
    },
  };
}

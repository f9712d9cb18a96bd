// Entry point: the only place that reads process.env. Starts Baton and shuts it down gracefully.
import v8 from 'node:v8';
import { pino } from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { loggerOptions } from './http/request-log.js';

// V8 lets the old generation grow to up to 4× what survived the last full GC before it collects
// again: at 300k conversations on PostgreSQL the server's RSS reached 333–345 MB while its live heap
// stayed at ~55 MB. At 1.5× it stayed at 257–278 MB, for about 2 % of relay throughput (bench/NOTES.md,
// "PostgreSQL RSS"). The flag is read at every GC, so setting it here covers every way Baton is started.
v8.setFlagsFromString('--heap-growing-percent=50');

async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = pino(loggerOptions(config.LOG_LEVEL));
  const started = Date.now();
  const baton = await buildApp(config, { logger: log });
  const address = await baton.app.listen({ port: config.PORT, host: config.HOST });
  const base = config.PUBLIC_URL ?? address;
  const urls = { demo: `${base}/`, desk: `${base}/desk/`, docs: `${base}/docs` };
  log.info({ ms: Date.now() - started, store: baton.deps.store.dialect, bus: config.REDIS_URL ? 'redis' : 'memory', urls }, 'Baton is ready');
  if (baton.firstAdmin) {
    // the password itself stays in the file: log collectors keep stdout
    log.warn(
      { email: baton.firstAdmin.email, passwordFile: baton.firstAdmin.passwordFile },
      'first start: an admin account was created; its password is in passwordFile (set BATON_ADMIN_EMAIL / BATON_ADMIN_PASSWORD to choose them)',
    );
  }
  // a person at a terminal gets a readable summary; piped or collected stdout holds JSON lines only
  if (process.stdout.isTTY) {
    const admin = baton.firstAdmin ? `\n  First start: admin ${baton.firstAdmin.email}, password in ${baton.firstAdmin.passwordFile}\n` : '';
    process.stdout.write(`${admin}\n  Baton is running:\n    demo site + widget  ${urls.demo}\n    agent desk          ${urls.desk}\n    API docs            ${urls.docs}\n\n`);
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests, finishing in-flight writes');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    try {
      await baton.close();
      log.info('stopped cleanly');
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('Baton failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});

// Starts real Baton instances for tests: real SQLite in a temp dir (or a fresh PostgreSQL database),
// real HTTP and WebSocket on loopback.
import { tempDir } from './temp.js';
import { buildApp, type Baton, type BuildOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Clock } from '../../src/deps.js';
import { freshDatabase } from './postgres.js';

export { tempDir };

export interface TestServer {
  baton: Baton;
  url: string;
  wsUrl: string;
  dataDir: string;
  port: number;
  close(): Promise<void>;
}

export async function startTestServer(
  opts: { env?: Record<string, string>; dataDir?: string; port?: number; clock?: Clock; build?: BuildOptions } = {},
): Promise<TestServer> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    SQLITE_SYNCHRONOUS: 'NORMAL',
    BATON_ADMIN_EMAIL: 'admin@example.com',
    BATON_ADMIN_PASSWORD: 'admin-password',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    // the tests' webhook receivers and simulators listen on loopback
    OUTBOUND_ALLOW_PRIVATE: 'true',
    ...opts.env,
  });
  const baton = await buildApp(config, { clock: opts.clock, ...opts.build });
  // SQLite's writer thread up from the start, as on a server that has been running for a moment: the
  // tests then go through it (a server does not wait for it: its first batches use the main connection)
  await baton.deps.store.ready();
  const address = await baton.app.listen({ port: opts.port ?? 0, host: '127.0.0.1' });
  const port = Number(new URL(address).port);
  return {
    baton,
    url: address,
    wsUrl: address.replace(/^http/, 'ws'),
    dataDir,
    port,
    close: () => baton.close(),
  };
}

export type TestStore = 'sqlite' | 'postgres';

/**
 * A test server on SQLite, or on a fresh PostgreSQL database that its close() drops: the suites that
 * must hold on both stores run `describe.each` over the stores with this.
 */
export async function startOnStore(store: TestStore, opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  if (store === 'sqlite') return startTestServer(opts);
  const db = await freshDatabase();
  try {
    const s = await startTestServer({ ...opts, env: { DATABASE_URL: db.url, BATON_SECRET_KEY: 'test-secret-key-0123456789abcdef0123', ...opts.env } });
    return { ...s, close: () => s.close().finally(() => db.drop()) };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

/** A manual clock for timer and opening-hours tests. */
export class TestClock implements Clock {
  constructor(public ms: number = Date.parse('2026-11-25T10:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

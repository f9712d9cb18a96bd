// Shared pieces of the benchmarks: start Baton as a child process on loopback, HTTP and WebSocket
// clients with keep-alive, latency statistics, and the raw WebSocket relay baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import http from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';

/** A new empty PostgreSQL database (TEST_DATABASE_URL's server), and how to drop it: the tests' own. */
export { freshDatabase as freshPg } from '../apps/server/test/support/postgres.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface BatonProcess {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
  /**
   * stops the server (SIGTERM) and then removes its data dir if startBaton made it (every run would
   * otherwise leave one behind: 70 MB after a relay), unless `keepData`
   */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  rssKb(): number;
  /**
   * a full GC in the server (started with `{ gc: true }`), resolved once it is done with the live
   * heap's size and the young generation's committed size (bytes)
   */
  gc(): Promise<{ heapUsed: number; youngGeneration: number }>;
}

export async function startBaton(env: Record<string, string> = {}, given?: string, opts: { gc?: boolean } = {}): Promise<BatonProcess & { readyMs: number }> {
  const dataDir = given ?? fs.mkdtempSync(path.join(os.tmpdir(), 'baton-bench-'));
  // BENCH_MAIN=apps/server/dist-old/main.js runs another build (A/B runs of two versions)
  const main = path.resolve(ROOT, process.env.BENCH_MAIN ?? 'apps/server/dist/main.js');
  if (!fs.existsSync(main)) throw new Error('build first: npm run build');
  const port = await freePort();
  const started = Date.now();
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server under load
  // the young generation capped as the image runs the server (Dockerfile NODE_OPTIONS): Node 22+ lets
  // it grow larger, which reads as memory per idle socket (bench/NOTES.md, runtime round)
  const nodeArgs = ['--max-semi-space-size=16', ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  if (opts.gc) nodeArgs.push('--expose-gc', '--import', fileURLToPath(new URL('./gc-on-signal.mjs', import.meta.url)));
  const child = spawn(process.execPath, [...nodeArgs, main], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      BATON_ADMIN_EMAIL: 'admin@example.com',
      BATON_ADMIN_PASSWORD: 'admin-password',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '100000000',
      RATE_LIMIT_CONVERSATIONS_PER_MINUTE: '100000000',
      RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
      // every bench socket comes from 127.0.0.1 (the idle-socket count opens thousands)
      WS_MAX_CONNECTIONS_PER_IP: '1000000',
      // the bench's receivers listen on loopback
      OUTBOUND_ALLOW_PRIVATE: 'true',
      // BENCH_WRITE_LANES=1 compares PostgreSQL with a single write lane
      ...(process.env.BENCH_WRITE_LANES ? { DATABASE_WRITE_LANES: process.env.BENCH_WRITE_LANES } : {}),
      // BENCH_SQLITE_SYNCHRONOUS=NORMAL shows what the WAL's fsync costs the relay
      ...(process.env.BENCH_SQLITE_SYNCHRONOUS ? { SQLITE_SYNCHRONOUS: process.env.BENCH_SQLITE_SYNCHRONOUS } : {}),
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Baton exited: ${err}`);
    try {
      const r = await fetch(`${url}/readyz`);
      if (r.ok) break;
    } catch {
      // not yet
    }
    if (Date.now() - started > 60_000) throw new Error(`Baton not ready: ${err}`);
    await sleep(20);
  }
  const readyMs = Date.now() - started;
  return {
    url,
    port,
    child,
    dataDir,
    readyMs,
    rssKb: () => {
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      } catch {
        return 0;
      }
    },
    gc: () =>
      new Promise<{ heapUsed: number; youngGeneration: number }>((resolve, reject) => {
        if (!opts.gc) return reject(new Error('start the server with { gc: true }'));
        const seen = err.length;
        const check = setInterval(() => {
          const done = /bench-gc-done (\{.*\})\n/.exec(err.slice(seen));
          if (!done) return;
          clearInterval(check);
          resolve(JSON.parse(done[1]!) as { heapUsed: number; youngGeneration: number });
        }, 10);
        child.kill('SIGUSR2');
      }),
    stop: async ({ keepData = false } = {}) => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      if (!given && !keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 512 });

/** JSON over HTTP/1.1 with keep-alive (the load generator must not pay a TCP handshake per call). */
export async function api<T = any>(base: string, method: string, p: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: T }> {
  const r = await request(base, method, p, opts);
  return { status: r.status, body: (r.text ? JSON.parse(r.text) : undefined) as T };
}

/**
 * One HTTP/1.1 call with keep-alive, answered as text (also what is not JSON: CSV exports); with
 * `timeoutMs` a call that takes longer is abandoned (status 0).
 */
export function request(
  base: string,
  method: string,
  p: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ status: number; text: string }> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(base + p, { method, headers, agent: keepAlive }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    });
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => (req.destroy(), resolve({ status: 0, text: `no answer within ${opts.timeoutMs} ms` })));
    // after a timeout the destroyed request errors too: the promise has settled by then
    req.on('error', reject);
    req.end(body);
  });
}

export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Opens a socket and resolves once its first event (the server's hello) has arrived; the listener is
 * attached before the handshake, so a hello that lands in the same packet as the upgrade is not missed. */
export function openSocketReady(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('message', () => resolve(ws));
    ws.once('error', reject);
  });
}

export interface Stats {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]! : 0);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { count: s.length, p50: r(at(50)), p90: r(at(90)), p99: r(at(99)), max: r(s[s.length - 1] ?? 0) };
}

/**
 * The baseline: a bare `ws` relay on loopback. Pairs of clients; each "user" sends, the relay pushes
 * to the paired "agent". No parsing beyond JSON, no persistence — what a socket relay costs here.
 */
export async function rawRelayBaseline(opts: { pairs: number; seconds: number; inFlight: number }): Promise<{ msgsPerSec: number; latency: Stats }> {
  const port = await freePort();
  const wss = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false });
  const peers = new Map<string, WebSocket>();
  wss.on('connection', (ws, req) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const id = u.searchParams.get('id')!;
    const to = u.searchParams.get('to')!;
    peers.set(id, ws);
    ws.on('message', (d) => {
      const m = JSON.parse(String(d));
      peers.get(to)?.send(JSON.stringify({ type: 'message.created', message: m }));
    });
  });
  const result = await driveRelay({
    pairs: opts.pairs,
    seconds: opts.seconds,
    inFlight: opts.inFlight,
    async setup(i) {
      const agent = await openSocket(`ws://127.0.0.1:${port}/?id=a${i}&to=u${i}`);
      const user = await openSocket(`ws://127.0.0.1:${port}/?id=u${i}&to=a${i}`);
      return { send: (text) => Promise.resolve(user.send(JSON.stringify({ text }))), receiver: agent, close: () => (user.close(), agent.close()) };
    },
  });
  wss.close();
  return result;
}

export interface RelayPair {
  send(text: string): Promise<unknown>;
  receiver: WebSocket;
  close(): void;
}

/** Closed-loop load: each pair keeps `inFlight` messages outstanding; latency = send → pushed. */
export async function driveRelay(opts: { pairs: number; seconds: number; inFlight: number; setup(i: number): Promise<RelayPair> }) {
  const pairs = await Promise.all(Array.from({ length: opts.pairs }, (_, i) => opts.setup(i)));
  const latencies: number[] = [];
  let delivered = 0;
  const end = Date.now() + opts.seconds * 1000;
  await Promise.all(
    pairs.map(async (p, i) => {
      const waiting = new Map<string, { t: number; done: () => void }>();
      let n = 0;
      p.receiver.on('message', (d) => {
        const e = JSON.parse(String(d));
        const text = e.type === 'message.created' ? e.message?.text : undefined;
        const w = text ? waiting.get(text) : undefined;
        if (w) {
          waiting.delete(text);
          if (Date.now() <= end) {
            latencies.push(performance.now() - w.t);
            delivered++;
          }
          w.done();
        }
      });
      const lane = async () => {
        while (Date.now() < end) {
          const text = `p${i}-${n++}`;
          const arrived = new Promise<void>((done) => waiting.set(text, { t: performance.now(), done }));
          await p.send(text);
          await Promise.race([arrived, sleep(5000)]);
        }
      };
      await Promise.all(Array.from({ length: opts.inFlight }, lane));
    }),
  );
  for (const p of pairs) p.close();
  return { msgsPerSec: Math.round(delivered / opts.seconds), latency: stats(latencies) };
}

export function writeResult(name: string, data: unknown): void {
  fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'bench/results', `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, ...(data as object) }, null, 2));
}

// What an operator's log collector gets from the built server with stdout piped (not a TTY): JSON
// lines only, one per request with its id, no token or password, and the first-run admin password in
// a 0600 file rather than on stdout.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation } from '../support/http.js';
import { freePort, waitReady, type Proc } from '../support/process.js';
import { tempDir } from '../support/temp.js';
import { TestSocket } from '../support/ws-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const BUILT_MAIN = path.join(root, 'apps/server/dist/main.js');

let proc: Proc;
let stdout = '';
let base: string;
let dataDir: string;

/** the JSON lines written so far; a line that is not JSON fails the test that reads them */
function lines(): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, any>;
      } catch {
        throw new Error(`stdout line is not JSON: ${l}`);
      }
    });
}

async function requestLines(reqId: string) {
  // the line is written once the response has gone out: give the event loop of the child a moment
  for (let i = 0; i < 50; i++) {
    const found = lines().filter((l) => l.reqId === reqId && l.msg === 'request completed');
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

beforeAll(async () => {
  if (!fs.existsSync(BUILT_MAIN)) throw new Error('run `npm run build` first: this test starts apps/server/dist/main.js');
  dataDir = tempDir();
  const port = await freePort();
  // no BATON_ADMIN_PASSWORD: the first start generates one
  const child = spawn(process.execPath, [BUILT_MAIN], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  proc = { child, output: () => stdout + stderr, exited };
  base = `http://127.0.0.1:${port}`;
  await waitReady(base, proc);
}, 60_000);

afterAll(async () => {
  if (proc?.child.exitCode === null) {
    proc.child.kill('SIGTERM');
    await proc.exited;
  }
});

describe('request log of the built server', () => {
  it('writes one JSON line per request, with the id it returns in x-request-id', async () => {
    const r = await call(base, 'GET', '/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const id = r.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const found = await requestLines(id!);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ level: 30, method: 'GET', url: '/api/v1/openapi.json', statusCode: 200 });
    expect(typeof found[0]!.responseTime).toBe('number');

    // ids are unique per request, not a counter that restarts with the process
    const again = await call(base, 'GET', '/api/v1/openapi.json');
    expect(again.headers.get('x-request-id')).not.toBe(id);
  });

  it('keeps a sane x-request-id from the caller, on errors and 404s too, and replaces a bad one', async () => {
    const given = 'trace-4bf92f3577b34da6.a3ce929d0e0e4736';
    const notFound = await call(base, 'GET', '/api/v1/no-such-route', { headers: { 'x-request-id': given } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-request-id')).toBe(given);
    expect(await requestLines(given)).toEqual([expect.objectContaining({ statusCode: 404, url: '/api/v1/no-such-route' })]);

    const invalid = await call(base, 'POST', '/api/v1/conversations', { raw: '{not json', headers: { 'x-request-id': 'ok-id-400' } });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('x-request-id')).toBe('ok-id-400');
    expect(await requestLines('ok-id-400')).toHaveLength(1);

    for (const bad of ['two words', 'x'.repeat(129), 'inject\\"}{']) {
      const r = await call(base, 'GET', '/healthz', { headers: { 'x-request-id': bad } });
      const id = r.headers.get('x-request-id');
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(stdout).not.toContain('two words');
  });

  it('never writes a conversation token, an Authorization header, a session cookie or a password', async () => {
    const c = await createConversation(base);
    const read = await call(base, 'GET', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, headers: { 'x-request-id': 'authorized-read' } });
    expect(read.status).toBe(200);
    const socket = await TestSocket.open(`${base.replace('http', 'ws')}/api/v1/ws?token=${c.token}`);
    socket.ws.close();
    await call(base, 'GET', `/api/v1/conversations/${c.conversation.id}?token=${c.token}&access_token=${c.token}`, { headers: { 'x-request-id': 'with-query-token' } });

    const password = fs.readFileSync(path.join(dataDir, 'initial-admin-password'), 'utf8').trim();
    const session = await call(base, 'POST', '/api/v1/auth/login', { body: { email: 'admin@baton.local', password } });
    expect(session.status).toBe(200);
    const cookie = session.headers.get('set-cookie')!;
    expect(cookie).toBeTruthy();
    await call(base, 'GET', '/api/v1/agent/me', { headers: { cookie: cookie.split(';')[0]! } });
    await call(base, 'POST', '/api/v1/auth/login', { body: { email: 'admin@baton.local', password: 'a-wrong-password' } });

    expect(await requestLines('authorized-read')).toHaveLength(1);
    const queryLine = (await requestLines('with-query-token'))[0]!;
    expect(queryLine.url).toContain('token=[redacted]');
    const all = proc.output();
    expect(all).not.toContain(c.token);
    expect(all).not.toContain(session.body.token);
    expect(all).not.toContain(password);
    expect(all).not.toContain('a-wrong-password');
    expect(all.split('\n').filter((l) => /bearer /i.test(l) || /authorization/i.test(l))).toEqual([]);
  });

  it('writes only JSON lines to stdout when it is not a TTY, and the generated password to a 0600 file', async () => {
    const all = lines();
    expect(all.length).toBeGreaterThan(3);
    const ready = all.find((l) => l.msg === 'Baton is ready');
    expect(ready?.urls?.desk).toBe(`${base}/desk/`);

    const file = path.join(dataDir, 'initial-admin-password');
    const first = all.find((l) => l.passwordFile);
    expect(first).toMatchObject({ email: 'admin@baton.local', passwordFile: file });
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(stdout).not.toContain(password);
    const session = await call(base, 'POST', '/api/v1/auth/login', { body: { email: 'admin@baton.local', password } });
    expect(session.status).toBe(200);
  });
});

// The report's low items (security.md §15, issue 21 item 10): CSRF on logout, a per-account login
// limit next to the per-IP one, /metrics not public, and headers that keep the desk from being framed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../support/http.js';
import { makeAgent } from '../support/flows.js';
import { startTestServer, type TestServer } from '../support/server.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let s: TestServer;
let withToken: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ env: { RATE_LIMIT_LOGIN_PER_ACCOUNT: '5' } });
  withToken = await startTestServer({ env: { METRICS_TOKEN } });
  admin = await login(s.url);
});
afterAll(async () => {
  await s?.close();
  await withToken?.close();
});

describe('sessions', () => {
  it('a cookie logout without the desk header is refused (CSRF); with it, it works', async () => {
    const r = await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'admin-password' } });
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const forged = await call(s.url, 'POST', '/api/v1/auth/logout', { headers: { cookie, origin: 'http://127.0.0.1:1' } });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('CSRF_REJECTED');
    expect((await call(s.url, 'GET', '/api/v1/agent/me', { headers: { cookie } })).status).toBe(200);
    const real = await call(s.url, 'POST', '/api/v1/auth/logout', { headers: { cookie, 'x-requested-with': 'baton-desk' } });
    expect(real.status).toBe(200);
    expect((await call(s.url, 'GET', '/api/v1/agent/me', { headers: { cookie } })).status).toBe(401);
  });

  it('failed logins are limited per account: the right password waits too, other accounts do not', async () => {
    const victim = await makeAgent(s.url, admin);
    const other = await makeAgent(s.url, admin);
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) codes.push((await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: victim.email.toUpperCase(), password: `guess-${i}` } })).status);
    expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const right = await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: victim.email, password: 'agent-password' } });
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('RATE_LIMITED');
    expect((await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: other.email, password: 'agent-password' } })).status).toBe(200);
  });
});

describe('parallel guesses', () => {
  it('guesses sent all at once still meet the per-account limit (they used to pass its count together)', async () => {
    const victim = await makeAgent(s.url, admin);
    const codes = await Promise.all(Array.from({ length: 30 }, (_, i) => call(s.url, 'POST', '/api/v1/auth/login', { body: { email: victim.email, password: `guess-${i}` } }).then((r) => r.status)));
    // five failures are allowed (RATE_LIMIT_LOGIN_PER_ACCOUNT); everything else was refused unchecked
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(25);
  });
});

describe('/metrics', () => {
  it('without METRICS_TOKEN: a direct loopback scraper only', async () => {
    expect((await call(s.url, 'GET', '/metrics')).status).toBe(200);
    const proxied = await call(s.url, 'GET', '/metrics', { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
  });

  it('with METRICS_TOKEN: the bearer token, from anywhere', async () => {
    expect((await call(withToken.url, 'GET', '/metrics')).status).toBe(401);
    expect((await call(withToken.url, 'GET', '/metrics', { token: 'wrong-token-0123456789abcdef00' })).status).toBe(401);
    const ok = await call(withToken.url, 'GET', '/metrics', { token: METRICS_TOKEN });
    expect(ok.status).toBe(200);
    expect(String(ok.body)).toContain('baton_http_requests_total');
  });
});

describe('headers', () => {
  it('the desk may not be framed, loads only its own scripts and sends no Referer elsewhere', async () => {
    const r = await fetch(`${s.url}/desk/`);
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(r.headers.get('x-frame-options')).toBe('DENY');
    expect(r.headers.get('referrer-policy')).toBe('same-origin');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('API answers are never rendered as pages', async () => {
    const r = await fetch(`${s.url}/api/v1/agent/me`);
    expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});

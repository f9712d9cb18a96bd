// In Chromium, where the browser matters: the desk runs under its CSP without a single violation, a
// page of another origin cannot frame it (clickjacking, security.md §15), and a page on another port
// of the same host cannot open a socket riding the desk's cookie (cross-site WebSocket hijacking, §1.38).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchBrowser, signInToDesk } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';

const hasChromium = chromiumAvailable();

describe.skipIf(!hasChromium)('the desk in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  let other: http.Server;
  let otherUrl: string;
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
    // a page on another origin that tries to frame the desk
    other = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<iframe id="f" src="${s.url}/desk/"></iframe>`));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    otherUrl = `http://localhost:${(other.address() as { port: number }).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => other?.close(r));
    await s?.close();
  });

  it('logs in and shows the inbox with zero CSP violations', async () => {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await signInToDesk(page, s.url);
    await page.waitForSelector('[data-testid=status-select], nav', { timeout: 15_000 });
    await page.waitForTimeout(500);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('a page of another origin on the same host cannot open a socket with the desk cookie (finding 1.38/1.80)', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // log in to the desk: the browser now holds the SameSite=Strict session cookie for 127.0.0.1
    await signInToDesk(page, s.url);
    await page.waitForSelector('[data-testid=status-select], nav', { timeout: 15_000 });
    // the finding's attacker: another port of the same host (same site, so the cookie goes along)
    const evil = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>evil</title>'));
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
    try {
      await page.goto(`http://127.0.0.1:${(evil.address() as { port: number }).port}/`);
      const wsUrl = s.wsUrl + '/api/v1/ws';
      const seen = await page.evaluate(
        (url) =>
          new Promise<{ types: string[]; code: number }>((resolve) => {
            const ws = new WebSocket(url);
            const types: string[] = [];
            ws.onmessage = (e) => types.push(JSON.parse(String(e.data)).type + ':' + (JSON.parse(String(e.data)).error?.code ?? ''));
            ws.onclose = (e) => resolve({ types, code: e.code });
            setTimeout(() => resolve({ types, code: -1 }), 8000);
          }),
        wsUrl,
      );
      expect(seen.code).toBe(4403);
      expect(seen.types).toEqual(['error:ORIGIN_REJECTED']);
      // the desk's own page, same browser and cookie: its socket works (the control)
      await page.goto(`${s.url}/desk/`);
      const own = await page.evaluate(
        (url) =>
          new Promise<string[]>((resolve) => {
            const ws = new WebSocket(url);
            const types: string[] = [];
            ws.onopen = () => ws.send(JSON.stringify({ type: 'ping' }));
            ws.onmessage = (e) => {
              types.push(JSON.parse(String(e.data)).type);
              if (types.includes('ready')) resolve(types);
            };
            setTimeout(() => resolve(types), 8000);
          }),
        wsUrl,
      );
      expect(own).toContain('ready');
    } finally {
      await new Promise((r) => evil.close(r));
      await context.close();
    }
  });

  it('refuses to be framed by another origin', async () => {
    const page = await browser.newPage();
    await page.goto(otherUrl);
    await page.waitForTimeout(1000);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // the frame exists but the desk never rendered inside it
    const loginInFrame = frame ? await frame.$('[data-testid=login-email]').catch(() => null) : null;
    expect(loginInFrame).toBeNull();
    await page.close();
  });
});

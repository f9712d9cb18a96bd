// The composer's "/" in real Chromium: on a fresh install with no canned responses it says so (and
// where they come from) instead of showing nothing; once one exists, a "/" that matches nothing says
// that, and a matching one opens the menu. axe finds nothing critical or serious in the hint.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { offloadedConversation, openOffloading } from '../support/flows.js';
import { call, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['desk']);

let s: TestServer;
let browser: Browser;

describe.skipIf(!run)('canned responses in the composer', () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('"/" with none says so; with one, no match says so and a match opens the menu', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const conv = await offloadedConversation(s.url);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${conv.id}/accept`, { token: admin })).status).toBe(200);

    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.goto(`${s.url}/desk/#/mine/${conv.id}`);
    const input = desk.locator('[data-testid=composer-input]');
    await input.waitFor();
    await input.fill('/');
    await expect.poll(() => desk.locator('[data-testid=canned-empty]').textContent()).toContain('No canned responses yet');
    expect(await desk.locator('[data-testid=canned-menu]').count()).toBe(0);
    await expectNoSeriousA11yViolations(desk, 'the composer hint with no canned responses');
    await screenshot(desk, 'desk/canned-none');
    // plain text has no hint
    await input.fill('see you / tomorrow');
    expect(await desk.locator('[data-testid=canned-empty]').count()).toBe(0);

    expect((await call(s.url, 'POST', '/api/v1/canned-responses', { token: admin, body: { shortcut: 'addr', title: 'Address changed', text: 'Your address is updated.' } })).status).toBe(201);
    await desk.reload();
    await input.waitFor();
    await input.fill('/zzz');
    await expect.poll(() => desk.locator('[data-testid=canned-empty]').textContent()).toContain('No canned response matches "/zzz"');
    await input.fill('/addr');
    await desk.locator('[data-testid=canned-option]').first().waitFor();
    expect(await desk.locator('[data-testid=canned-empty]').count()).toBe(0);
  }, 60_000);
});

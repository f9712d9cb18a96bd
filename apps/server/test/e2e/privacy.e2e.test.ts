// Admin → Privacy in real Chromium: an admin sets the retention periods (a contradictory pair is
// refused with the server's message), erases a contact, and sees both in the audit list.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { call, createConversation, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['desk']);

let s: TestServer;
let browser: Browser;

describe.skipIf(!run)('Admin → Privacy in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('sets retention, erases a contact, and lists both in the audit log', async () => {
    await createConversation(s.url, { locale: 'en', user: { id: 'e2e-contact', name: 'Eve Example', email: 'eve@example.org' } });
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.click('[data-testid=nav-privacy]');
    await desk.waitForSelector('[data-testid=retention-form] input');
    expect(await desk.inputValue('[data-testid=retention-idleCloseHours]')).toBe('24');

    await desk.fill('[data-testid=retention-anonymizeAfterDays]', '90');
    await desk.fill('[data-testid=retention-deleteAfterDays]', '30');
    await desk.click('[data-testid=retention-save]');
    await expect.poll(() => desk.locator('[data-testid=retention-form]').textContent()).toContain('must be later than anonymizeAfterDays');
    await desk.fill('[data-testid=retention-deleteAfterDays]', '365');
    await desk.click('[data-testid=retention-save]');
    const admin = await login(s.url);
    await expect.poll(async () => (await call(s.url, 'GET', '/api/v1/settings/retention', { token: admin })).body.deleteAfterDays).toBe(365);

    await desk.fill('[data-testid=contact-user-id]', 'e2e-contact');
    expect(await desk.getAttribute('[data-testid=contact-export]', 'href')).toBe('/api/v1/contacts/e2e-contact/export');
    await desk.click('[data-testid=contact-erase]');
    await desk.click('[data-testid=contact-erase-confirm]');
    // the erasure is done once it is audited; an export asked before that would succeed (and be audited too)
    await expect.poll(async () => (await call(s.url, 'GET', '/api/v1/audit', { token: admin })).body.entries.some((e: { action: string }) => e.action === 'contact.erased')).toBe(true);
    expect((await call(s.url, 'GET', '/api/v1/contacts/e2e-contact/export', { token: admin })).status).toBe(404);
    await expect.poll(() => desk.locator('[data-testid=audit-row]').count()).toBe(2);
    const rows = await desk.locator('[data-testid=audit-row]').allTextContents();
    expect(rows[0]).toContain('contact.erased');
    expect(rows[1]).toContain('retention.updated');
    expect(rows.join(' ')).not.toContain('e2e-contact');
    await screenshot(desk, 'desk/privacy');
  });
});

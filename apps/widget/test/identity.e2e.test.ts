// A site's signed-in user in real Chromium: the embed passes data-user-id and data-user-hash, the agent
// sees a verified user; the same embed without the hash is a claim, shown in the desk as unverified.
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot } from '../../server/test/support/browser.js';
import { call, login } from '../../server/test/support/http.js';
import { startTestServer, waitFor, type TestServer } from '../../server/test/support/server.js';

const built = fs.existsSync(new URL('../dist/widget.js', import.meta.url)) && fs.existsSync(new URL('../../desk/dist/index.html', import.meta.url));
if (!built && process.env.CI) throw new Error('build the widget and the desk before their browser tests (npm run build)');
const run = built && chromiumAvailable();
const SECRET = 'identity-verification-secret-0123';

describe.skipIf(!run)('identity verification through the widget embed', () => {
  let s: TestServer;
  let browser: Browser;
  let admin: string;
  beforeAll(async () => {
    s = await startTestServer({ env: { IDENTITY_VERIFICATION_SECRET: SECRET } });
    browser = await launchBrowser();
    admin = await login(s.url);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  /** A page of the site (served on Baton's origin) embedding the widget for user `id`; the welcome is shown. */
  async function chatAs(id: string, userHash?: string) {
    const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    const attrs = `data-server="${s.url}" data-user-id="${id}" data-user-name="Jan &lt;b&gt;" ${userHash ? `data-user-hash="${userHash}"` : ''}`;
    await page.route(`${s.url}/signed-in.html`, (r) => r.fulfill({ contentType: 'text/html', body: `<!doctype html><title>Shop</title><script src="${s.url}/widget.js" ${attrs} async></script>` }));
    await page.goto(`${s.url}/signed-in.html`);
    await page.click('[data-testid=widget-launcher]');
    await page.waitForSelector('[data-testid=widget-message][data-author=bot]');
    const mine = await waitFor(async () => {
      const list = await call(s.url, 'GET', '/api/v1/agent/conversations?status=bot&scope=all', { token: admin });
      return (list.body.conversations as Array<{ id: string; user: { id: string; verified: boolean } }>).find((c) => c.user.id === id);
    }, 10_000, `the conversation of ${id}`);
    return { page, conversation: mine };
  }

  it('with data-user-hash the user is verified; without it the desk marks the claim unverified', async () => {
    const verified = await chatAs('crm-55', createHmac('sha256', SECRET).update('crm-55').digest('hex'));
    expect(verified.conversation.user.verified).toBe(true);
    const claim = await chatAs('crm-56');
    expect(claim.conversation.user.verified).toBe(false);

    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await desk.goto(`${s.url}/desk/`);
    await desk.fill('[data-testid=login-email]', 'admin@example.com');
    await desk.fill('[data-testid=login-password]', 'admin-password');
    await desk.click('[data-testid=login-submit]');
    await desk.waitForSelector('[data-testid=status-online]');
    await desk.goto(`${s.url}/desk/#/closed/${claim.conversation.id}`);
    const badge = desk.locator('[data-testid=user-unverified]');
    await badge.waitFor();
    expect(await badge.getAttribute('title')).toContain('did not verify');
    // the claimed name is text, not markup
    await expect.poll(() => desk.locator('section[aria-label=User]').textContent()).toContain('Jan <b>');
    await screenshot(desk, 'desk/user-unverified');
    await desk.goto(`${s.url}/desk/#/closed/${verified.conversation.id}`);
    await desk.locator('section[aria-label=User]').getByText('Jan <b>').waitFor();
    expect(await desk.locator('[data-testid=user-unverified]').count()).toBe(0);
  }, 60_000);
});

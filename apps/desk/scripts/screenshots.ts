// Looks at the desk in Debian's Chromium (playwright-core, never a downloaded browser) and saves
// screenshots to test-artifacts/desk/. Works against the preview server or a real Baton:
//   DESK_URL=http://127.0.0.1:5178/desk/ DESK_EMAIL=admin@example.com DESK_PASSWORD=admin-password \
//   node --import tsx apps/desk/scripts/screenshots.ts
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test-artifacts/desk');
const URL_ = process.env.DESK_URL ?? 'http://127.0.0.1:5178/desk/';
const EMAIL = process.env.DESK_EMAIL ?? 'admin@example.com';
const PASSWORD = process.env.DESK_PASSWORD ?? 'admin-password';
const ONLY = process.env.ONLY?.split(',');

fs.mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const shot = async (page: Page, name: string) => {
  if (ONLY && !ONLY.some((o) => name.startsWith(o))) return;
  await page.waitForTimeout(350);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
  console.log('saved', name);
};
const errors: string[] = [];

async function session(viewport: { width: number; height: number }, prefix: string) {
  const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(`${prefix}: ${e.message}`));
  // 401 before login and 422 from validation are expected answers, not page errors
  page.on('console', (m) => m.type() === 'error' && !/status of (401|422)/.test(m.text()) && errors.push(`${prefix} console: ${m.text()}`));
  await page.goto(URL_);
  await page.getByTestId('login-email').waitFor();
  await shot(page, `${prefix}-01-login`);
  await page.getByTestId('login-email').fill(EMAIL);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('status-toggle').waitFor();
  return page;
}

const go = async (page: Page, hash: string) => {
  await page.evaluate((h) => (window.location.hash = h), hash);
  await page.waitForTimeout(400);
};

{
  const page = await session({ width: 1440, height: 900 }, 'wide');
  await go(page, '#/queue');
  await page.getByTestId('queue-item').first().waitFor();
  await shot(page, 'wide-02-queue');
  await page.getByTestId('queue-item').first().locator('a').click();
  await page.getByTestId('handover-card').waitFor();
  await shot(page, 'wide-03-queue-conversation');
  await page.getByTestId('accept-button').click();
  await page.waitForTimeout(600);
  await page.getByTestId('composer-input').fill('/');
  await shot(page, 'wide-04-canned');
  await page.getByTestId('composer-input').fill('Hello Jamie, I will update your address now.');
  await page.getByTestId('composer-send').click();
  await page.waitForTimeout(400);
  await page.getByTestId('composer-internal').check({ force: true });
  await page.getByTestId('composer-input').fill('Customer id checked in CRM.');
  await shot(page, 'wide-05-note-mode');
  await page.getByTestId('composer-send').click();
  await page.waitForTimeout(400);
  await shot(page, 'wide-06-after-send');
  await page.getByTestId('handback-button').click();
  await page.getByTestId('handback-dialog').waitFor();
  await page.getByTestId('handback-add-variable').click();
  await page.getByTestId('handback-var-key').fill('address_confirmed');
  await page.getByTestId('handback-var-value').fill('true');
  await shot(page, 'wide-07-handback');
  await page.keyboard.press('Escape');
  await page.getByTestId('transfer-button').click();
  await page.getByTestId('transfer-dialog').waitFor();
  await shot(page, 'wide-08-transfer');
  await page.keyboard.press('Escape');
  await page.getByTestId('composer-internal').uncheck({ force: true });
  await page.getByTestId('composer-add-buttons').click();
  await page.getByLabel('Button title').first().waitFor().catch(() => undefined);
  await page.getByTestId('composer-add-card').click();
  await page.getByTestId('card-title').fill('New address form');
  await shot(page, 'wide-09-card-builder');
  await page.keyboard.press('Escape');
  await go(page, '#/mine');
  await page.getByTestId('chat-item').first().waitFor();
  const preview = process.env.PREVIEW === '1';
  await page.getByTestId('chat-item').last().locator('a').click();
  await page.getByTestId('transcript').waitFor();
  if (preview) {
    const id = await page.getByTestId('chat-item').last().getAttribute('data-conversation-id');
    await page.evaluate((i) => fetch(`/__sim/typing?id=${i}`), id);
  }
  await shot(page, 'wide-10-mine');
  await go(page, '#/queue');
  const jamie = page.getByTestId('queue-item').filter({ hasText: 'Jamie' });
  if (await jamie.count()) {
    await jamie.first().locator('a').click();
    await page.getByTestId('handover-card').waitFor();
    await shot(page, 'wide-10b-variables');
  }
  await go(page, '#/closed');
  await shot(page, 'wide-11-history');
  await go(page, '#/supervisor');
  await page.getByTestId('supervisor-overview').waitFor();
  await shot(page, 'wide-12-supervisor');
  await go(page, '#/analytics');
  await page.getByTestId('stat-handovers').waitFor();
  await shot(page, 'wide-13-analytics');
  await go(page, '#/admin/agents');
  await page.getByTestId('agent-row').first().waitFor();
  await shot(page, 'wide-14-agents');
  await page.getByTestId('agent-edit').first().click();
  await shot(page, 'wide-15-agent-form');
  await page.keyboard.press('Escape');
  await go(page, '#/admin/offloading');
  await page.getByTestId('opening-hours').waitFor();
  await shot(page, 'wide-16-offloading');
  await page.getByTestId('offloading-page').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await shot(page, 'wide-17-offloading-bottom');
  await go(page, '#/admin/bots');
  await page.getByTestId('bot-source').waitFor();
  await page.waitForTimeout(300);
  await page.getByTestId('bot-validate').click();
  await page.waitForTimeout(500);
  await shot(page, 'wide-18-bots');
  await go(page, '#/admin/deliveries');
  await page.getByTestId('deliveries-table').waitFor();
  await shot(page, 'wide-19-deliveries');
  await go(page, '#/admin/channels');
  await page.getByTestId('channel-row').first().waitFor();
  await shot(page, 'wide-20-channels');
  await page.getByTestId('channel-new').click();
  await page.getByTestId('channel-form').waitFor();
  await page.getByTestId('channel-name').fill('Web chat relay');
  await page.getByTestId('channel-url').fill('not a url');
  await page.getByTestId('channel-secret-generate').click();
  await shot(page, 'wide-21-channel-new-secret');
  await page.getByTestId('channel-secret-input').fill('short');
  await page.getByTestId('channel-save').click();
  await page.locator('.field-error').first().waitFor();
  await shot(page, 'wide-22-channel-problems');
  await page.keyboard.press('Escape');
  await page.getByTestId('channel-edit').first().click();
  await page.getByTestId('channel-rotate').click();
  await shot(page, 'wide-23-channel-edit');
  await page.keyboard.press('Escape');
  await go(page, '#/admin/offloading');
  await page.getByTestId('opening-hours').waitFor();
  await page.locator('[data-provider-type="genesys-cloud"]').scrollIntoViewIfNeeded();
  await shot(page, 'wide-24-providers');
  await page.locator('[data-provider-type="help-scout"]').getByTestId('provider-mailboxId').fill('');
  await page.getByTestId('offloading-save').click();
  await page.getByTestId('settings-errors').waitFor();
  await page.locator('[data-provider-type="help-scout"] .field-error').first().scrollIntoViewIfNeeded();
  await shot(page, 'wide-25-provider-problems');
}
{
  const page = await session({ width: 1024, height: 768 }, 'tablet');
  await go(page, '#/queue');
  await page.getByTestId('queue-item').first().waitFor();
  await page.getByTestId('queue-item').first().locator('a').click();
  await page.getByTestId('transcript').waitFor();
  await shot(page, 'tablet-01-conversation');
}
{
  const page = await session({ width: 390, height: 844 }, 'phone');
  await go(page, '#/queue');
  await page.getByTestId('queue-item').first().waitFor();
  await shot(page, 'phone-02-queue');
  await page.getByTestId('queue-item').first().locator('a').click();
  await page.getByTestId('transcript').waitFor();
  await shot(page, 'phone-03-conversation');
  await page.getByRole('button', { name: 'Details' }).click();
  await shot(page, 'phone-04-details');
  await go(page, '#/admin/offloading');
  await page.getByTestId('opening-hours').waitFor();
  await shot(page, 'phone-05-offloading');
  await go(page, '#/analytics');
  await page.getByTestId('stat-handovers').waitFor();
  await shot(page, 'phone-06-analytics');
}
await browser.close();
if (errors.length) {
  console.log('PAGE ERRORS:\n' + errors.join('\n'));
  process.exitCode = 1;
}

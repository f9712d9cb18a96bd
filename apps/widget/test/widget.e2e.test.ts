// The widget on the demo page in real Chromium: chat with the bot, click a button, lose the server
// and get it back without losing or duplicating a message, reload and keep the conversation.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { chromiumAvailable, launchBrowser, screenshot } from '../../server/test/support/browser.js';
import { startTestServer, waitFor, type TestServer } from '../../server/test/support/server.js';
import { tempDir } from '../../server/test/support/temp.js';
import { openOffloading } from '../../server/test/support/flows.js';
import { login } from '../../server/test/support/http.js';
import { freePort } from '../../server/test/support/process.js';

const built = fs.existsSync(new URL('../dist/widget.js', import.meta.url));
if (!built && process.env.CI) throw new Error('build the widget before its browser tests (npm run build)');
const run = built && chromiumAvailable();

const texts = (page: Page, author: string) => page.locator(`[data-testid=widget-message][data-author=${author}] [data-testid=widget-text]`).allTextContents();
/** each phase with a timestamp, printed when the test fails (to see where a slow run got stuck) */
const steps: string[] = [];
const step = (what: string) => steps.push(`${new Date().toISOString()} ${what}`);
const seqs = (page: Page) => page.locator('[data-testid=widget-message]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));

describe.skipIf(!run)('web widget in Chromium', () => {
  let s: TestServer;
  let browser: Browser;
  const dataDir = tempDir();
  beforeAll(async () => {
    // restarted on the same port below: a port outside the kernel's ephemeral range, so no server
    // of a parallel test can take it while this one is down
    s = await startTestServer({ dataDir, port: await freePort() });
    // the demo's hours apply out of the box: open at whatever hour this runs, to see the waiting state
    await openOffloading(s.url, await login(s.url));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('chats, survives a server restart without gaps or duplicates, and keeps the conversation on reload', async () => {
    onTestFailed(() => console.error(`widget test phases:\n${steps.join('\n')}\nserver shutdown step: ${s.baton.closingStep ?? '(none)'}`));
    const page = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'nl-BE' })).newPage();
    step('open page');
    await page.goto(`${s.url}/`);
    await page.click('[data-testid=widget-launcher]');
    step('launcher clicked');
    // the panel takes focus, and the welcome is in Dutch (browser language)
    await page.waitForSelector('[data-testid=widget-message][data-author=bot]');
    expect((await texts(page, 'bot'))[0]).toContain('Hallo');
    expect(await page.evaluate(() => document.querySelector('#baton-widget')?.shadowRoot?.activeElement?.getAttribute('data-testid'))).toBe('widget-input');

    // a button
    step('welcome seen');
    await page.locator('[data-testid=widget-button]', { hasText: 'Openingsuren' }).first().click();
    await waitFor(async () => (await texts(page, 'bot')).some((t) => t.includes('maandag tot vrijdag')), 10_000, 'opening hours');
    step('button answered');
    // typed text: sent on the open socket (message.send), not with a POST
    const posts: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().includes('/messages') && posts.push(r.url()));
    await page.fill('[data-testid=widget-input]', 'bedankt');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await texts(page, 'bot')).some((t) => t.includes('Graag gedaan')), 10_000, 'thanks answer');
    expect(posts).toEqual([]);
    step('typed text answered');

    // the server goes away: the widget says so, keeps what the user types, and sends it when back
    const port = s.port;
    step('closing');
    await s.close();
    step('closed');
    await page.waitForSelector('[data-testid=widget-reconnecting]');
    await page.fill('[data-testid=widget-input]', 'hallo');
    await page.keyboard.press('Enter');
    await page.fill('[data-testid=widget-input]', 'wanneer zijn jullie open');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=widget-pending]');
    step('pending shown');
    await screenshot(page, 'widget/reconnecting');
    step('restarting');
    s = await startTestServer({ dataDir, port });
    step('restarted');
    await page.waitForSelector('[data-testid=widget-reconnecting]', { state: 'detached', timeout: 20_000 });
    step('reconnected');
    await waitFor(async () => (await page.locator('[data-testid=widget-pending]').count()) === 0, 20_000, 'pending sent');
    await waitFor(async () => (await texts(page, 'user')).filter((t) => t === 'wanneer zijn jullie open').length === 1, 10_000, 'sent once');
    await waitFor(async () => (await texts(page, 'bot')).filter((t) => t.includes('maandag tot vrijdag')).length === 2, 10_000, 'answer after restart');
    expect((await texts(page, 'user')).filter((t) => t === 'hallo')).toHaveLength(1);
    const before = await seqs(page);
    expect(before).toEqual([...new Set(before)].sort((a, b) => a - b));

    step('sent after restart');
    // reload: the same conversation, the same messages, nothing twice
    await page.reload();
    // the panel was open: it is open again after the reload, without a click
    await page.waitForSelector('[data-testid=widget-panel]');
    await waitFor(async () => (await seqs(page)).length >= before.length, 10_000, 'history after reload');
    expect(await seqs(page)).toEqual(before);
    await screenshot(page, 'widget/after-reload');

    step('reloaded');
    // ask for a person: the waiting state with a queue position, then cancel
    await page.fill('[data-testid=widget-input]', 'Ik wil met een echte medewerker spreken');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=widget-waiting]');
    // nobody is online: no made-up estimate, and the offer to leave a message instead
    expect(await page.locator('[data-testid=widget-waiting]').textContent()).toContain('nummer 1');
    expect(await page.locator('[data-testid=widget-waiting]').textContent()).toContain('Er kan nu niemand je chat overnemen');
    expect(await page.locator('[data-testid=widget-waiting]').textContent()).not.toMatch(/\d+ min/);
    expect(await page.locator('[data-testid=widget-leave-message]').count()).toBe(1);
    await page.click('[data-testid=widget-cancel-wait]');
    await page.waitForSelector('[data-testid=widget-waiting]', { state: 'detached' });

    step('waited and cancelled');
    // the counter warns before the limit and the send button refuses too-long text
    await page.fill('[data-testid=widget-input]', 'x'.repeat(4001));
    expect(await page.locator('[data-testid=widget-send]').isDisabled()).toBe(true);
    await page.fill('[data-testid=widget-input]', '');

    // end the chat: it stays readable until the user starts a new one, where a message starts a new conversation
    await page.click('[data-testid=widget-end]');
    await page.waitForSelector('[data-testid=widget-ended]');
    expect((await seqs(page)).length).toBeGreaterThanOrEqual(before.length);
    await page.click('[data-testid=widget-new-chat]');
    await page.fill('[data-testid=widget-input]', 'hallo');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await seqs(page)).length > 0 && (await seqs(page))[0] === 1 && (await seqs(page)).length < before.length, 10_000, 'a new conversation');
  }, 120_000);

  it('is usable on a phone-sized screen', async () => {
    const page = await (await browser.newContext({ viewport: { width: 375, height: 700 }, locale: 'fr-FR', isMobile: true })).newPage();
    await page.goto(`${s.url}/`);
    await page.click('[data-testid=widget-launcher]');
    await page.waitForSelector('[data-testid=widget-message][data-author=bot]');
    const box = await page.locator('[data-testid=widget-panel]').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(370);
    expect((await texts(page, 'bot'))[0]).toContain('Bonjour');
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid=widget-panel]', { state: 'detached' });
    await screenshot(page, 'widget/phone-closed');
  }, 60_000);
});

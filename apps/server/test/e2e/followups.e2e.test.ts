// Follow-ups in real Chromium: outside the hours a user in the widget leaves a message; an agent finds
// it on the desk's Follow-ups page (with its badge), answers — the answer appears in the widget — and
// marks it done.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { call, login } from '../support/http.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['widget', 'desk']);

let s: TestServer;
let browser: Browser;

const botTexts = (page: Page) => page.locator('[data-testid=widget-message][data-author=bot] [data-testid=widget-text]').allTextContents();

describe.skipIf(!run)('follow-ups in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('leave a message outside hours in the widget → the desk answers it and marks it done', async () => {
    // closed every day, whatever the hour this runs at
    const admin = await login(s.url);
    const current = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    expect((await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...current.body, enabled: true, alwaysOpen: false, openingHours: {}, closures: [] } })).status).toBe(200);

    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 } })).newPage();
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    const answered = async (act: () => Promise<void>, what: string) => {
      const before = (await botTexts(user)).length;
      await act();
      await waitFor(async () => (await botTexts(user)).length > before, 10_000, what);
    };
    const say = (text: string) =>
      answered(async () => {
        await user.fill('[data-testid=widget-input]', text);
        await user.keyboard.press('Enter');
      }, `bot answer to "${text}"`);
    await say('I want to speak to a real agent');
    expect((await botTexts(user)).join(' ')).toContain('Would you like to leave a message?');
    await answered(() => user.locator('[data-testid=widget-button]', { hasText: 'Leave a message' }).last().click(), 'the e-mail question');
    await say('sam@example.com');
    await say('My <b>paper</b> was wet this morning.');
    expect((await botTexts(user)).at(-1)).toContain("we'll answer at sam@example.com");
    await screenshot(user, 'e2e/widget-followup-left');

    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await expect.poll(() => desk.locator('[data-testid=nav-followups] .rail-count').textContent(), { timeout: 10_000 }).toBe('1');
    await desk.click('[data-testid=nav-followups]');
    const item = desk.locator('[data-testid=followup-item]').first();
    await item.waitFor();
    // the user's words as text, never as markup
    expect(await item.locator('[data-testid=followup-question]').textContent()).toBe('My <b>paper</b> was wet this morning.');
    expect(await item.textContent()).toContain('sam@example.com');
    expect(await item.textContent()).toContain('outside hours');
    await item.locator('[data-testid=followup-take]').click();
    await expect.poll(() => item.locator('[data-testid=followup-assignee]').textContent()).toContain('Administrator');
    await item.locator('[data-testid=followup-reply-text]').fill('Sorry about that — a new copy is on its way.');
    await item.locator('[data-testid=followup-reply-send]').click();
    await screenshot(desk, 'desk/followups');

    // the answer reaches the user's widget as an agent message
    await user.locator('[data-testid=widget-message][data-author=agent]', { hasText: 'a new copy is on its way' }).waitFor({ timeout: 10_000 });

    await item.locator('[data-testid=followup-done]').click();
    await desk.locator('[data-testid=followup-list]', { hasText: 'No open follow-ups' }).waitFor();
    // the badge counts again: nothing open
    await expect.poll(() => desk.locator('[data-testid=nav-followups] .rail-count').count(), { timeout: 10_000 }).toBe(0);
    await desk.click('[data-testid=followups-done]');
    await expect.poll(() => desk.locator('[data-testid=followup-item]').count()).toBe(1);
    expect(await desk.locator('[data-testid=followup-item]').textContent()).toContain('done');
  });
});

// The whole handover in real Chromium: an end user in the widget on the demo page, an agent in the
// desk. The user goes through the address-change flow; the agent sees the transcript and the
// variables, accepts, both talk, the bot stays silent, the agent hands back and the bot answers.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['widget', 'desk']);

let s: TestServer;
let browser: Browser;

/** Playwright's CSS engine pierces the widget's open shadow root. */
const botTexts = (page: Page) => page.locator('[data-testid=widget-message][data-author=bot] [data-testid=widget-text]').allTextContents();

describe.skipIf(!run)('handover in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('user in the widget → agent in the desk → back to the bot', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const agent = await makeAgent(s.url, admin, { name: 'Alex Agent', skills: ['general', 'address_change'], online: false });

    // the end user
    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 } })).newPage();
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    const say = async (text: string) => {
      const before = (await botTexts(user)).length;
      await user.fill('[data-testid=widget-input]', text);
      await user.keyboard.press('Enter');
      await waitFor(async () => (await botTexts(user)).length > before, 10_000, `bot answer to "${text}"`);
    };
    await say('I want my paper sent to a new address');
    await say('Jan Peeters');
    await say('Kerkstraat 1, 9000 Gent');
    await say('not-an-email');
    expect((await botTexts(user)).join(' ')).toContain("doesn't look like an email");
    await say('jan@example.com');
    await user.waitForSelector('[data-testid=widget-waiting]');
    await screenshot(user, 'e2e/widget-waiting');

    // the agent
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url, agent.email, 'agent-password');
    await desk.click('[data-testid=status-online]');
    const item = desk.locator('[data-testid=queue-item]').first();
    await item.waitFor();
    await item.locator('a').click();
    await desk.waitForSelector('[data-testid=handover-card]');
    await expect.poll(() => desk.locator('[data-testid=handover-skill]').textContent()).toContain('address_change');
    const vars = await desk.locator('[data-testid=variables-table]').textContent();
    expect(vars).toContain('Jan Peeters');
    expect(vars).toContain('jan@example.com');
    expect(vars).toContain('Kerkstraat 1');
    // the transcript includes the bot's turns
    await expect.poll(() => desk.locator('[data-testid=transcript-message][data-author=bot]').count()).toBeGreaterThan(3);
    await screenshot(desk, 'desk/queue-handover');
    await desk.click('[data-testid=accept-button]');
    await user.waitForSelector('[data-testid=widget-agent]');
    expect(await user.locator('[data-testid=widget-subtitle]').textContent()).toContain('Alex Agent');

    // both talk; the bot is silent
    await desk.fill('[data-testid=composer-input]', 'Hi Jan, I am updating your address now.');
    await desk.click('[data-testid=composer-send]');
    await user.waitForSelector('[data-testid=widget-message][data-author=agent]');
    const botsBefore = (await botTexts(user)).length;
    await user.fill('[data-testid=widget-input]', '<img src=x onerror="window.pwned=1"> thanks! <script>window.pwned=2</script>');
    await user.keyboard.press('Enter');
    const userLine = desk.locator('[data-testid=transcript-message][data-author=user]').filter({ hasText: 'onerror' });
    await userLine.waitFor();
    expect(await userLine.textContent()).toContain('<img src=x onerror="window.pwned=1"> thanks!');
    expect(await desk.locator('[data-testid=transcript] img[src=x]').count()).toBe(0);
    expect(await desk.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 800));
    expect((await botTexts(user)).length).toBe(botsBefore);
    await screenshot(desk, 'desk/conversation-with-agent');
    await screenshot(user, 'e2e/widget-with-agent');

    // hand back, to a dialog picked by its label (system dialogs are not offered): the bot answers again
    await desk.click('[data-testid=handback-button]');
    const select = desk.locator('select[data-testid=handback-dialog-select]');
    await expect.poll(() => select.locator('option').allTextContents()).toContain('Opening hours');
    const options = await select.locator('option').allTextContents();
    for (const hidden of ['welcome', 'not_understood', 'offloading_timeout', 'offer_accepted', 'frustrated']) expect(options).not.toContain(hidden);
    await select.selectOption({ label: 'Opening hours' });
    await desk.click('[data-testid=handback-submit]');
    await user.waitForFunction(() => !document.querySelector('#baton-widget')?.shadowRoot?.querySelector('[data-testid=widget-agent]'));
    await waitFor(async () => (await botTexts(user)).join(' ').includes('Monday to Friday'), 10_000, 'the opening hours after hand back');
    await say('what are your opening hours?');
    expect((await botTexts(user)).join(' ')).toContain('Monday to Friday');
    const conv = await call(s.url, 'GET', '/api/v1/agent/conversations?status=bot&scope=all', { token: admin });
    expect(conv.status).toBe(200);
    await screenshot(user, 'e2e/widget-back-with-bot');
  }, 120_000);

  it('a supervisor sees the handover in Analytics and downloads the same figures as CSV', async () => {
    const page = await browser.newPage({ acceptDownloads: true });
    try {
      await signInToDesk(page, s.url);
      await page.click('[data-testid=nav-analytics]');
      await expect.poll(() => page.locator('[data-testid=stat-handovers] .stat-value').textContent()).toBe('1');
      // every bar's label stays inside its chart, shortened with an ellipsis where it is long (the
      // address flow's reason once lost its first letter at the left edge)
      const labels = await page.locator('.chart-label').evaluateAll((els) => els.map((el) => ({ text: el.lastChild?.textContent ?? '', x: (el as SVGTextElement).getBBox().x })));
      expect(labels.some((l) => l.text.startsWith('address change') && l.text.endsWith('…')), JSON.stringify(labels)).toBe(true);
      for (const l of labels) expect(l.x, l.text).toBeGreaterThanOrEqual(0);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=analytics-csv]')]);
      expect(download.suggestedFilename()).toMatch(/^baton-analytics-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
      const lines = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
      expect(lines[0]).toBe('date,metric,key,name,count,p50_seconds,p90_seconds,average');
      expect(lines.filter((l) => l.split(',')[1] === 'handovers').map((l) => Number(l.split(',')[4])).reduce((a, b) => a + b, 0)).toBe(1);
      expect(lines.some((l) => l.includes(',handling_seconds_by_agent,') && l.includes('Alex Agent'))).toBe(true);
      await screenshot(page, 'e2e/desk-analytics');
    } finally {
      await page.close();
    }
  }, 60_000);

  it('a Dutch user on an English page: the bot and the widget switch to Dutch after the first message', async () => {
    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'en-US' })).newPage();
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    expect(await user.locator('[data-testid=widget-input]').getAttribute('placeholder')).toBe('Type your message…');
    await user.fill('[data-testid=widget-input]', 'mijn adres is veranderd');
    await user.keyboard.press('Enter');
    await waitFor(async () => (await botTexts(user)).some((t) => t.includes('Wat is je volledige naam')), 10_000, 'the Dutch answer');
    await expect.poll(() => user.locator('[data-testid=widget-input]').getAttribute('placeholder')).toBe('Typ je bericht…');
    await screenshot(user, 'e2e/widget-switched-to-dutch');
  }, 60_000);

  it('an agent free at once: the widget goes straight to "joined", no waiting message flashes first', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null } });
    await makeAgent(s.url, admin, { name: 'Quinn Quick', skills: ['general'], languages: ['en'] });
    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'en-US' })).newPage();
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    // every text the widget ever rendered, so a line shown and replaced a moment later still counts
    await user.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const root = document.querySelector('#baton-widget')!.shadowRoot!;
      new MutationObserver((ms) => ms.forEach((m) => m.addedNodes.forEach((n) => seen.push(n.textContent ?? '')))).observe(root, { childList: true, subtree: true, characterData: true });
    });
    await user.fill('[data-testid=widget-input]', 'I want to speak to a real agent');
    await user.keyboard.press('Enter');
    await user.waitForSelector('[data-testid=widget-agent]');
    await expect.poll(() => user.locator('[data-testid=widget-system]').allTextContents()).toContain('Quinn Quick joined the conversation');
    await new Promise((r) => setTimeout(r, 500));
    const seen = await user.evaluate(() => (window as unknown as { seen: string[] }).seen.join('\n'));
    expect(seen).toContain('Quinn Quick joined');
    expect(seen).not.toContain('A live agent will join');
    expect(seen).not.toContain('Waiting for an agent');
    expect(seen).not.toContain('Nobody can take your chat');
    expect(await user.locator('[data-testid=widget-waiting]').count()).toBe(0);
    await screenshot(user, 'e2e/widget-assigned-at-once');
  }, 60_000);
});

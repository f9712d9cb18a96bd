// axe-core over every widget state and every desk page, in one browser session: no critical or serious
// violation anywhere. Along the way it checks the widget polish a person sees: carousel arrows (also at
// 375 px), spent quick replies, one "chatting with" line with the agent's initials, the panel remembered
// across a reload.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { userHashOf } from '../../src/commands/create-conversation.js';
import { createConversation, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['widget', 'desk']);

const inWidget = (page: Page, selector: string) => page.locator(`#baton-widget ${selector}`);
/** the scroll position of the first carousel, and whether its last card is fully in view */
const carousel = (page: Page) =>
  page.evaluate(() => {
    const strip = document.querySelector('#baton-widget')!.shadowRoot!.querySelector<HTMLElement>('.carousel')!;
    const cards = strip.querySelectorAll<HTMLElement>('.card');
    const last = cards[cards.length - 1]!.getBoundingClientRect();
    const box = strip.getBoundingClientRect();
    return { left: strip.scrollLeft, lastInView: last.right <= box.right + 1 && last.left >= box.left - 1 };
  });

/** resolves once the carousel has stopped moving (its arrows scroll smoothly) */
const scrollSettled = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<void>((done) => {
        const strip = document.querySelector('#baton-widget')!.shadowRoot!.querySelector<HTMLElement>('.carousel')!;
        let last = -1;
        let still = 0;
        const look = () => {
          still = strip.scrollLeft === last ? still + 1 : 0;
          last = strip.scrollLeft;
          if (still >= 5) done();
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }),
  );

/** the desk page has loaded: its marker is there and nothing is still spinning */
async function deskPage(desk: Page, nav: string, marker: string) {
  await desk.click(`[data-testid=${nav}]`);
  await desk.locator(marker).first().waitFor();
  await desk.waitForFunction(() => document.querySelectorAll('.spinner').length === 0);
}

const SECRET = 'identity-verification-secret-a11y';
let s: TestServer;
let browser: Browser;

describe.skipIf(!run)('accessibility (axe-core) of the widget and the desk', () => {
  beforeAll(async () => {
    s = await startTestServer({ env: { IDENTITY_VERIFICATION_SECRET: SECRET } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('has no critical or serious violations on any widget state or desk page', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    // one agent online and one offline: the transfer dialog lists both (the offline one greyed, with why)
    await makeAgent(s.url, admin, { name: 'Olivia Online', skills: ['general'] });
    await makeAgent(s.url, admin, { name: 'Oscar Offline', skills: ['general'], online: false });

    // --- the widget: closed, open, with a carousel
    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'en-US' })).newPage();
    const notFound: string[] = [];
    user.on('response', (r) => r.status() === 404 && notFound.push(r.url()));
    await user.goto(`${s.url}/`);
    await inWidget(user, '[data-testid=widget-launcher]').waitFor();
    await expectNoSeriousA11yViolations(user, 'the demo page with the widget closed');
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    await expectNoSeriousA11yViolations(user, 'the widget, open');

    await user.locator('[data-testid=widget-button]', { hasText: 'Opening hours' }).first().click();
    await user.waitForSelector('[data-testid=widget-card]');
    // the welcome's quick replies are spent once answered
    await expect.poll(() => user.locator('[data-testid=widget-button]', { hasText: 'Opening hours' }).first().isDisabled()).toBe(true);
    // more cards than fit: a "more" arrow, no "previous" one yet; the arrow brings the last card into view
    const next = user.locator('[data-testid=widget-cards-next]');
    await next.waitFor();
    expect(await user.locator('[data-testid=widget-cards-prev]').count()).toBe(0);
    expect((await carousel(user)).lastInView).toBe(false);
    await expectNoSeriousA11yViolations(user, 'the widget with a carousel');
    await next.focus();
    await user.keyboard.press('Enter');
    await expect.poll(async () => (await carousel(user)).left).toBeGreaterThan(0);
    await scrollSettled(user);
    if (await next.count()) await next.click(); // a narrow card strip may need a second step
    await scrollSettled(user);
    await expect.poll(async () => (await carousel(user)).lastInView).toBe(true);
    await user.locator('[data-testid=widget-cards-prev]').waitFor();
    await expect.poll(() => next.count()).toBe(0);
    await screenshot(user, 'a11y/widget-carousel');

    // the panel is remembered across a reload
    await user.reload();
    await user.waitForSelector('[data-testid=widget-panel]');
    await user.waitForSelector('[data-testid=widget-card]');

    // --- agent joined: the agent accepts in the desk
    await user.fill('[data-testid=widget-input]', 'I want to speak to a real agent');
    await user.keyboard.press('Enter');
    await user.waitForSelector('[data-testid=widget-waiting]');
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.click('[data-testid=status-online]');
    await expectNoSeriousA11yViolations(desk, 'the desk queue');
    const item = desk.locator('[data-testid=queue-item]').first();
    await item.waitFor();
    await item.locator('a').click();
    await desk.locator('[data-testid=accept-button]').waitFor();
    await expectNoSeriousA11yViolations(desk, 'the conversation view before accepting');
    await desk.click('[data-testid=accept-button]');
    await user.waitForSelector('[data-testid=widget-agent]');
    // one "chatting with" line, with the agent's initials
    expect(await inWidget(user, '.panel').evaluate((el) => (el.textContent ?? '').split('You are chatting with').length - 1)).toBe(1);
    expect(await user.locator('[data-testid=widget-avatar]').textContent()).toBe('A');
    await expectNoSeriousA11yViolations(user, 'the widget with an agent');
    await desk.fill('[data-testid=composer-input]', 'Hello, how can I help?');
    await desk.click('[data-testid=composer-send]');
    await user.waitForSelector('[data-testid=widget-message][data-author=agent]');
    await expectNoSeriousA11yViolations(desk, 'the conversation view with an agent');
    await screenshot(desk, 'a11y/desk-conversation');

    // the hand-back and transfer dialogs
    await desk.click('[data-testid=handback-button]');
    await desk.locator('[data-testid=handback-dialog]').waitFor();
    await expectNoSeriousA11yViolations(desk, 'the hand-back dialog');
    await screenshot(desk, 'a11y/desk-handback');
    await desk.locator('[data-testid=handback-dialog] button', { hasText: 'Cancel' }).click();
    await desk.click('[data-testid=transfer-button]');
    await desk.locator('[data-testid=transfer-agents] li').first().waitFor();
    await expectNoSeriousA11yViolations(desk, 'the transfer dialog');
    await screenshot(desk, 'a11y/desk-transfer');
    await desk.locator('[data-testid=transfer-dialog] button', { hasText: 'Cancel' }).click();

    // --- ended chat with a rating prompt
    await desk.click('[data-testid=close-button]');
    await desk.click('[data-testid=close-confirm]');
    await user.locator('[data-testid=widget-rating]').waitFor();
    await expectNoSeriousA11yViolations(user, 'the widget, chat closed, with the rating prompt');
    await screenshot(user, 'a11y/widget-rating');
    expect(notFound).toEqual([]);

    // --- every desk page
    const pages: [string, string, string][] = [
      ['the queue', 'nav-queue', '[data-testid=nav-queue][aria-current=page]'],
      ['My chats', 'nav-mine', '[data-testid=nav-mine][aria-current=page]'],
      ['History', 'nav-history', '[data-testid=history-item]'],
      ['Follow-ups', 'nav-followups', '[data-testid=followups-page]'],
      ['Supervise', 'nav-supervisor', '[data-testid=supervisor-overview]'],
      ['Analytics', 'nav-analytics', '[data-testid=analytics-page]'],
      ['Admin → Agents', 'nav-agents', '[data-testid=agent-row]'],
      ['Settings → Offloading', 'nav-offloading', '[data-testid=offloading-page]'],
      ['Admin → Bots', 'nav-bots', '[data-testid=bots-page]'],
      ['Admin → Canned', 'nav-canned', '[data-testid=nav-canned][aria-current=page]'],
      ['Admin → Channels', 'nav-channels', '[data-testid=channels-page]'],
      ['Admin → Deliveries', 'nav-deliveries', '[data-testid=deliveries-page]'],
      ['Admin → Privacy', 'nav-privacy', '[data-testid=privacy-page]'],
    ];
    const failures: string[] = [];
    for (const [name, nav, marker] of pages) {
      await deskPage(desk, nav, marker);
      await expectNoSeriousA11yViolations(desk, name).catch((e: Error) => failures.push(e.message));
    }

    // the deliveries filters are tabs: one tab stop, the arrow keys move and select
    await deskPage(desk, 'nav-deliveries', '[data-testid=deliveries-page]');
    const tab = desk.locator('[data-testid=deliveries-tab]');
    expect(await tab.evaluateAll((els) => els.map((e) => e.getAttribute('tabindex')))).toEqual(['0', '-1', '-1', '-1']);
    await tab.first().focus();
    await desk.keyboard.press('ArrowRight');
    await expect.poll(() => desk.locator('[data-testid=deliveries-tab][aria-selected=true]').textContent()).toBe('pending');
    expect(await desk.evaluate(() => document.activeElement?.textContent)).toBe('pending');
    await desk.keyboard.press('End');
    await expect.poll(() => desk.locator('[data-testid=deliveries-tab][aria-selected=true]').textContent()).toBe('dead');

    // a toast after saving never covers the Save button
    await deskPage(desk, 'nav-offloading', '[data-testid=offloading-page]');
    // "Always open" does not claim to override closures (a public holiday still closes)
    expect(await desk.locator('label', { has: desk.locator('[data-testid=offloading-always-open]') }).textContent()).toContain('closures still apply');
    expect(await desk.locator('[data-testid=hours-ignored]').textContent()).toContain('a closure below still closes');
    await desk.click('[data-testid=offloading-always-open]');
    await desk.click('[data-testid=offloading-save]');
    const toast = desk.locator('[data-testid=toast]').first();
    await toast.waitFor();
    const [t, b] = [await toast.boundingBox(), await desk.locator('[data-testid=offloading-save]').boundingBox()];
    expect(t && b && t.x < b.x + b.width && b.x < t.x + t.width && t.y < b.y + b.height && b.y < t.y + t.height).toBe(false);

    // a verified user's contact page, from the details pane of their conversation
    const verified = { locale: 'en', user: { id: 'crm-a11y-1', name: 'Carla Contact', email: 'carla@site.test' }, userHash: userHashOf(SECRET, 'crm-a11y-1') };
    const theirs = await createConversation(s.url, verified);
    await desk.goto(`${s.url}/desk/#/queue/${theirs.conversation.id}`);
    await desk.click('[data-testid=contact-link]');
    await desk.locator('[data-testid=contact-conversation]').first().waitFor();
    await expectNoSeriousA11yViolations(desk, 'the contact page').catch((e: Error) => failures.push(e.message));
    expect(failures).toEqual([]);
  }, 150_000);

  it('at 375 px the carousel arrows reach the last card', async () => {
    const page = await (await browser.newContext({ viewport: { width: 375, height: 667 }, locale: 'en-US', isMobile: true })).newPage();
    await page.goto(`${s.url}/`);
    await page.click('[data-testid=widget-launcher]');
    await page.locator('[data-testid=widget-button]', { hasText: 'Opening hours' }).first().click();
    await page.waitForSelector('[data-testid=widget-card]');
    const next = page.locator('[data-testid=widget-cards-next]');
    await next.waitFor();
    // each press scrolls one card on; the arrow goes away at the end
    for (let i = 0; i < 5 && (await next.count()); i++) {
      const before = (await carousel(page)).left;
      await next.click();
      await expect.poll(async () => (await carousel(page)).left).toBeGreaterThan(before);
      await scrollSettled(page);
    }
    await expect.poll(async () => (await carousel(page)).lastInView).toBe(true);
    await expectNoSeriousA11yViolations(page, 'the widget at 375 px with a carousel');
    await screenshot(page, 'a11y/widget-carousel-375');
  }, 60_000);
});

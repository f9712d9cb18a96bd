// Satisfaction in real Chromium: an agent closes the chat in the desk, the user rates it in the widget
// with the keyboard (and a comment), and the desk shows the rating on the episode, in History and in
// Analytics.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['widget', 'desk']);

let s: TestServer;
let browser: Browser;

describe.skipIf(!run)('satisfaction in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('the agent closes in the desk, the user rates in the widget, the desk shows the rating', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const agent = await makeAgent(s.url, admin, { name: 'Robin Rater', skills: ['general'], online: false });

    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'en-US' })).newPage();
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    await user.fill('[data-testid=widget-input]', 'I want to speak to a real agent');
    await user.keyboard.press('Enter');
    await user.waitForSelector('[data-testid=widget-waiting]');

    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url, agent.email, 'agent-password');
    await desk.click('[data-testid=status-online]');
    const item = desk.locator('[data-testid=queue-item]').first();
    await item.waitFor();
    await item.locator('a').click();
    await desk.click('[data-testid=accept-button]');
    await user.waitForSelector('[data-testid=widget-agent]');
    await desk.fill('[data-testid=composer-input]', 'Your parcel is on its way.');
    await desk.click('[data-testid=composer-send]');
    await user.waitForSelector('[data-testid=widget-message][data-author=agent]');
    await desk.click('[data-testid=close-button]');
    await desk.click('[data-testid=close-confirm]');
    await expect.poll(() => desk.locator('[data-testid=episode]').count()).toBe(1);

    // the widget asks; the user answers with the keyboard: Tab to the stars, arrows to 4, a comment, Enter
    const rating = user.locator('[data-testid=widget-rating]');
    await rating.waitFor();
    expect(await rating.textContent()).toContain('Robin Rater');
    await user.locator('[data-testid=widget-rating-score][data-score="1"]').focus();
    await user.keyboard.press('ArrowRight');
    await user.keyboard.press('ArrowRight');
    await user.keyboard.press('ArrowRight');
    await expect.poll(() => user.locator('[data-testid=widget-rating-score][aria-checked=true]').getAttribute('data-score')).toBe('4');
    await user.fill('[data-testid=widget-rating-comment]', 'Fast and <b>friendly</b>');
    await screenshot(user, 'e2e/widget-rating');
    await user.click('[data-testid=widget-rating-send]');
    await user.waitForSelector('[data-testid=widget-rating-thanks]');

    // the desk: the rating and the comment (as text) on the episode, live
    const shown = desk.locator('[data-testid=episode-rating] .stars');
    await expect.poll(() => shown.getAttribute('data-score')).toBe('4');
    expect(await desk.locator('[data-testid=episode-comment]').textContent()).toBe('Fast and <b>friendly</b>');
    expect(await desk.locator('[data-testid=episodes-card] b').count()).toBe(0);
    await screenshot(desk, 'desk/episode-rating');

    // History: the row with the agent and the stars
    await desk.click('[data-testid=nav-history]');
    const row = desk.locator('[data-testid=history-item]').first();
    await row.waitFor();
    await expect.poll(() => row.locator('[data-testid=history-rating] .stars').getAttribute('data-score')).toBe('4');
    expect(await row.locator('[data-testid=history-agent]').textContent()).toBe('Robin Rater');

    // Analytics (a supervisor): the CSAT card and the agent's bar
    const sup = await browser.newPage();
    await signInToDesk(sup, s.url);
    await sup.click('[data-testid=nav-analytics]');
    await expect.poll(() => sup.locator('[data-testid=stat-csat] .stat-value').textContent()).toBe('4.00 / 5');
    expect(await sup.locator('[data-testid=chart-csat-agent]').textContent()).toContain('Robin Rater');
    await screenshot(sup, 'e2e/desk-analytics-csat');
  }, 120_000);

  it('the user ends a chat an agent had: the widget asks, in Dutch, and the rating reaches the episode', async () => {
    const admin = await login(s.url);
    const agent = await makeAgent(s.url, admin, { name: 'Noor', skills: ['general'], languages: ['nl'] });
    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, locale: 'nl-BE' })).newPage();
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    await user.fill('[data-testid=widget-input]', 'Ik wil met een echte medewerker spreken');
    await user.keyboard.press('Enter');
    await user.waitForSelector('[data-testid=widget-waiting]');
    const queue = await waitFor(async () => {
      const r = await call(s.url, 'GET', '/api/v1/agent/conversations?status=offloaded', { token: agent.token });
      return r.body.conversations?.[0]?.id as string | undefined;
    }, 10_000, 'queued');
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${queue}/accept`, { token: agent.token })).status).toBe(200);
    await user.waitForSelector('[data-testid=widget-agent]');
    await user.click('[data-testid=widget-end]');
    const rating = user.locator('[data-testid=widget-rating]');
    await rating.waitFor();
    expect(await rating.textContent()).toContain('Hoe beoordeel je de hulp van Noor?');
    await user.click('[data-testid=widget-rating-score][data-score="5"]');
    await user.click('[data-testid=widget-rating-send]');
    expect(await user.locator('[data-testid=widget-rating-thanks]').textContent()).toBe('Bedankt voor je feedback!');
    const d = await call(s.url, 'GET', `/api/v1/agent/conversations/${queue}`, { token: admin });
    expect(d.body.episodes).toEqual([expect.objectContaining({ agent: { id: agent.id, name: 'Noor' }, ended: 'closed', endedBy: 'user', rating: expect.objectContaining({ score: 5, comment: null }) })]);
  }, 120_000);
});

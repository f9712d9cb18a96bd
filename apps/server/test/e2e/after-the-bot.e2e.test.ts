// After the bot in real Chromium: the name and e-mail the user gives the demo bot show on the desk's
// user card marked as given by the user; the user ends the chat and it stays readable (after a reload
// too) with a transcript to download and a way to start anew; a verified user's contact page lists
// their conversations and takes a note.
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../src/commands/create-conversation.js';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { openOffloading } from '../support/flows.js';
import { call, createConversation, login } from '../support/http.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['widget', 'desk']);
const SECRET = 'identity-verification-secret-0123';

let s: TestServer;
let browser: Browser;

/** Playwright's CSS engine pierces the widget's open shadow root. */
const botTexts = (page: Page) => page.locator('[data-testid=widget-message][data-author=bot] [data-testid=widget-text]').allTextContents();
const allTexts = (page: Page) => page.locator('[data-testid=widget-message] [data-testid=widget-text]').allTextContents();

describe.skipIf(!run)('after the bot in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer({ env: { IDENTITY_VERIFICATION_SECRET: SECRET } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('the desk shows what the user told the bot; an ended chat stays readable, downloads its transcript and starts anew', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });

    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, acceptDownloads: true })).newPage();
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
    await say('jan@example.com');
    await user.waitForSelector('[data-testid=widget-waiting]');

    // the desk: the user card carries the collected name and e-mail, marked as given by the user
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    const queued = await waitFor(async () => (await call(s.url, 'GET', '/api/v1/agent/conversations?status=offloaded', { token: admin })).body.conversations[0], 10_000, 'queued');
    expect(queued.user).toMatchObject({ name: 'Jan Peeters', email: 'jan@example.com', givenByUser: true });
    await desk.goto(`${s.url}/desk/#/queue/${queued.id}`);
    await desk.waitForSelector('[data-testid=user-name]');
    await expect.poll(() => desk.locator('[data-testid=user-name]').textContent()).toContain('Jan Peeters');
    expect(await desk.locator('[data-testid=user-email]').textContent()).toContain('jan@example.com');
    expect(await desk.locator('[data-testid=given-by-user]').count()).toBe(2);
    expect(await desk.locator('[data-testid=conversation-title]').textContent()).toBe('Jan Peeters');
    await screenshot(desk, 'desk/user-given-by-bot');

    // the user ends the chat: what was said stays, the composer gives way to the ended actions
    const said = await allTexts(user);
    expect(said.length).toBeGreaterThan(4);
    await user.click('[data-testid=widget-end]');
    await user.waitForSelector('[data-testid=widget-ended]');
    expect(await allTexts(user)).toEqual(said);
    expect(await user.locator('[data-testid=widget-input]').isVisible()).toBe(false);
    await expect.poll(async () => (await call(s.url, 'GET', `/api/v1/agent/conversations/${queued.id}`, { token: admin })).body.conversation.status).toBe('closed');
    await screenshot(user, 'e2e/widget-ended');

    // still there after a reload
    await user.reload();
    // the panel was open: it opens again by itself
    await user.waitForSelector('[data-testid=widget-ended]');
    await expect.poll(() => allTexts(user)).toEqual(said);

    // the transcript downloads as a file with the whole conversation
    const [download] = await Promise.all([user.waitForEvent('download'), user.click('[data-testid=widget-download]')]);
    expect(download.suggestedFilename()).toMatch(/^transcript-\d{4}-\d{2}-\d{2}-[\w-]+\.txt$/);
    const file = fs.readFileSync((await download.path())!, 'utf8');
    expect(file).toContain('You:\n  Jan Peeters');
    expect(file).toContain('You:\n  jan@example.com');
    expect(file).toContain('Kerkstraat 1, 9000 Gent');

    // a new chat starts clean, with a new conversation
    await user.click('[data-testid=widget-new-chat]');
    await user.waitForSelector('[data-testid=widget-input]', { state: 'visible' });
    await waitFor(async () => (await allTexts(user)).length > 0 && (await allTexts(user)).length < said.length, 10_000, 'new welcome');
    expect(await user.locator('[data-testid=widget-ended]').count()).toBe(0);
    await screenshot(user, 'e2e/widget-new-chat');
  }, 120_000);

  it('a verified user\'s contact page lists their conversations and takes a note', async () => {
    const userId = 'crm-e2e-77';
    const verified = { locale: 'en', user: { id: userId, name: 'Carla Contact', email: 'carla@site.test' }, userHash: userHashOf(SECRET, userId) };
    const first = await createConversation(s.url, verified);
    const second = await createConversation(s.url, verified);
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.goto(`${s.url}/desk/#/queue/${second.conversation.id}`);
    await desk.click('[data-testid=contact-link]');
    await desk.waitForSelector('[data-testid=contact-page]');
    await expect.poll(() => desk.locator('[data-testid=contact-conversation]').count()).toBe(2);
    expect(await desk.locator('[data-testid=contact-page] h1').textContent()).toContain('Carla Contact');
    const links = await desk.locator('[data-testid=contact-conversation] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual([`#/closed/${second.conversation.id}`, `#/closed/${first.conversation.id}`]);

    await desk.fill('[data-testid=contact-note-input]', 'Prefers a call back <b>after</b> 5pm');
    await desk.click('[data-testid=contact-note-add]');
    await desk.waitForSelector('[data-testid=contact-note]');
    expect(await desk.locator('[data-testid=contact-note] .note-text').textContent()).toBe('Prefers a call back <b>after</b> 5pm');
    const admin = await login(s.url);
    expect((await call(s.url, 'GET', `/api/v1/contacts/${userId}/notes`, { token: admin })).body.notes).toHaveLength(1);
    await screenshot(desk, 'desk/contact-page');
    await desk.click('[data-testid=contact-note-delete]');
    await expect.poll(() => desk.locator('[data-testid=contact-note]').count()).toBe(0);
  }, 120_000);
});

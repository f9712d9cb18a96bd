// Attachments both ways in real Chromium: the user attaches an image with the widget's paperclip and
// sends it, the widget shows its thumbnail and the agent sees the preview in the desk; the agent
// attaches a PDF in the composer and sends it, the widget shows it as a file and downloads the same
// bytes (fetched with the token, never a token in a URL).
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { PDF, PNG } from '../support/files.js';
import { login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['widget', 'desk']);

const botTexts = (page: Page) => page.locator('[data-testid=widget-message][data-author=bot] [data-testid=widget-text]').allTextContents();

describe.skipIf(!run)('attachments in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('the user sends a photo by the paperclip, the agent sees it; the agent sends a PDF, the user downloads it', async () => {
    const admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const agent = await makeAgent(s.url, admin, { name: 'Fiona Files', skills: ['general'], online: false });

    // the user asks for a person
    const user = await (await browser.newContext({ viewport: { width: 1200, height: 820 }, acceptDownloads: true })).newPage();
    const requested: string[] = [];
    user.on('request', (r) => requested.push(r.url()));
    await user.goto(`${s.url}/`);
    await user.click('[data-testid=widget-launcher]');
    await user.waitForSelector('[data-testid=widget-message][data-author=bot]');
    const before = (await botTexts(user)).length;
    await user.fill('[data-testid=widget-input]', 'I want to speak to a real agent');
    await user.keyboard.press('Enter');
    await waitFor(async () => (await botTexts(user)).length > before, 10_000, 'the bot answers');

    // the agent accepts
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url, agent.email, 'agent-password');
    await desk.click('[data-testid=status-online]');
    const item = desk.locator('[data-testid=queue-item]').first();
    await item.waitFor();
    await item.locator('a').click();
    await desk.click('[data-testid=accept-button]');
    await user.waitForSelector('[data-testid=widget-agent]');

    // the paperclip is a button reachable by keyboard: it opens the file chooser
    const attach = user.locator('[data-testid=widget-attach]');
    expect(await attach.getAttribute('aria-label')).toBe('Attach a file');
    const [chooser] = await Promise.all([user.waitForEvent('filechooser'), attach.click()]);
    await chooser.setFiles({ name: 'meter.png', mimeType: 'image/png', buffer: PNG });
    await user.waitForSelector('[data-testid=widget-upload][data-state=done]');
    await user.fill('[data-testid=widget-input]', 'Here is my meter');
    await user.keyboard.press('Enter');
    // the widget shows the thumbnail from a blob: URL it fetched with the token
    const thumb = user.locator('[data-testid=widget-message][data-author=user] [data-testid=widget-thumbnail] img');
    await thumb.waitFor();
    await expect.poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await thumb.getAttribute('src')).toMatch(/^blob:/);
    expect(await user.locator('[data-testid=widget-tray]').count()).toBe(0);

    // the agent sees the preview (the desk's cookie authorizes the same URL)
    const preview = desk.locator('[data-testid=transcript-message][data-author=user] [data-testid=transcript-thumbnail] img');
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
    await screenshot(desk, 'desk/attachment-preview');

    // the agent attaches a PDF and sends it with a line of text
    await desk.setInputFiles('[data-testid=composer-file-input]', { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF });
    await desk.waitForSelector('[data-testid=composer-file][data-state=done]');
    await desk.fill('[data-testid=composer-input]', 'Your invoice is attached');
    await desk.click('[data-testid=composer-send]');
    await desk.locator('[data-testid=transcript-message][data-author=agent] [data-testid=transcript-file]').waitFor();

    // the widget shows it as a file; a click downloads the same bytes
    const chip = user.locator('[data-testid=widget-message][data-author=agent] [data-testid=widget-file]');
    await chip.waitFor();
    expect(await chip.textContent()).toContain('invoice.pdf');
    const [download] = await Promise.all([user.waitForEvent('download'), chip.click()]);
    expect(download.suggestedFilename()).toBe('invoice.pdf');
    const saved = await download.path();
    expect(Buffer.compare(fs.readFileSync(saved), PDF)).toBe(0);
    await screenshot(user, 'e2e/widget-attachments');

    // no request ever carried the token in its URL
    expect(requested.filter((u) => /token=|cu_/.test(u))).toEqual([]);
  }, 120_000);
});

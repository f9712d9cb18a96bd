// History at length in real Chromium: the list renders only the rows in view, scrolling loads the next
// pages until "No more conversations", and the search box finds an old conversation by a substring
// of a message (and says so below 3 characters).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { conversationRow } from '../support/rows.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['desk']);

/** more than two of the desk's pages (50) */
const CLOSED = 130;

describe.skipIf(!run)('History in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    s = await startTestServer();
    browser = await launchBrowser();
    const now = Date.now();
    await s.baton.deps.store.write.run(async (tx) => {
      for (let i = 0; i < CLOSED; i++) {
        const id = `hist-${String(i).padStart(3, '0')}`;
        const at = now - i * 60_000;
        await tx.insertInto('end_users').values({ id: `u-${id}`, external_id: null, name: `Customer ${i}`, email: null, created_at: at, verified_id: null }).execute();
        await tx
          .insertInto('conversations')
          .values(conversationRow(id, { status: 'closed', end_user_id: `u-${id}`, last_seq: 1, created_at: at, updated_at: at, closed_at: at, history_at: at }))
          .execute();
        const text = i === CLOSED - 3 ? 'My parcel QX-7781 never arrived' : `Question number ${i}`;
        await tx.insertInto('messages').values({ id: `m-${id}`, conversation_id: id, seq: 1, author_type: 'user', author_id: null, author_name: null, text, body: null, event: null, internal: 0, idempotency_key: null, created_at: at }).execute();
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('scrolls past the first page to the end, rendering only the rows in view; searches with q', async () => {
    const desk = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.click('[data-testid=tab-closed]');
    await desk.locator('[data-testid=history-item]').first().waitFor();
    const list = desk.locator('[data-testid=list-closed]');
    const loaded = async () => Number(await list.getAttribute('data-count'));
    expect(await loaded()).toBeLessThan(CLOSED);

    // scroll to the bottom until the list says there is no more
    for (let i = 0; i < 20 && !(await desk.locator('[data-testid=list-end]').isVisible()); i++) {
      await desk.locator('.list-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
      await desk.waitForTimeout(250);
    }
    await expect.poll(loaded, { timeout: 10_000 }).toBe(CLOSED);
    await desk.locator('[data-testid=list-end]').waitFor();
    await desk.locator('.list-scroll').evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    // the oldest rows are on screen, and only a window of rows is in the page
    await expect.poll(() => desk.locator(`[data-conversation-id=hist-${CLOSED - 1}]`).count()).toBe(1);
    expect(await desk.locator('[data-testid=history-item]').count()).toBeLessThan(60);
    expect(await desk.locator('[data-conversation-id=hist-000]').count()).toBe(0);
    await screenshot(desk, 'desk/history-end');

    await desk.fill('[aria-label="Search text"]', 'qx');
    await desk.click('[data-testid=history-search] button[type=submit]');
    await desk.locator('[data-testid=search-too-short]').waitFor();
    await desk.fill('[aria-label="Search text"]', 'parcel qx-7781');
    await desk.click('[data-testid=history-search] button[type=submit]');
    await expect.poll(() => desk.locator('[data-testid=history-item]').count()).toBe(1);
    expect(await desk.locator('[data-testid=history-item]').getAttribute('data-conversation-id')).toBe(`hist-${CLOSED - 3}`);
    await desk.locator('[data-testid=list-end]').waitFor();
  });
});

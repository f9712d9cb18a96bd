// A quick end-to-end pass through the desk against a real, seeded Baton (see seed-demo.ts): a user
// asks for a person, the agent accepts with Ctrl+Enter, both talk, the agent hands back to the bot;
// a second chat taken by a colleague first shows "Another agent took this chat".
//   BATON_URL=http://127.0.0.1:8080 node --import tsx apps/desk/scripts/smoke.ts
import { chromium } from 'playwright-core';

const BASE = process.env.BATON_URL ?? 'http://127.0.0.1:8080';
async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : undefined };
}
function check(ok: unknown, what: string) {
  if (!ok) throw new Error(`FAILED: ${what}`);
  console.log(`ok - ${what}`);
}
async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const user = (await call('POST', '/api/v1/conversations', { locale: 'en', user: { name: 'Smoke User' } })).body;
await call('POST', `/api/v1/conversations/${user.conversation.id}/messages`, { text: 'I want to speak to a real agent' }, user.token);
const cid = user.conversation.id as string;

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
await page.goto(`${BASE}/desk/`);
await page.getByTestId('login-email').fill(process.env.DESK_EMAIL ?? 'admin@example.com');
await page.getByTestId('login-password').fill(process.env.DESK_PASSWORD ?? 'admin-password');
await page.getByTestId('login-submit').click();
await page.getByTestId('status-online').click();
await page.evaluate((id) => (window.location.hash = `#/queue/${id}`), cid);
await page.getByTestId('transcript').waitFor();
check(await page.locator(`[data-testid="queue-item"][data-conversation-id="${cid}"]`).count(), 'the new chat is in the queue');
await page.keyboard.press('Control+Enter');
await page.locator('[data-testid="conversation-view"][data-status="agent"]').waitFor();
check(true, 'Ctrl+Enter accepted the chat');
await page.getByTestId('composer-input').fill('Hello from the desk');
await page.keyboard.press('Enter');
await until(async () => (await call('GET', `/api/v1/conversations/${cid}/messages`, undefined, user.token)).body.messages.some((m: { text?: string }) => m.text === 'Hello from the desk'), 'the user sees the reply');
check(true, 'Enter sent the reply to the user');
await call('POST', `/api/v1/conversations/${cid}/messages`, { text: '<img src=x onerror=alert(1)> thanks' }, user.token);
await page.getByTestId('transcript').getByText('<img src=x onerror=alert(1)> thanks').waitFor();
check((await page.locator('[data-testid="transcript"] img[src="x"]').count()) === 0, 'user HTML is shown as text');
await page.getByTestId('handback-button').click();
const select = page.getByTestId('handback-dialog-select');
await select.waitFor();
if ((await select.evaluate((el) => el.tagName)) === 'SELECT') await select.selectOption({ index: 1 });
await page.getByTestId('handback-submit').click();
await page.locator('[data-testid="conversation-view"][data-status="bot"]').waitFor();
check((await call('GET', `/api/v1/conversations/${cid}`, undefined, user.token)).body.conversation.status === 'bot', 'handed back: the user is with the bot again');

// a colleague wins the race for a second chat
const other = (await call('POST', '/api/v1/conversations', { locale: 'en' })).body;
await call('POST', `/api/v1/conversations/${other.conversation.id}/messages`, { text: 'I want to speak to a real agent' }, other.token);
await page.evaluate(() => (window.location.hash = '#/queue'));
const row = page.locator(`[data-testid="queue-item"][data-conversation-id="${other.conversation.id}"]`);
await row.waitFor();
const sam = (await call('POST', '/api/v1/auth/login', { email: 'sam@example.com', password: 'sam-password' })).body.token;
await call('PUT', '/api/v1/agent/status', { status: 'online' }, sam);
check((await call('POST', `/api/v1/agent/conversations/${other.conversation.id}/accept`, undefined, sam)).status === 200, 'the colleague accepted first');
await row.getByTestId('queue-accept').click({ timeout: 2000 }).catch(() => undefined);
const toast = await page.getByTestId('toast').filter({ hasText: 'Another agent took this chat' }).count().catch(() => 0);
await page.waitForTimeout(500);
check(toast > 0 || (await row.count()) === 0, 'the lost race reads "Another agent took this chat" (or the row was already gone)');
await call('PUT', '/api/v1/agent/status', { status: 'offline' }, sam);
await browser.close();

// Admin → Channels in real Chromium: an admin picks the WhatsApp type, fills its guided form (the
// fields come from the type's metadata), adds the channel, and "Test connection" reports success
// against the WhatsApp Cloud API simulator; a wrong token then reports Meta's refusal. The agent who
// answers a WhatsApp user sees each reply's status (read) under it in the transcript.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '../../../../tools/simulators/whatsapp.js';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { call, login } from '../support/http.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['desk']);

let s: TestServer;
let sim: WhatsAppSimulator;
let browser: Browser;

describe.skipIf(!run)('Admin → Channels in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer();
    sim = await startWhatsAppSimulator({ phoneNumberId: '106540352242922', accessToken: 'EAAG-e2e-token', appSecret: 'e2e-app-secret-0123456789', displayPhoneNumber: '+32 470 00 00 00' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
    await s?.close();
  });

  it('creates a WhatsApp channel with the guided form, and Test connection reports success', async () => {
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.click('[data-testid=nav-channels]');
    await desk.click('[data-testid=channel-new]');
    await desk.selectOption('[data-testid=channel-type]', 'whatsapp');
    await desk.fill('[data-testid=channel-name]', 'WhatsApp support');
    expect(await desk.inputValue('[data-testid=channel-id]')).toBe('whatsapp-support');
    await expect.poll(() => desk.locator('[data-testid=channel-callback-url]').textContent()).toContain('/api/v1/channels/whatsapp-support/whatsapp');
    await desk.fill('[data-testid=channel-phoneNumberId]', '106540352242922');
    await desk.fill('#channel-accessToken', 'EAAG-e2e-token');
    await desk.fill('#channel-appSecret', 'e2e-app-secret-0123456789');
    await desk.fill('#channel-verifyToken', 'e2e-verify-token');
    await desk.click('[data-testid=channel-advanced]');
    await desk.fill('[data-testid=channel-graphApiUrl]', sim.graphApiUrl);
    await desk.click('[data-testid=channel-save]');
    const row = desk.locator('[data-testid=channel-row]', { hasText: 'WhatsApp support' });
    await expect.poll(() => row.locator('[data-testid=channel-type-cell]').textContent()).toBe('WhatsApp (Cloud API)');

    await row.locator('[data-testid=channel-test]').click();
    await expect.poll(() => row.locator('[data-testid=channel-test-result]').textContent()).toContain('✓ Connected to +32 470 00 00 00');
    await screenshot(desk, 'channels-whatsapp-test-connection');

    // what the form saved: the type and its config, secrets stored and masked
    const admin = await login(s.url);
    const saved = (await call(s.url, 'GET', '/api/v1/channels/whatsapp-support', { token: admin })).body.channel;
    expect(saved).toMatchObject({ type: 'whatsapp', config: { phoneNumberId: '106540352242922', accessToken: '********', verifyToken: '********', graphApiUrl: sim.graphApiUrl } });

    // a token Meta refuses: the test says so, with Meta's code
    await row.locator('[data-testid=channel-edit]').click();
    await desk.click('[data-testid=channel-accessToken-change]');
    await desk.fill('#channel-accessToken', 'expired-token');
    await desk.click('[data-testid=channel-save]');
    await desk.waitForSelector('[data-testid=channel-form]', { state: 'detached' });
    await row.locator('[data-testid=channel-test]').click();
    await expect.poll(() => row.locator('[data-testid=channel-test-result]').textContent()).toContain('✗ WhatsApp error 190');
  });

  it('shows the agent each WhatsApp reply’s status in the transcript', async () => {
    const admin = await login(s.url);
    await call(s.url, 'PATCH', '/api/v1/channels/whatsapp-support', { token: admin, body: { config: { accessToken: 'EAAG-e2e-token' } } });
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    sim.setWebhookUrl(`${s.url}/api/v1/channels/whatsapp-support/whatsapp`);
    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    await sim.userSays('32470111222', 'I want to speak to a real agent', 'Marie').delivery;
    const conversationId = await waitFor(async () => (await s.baton.deps.store.db.selectFrom('conversations').select('id').where('channel_id', '=', 'whatsapp-support').executeTakeFirst())?.id, 10_000, 'the conversation');
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');

    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url, agent.email, 'agent-password');
    await desk.waitForSelector('[data-testid=nav-queue]');
    await desk.goto(`${s.url}/desk/#/mine/${conversationId}`);
    await desk.waitForSelector('[data-testid=transcript]');
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Hello Marie, how can I help?' } });
    const mark = desk.locator('[data-testid=transcript-message]', { hasText: 'Hello Marie, how can I help?' }).locator('[data-testid=message-delivery]');
    await expect.poll(() => mark.getAttribute('data-status'), { timeout: 20_000 }).toBe('read');
    expect(await mark.textContent()).toBe('read');
    await screenshot(desk, 'channels-whatsapp-statuses');
  });
});

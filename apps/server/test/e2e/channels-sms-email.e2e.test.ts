// Admin → Channels in real Chromium for the SMS (Twilio) and e-mail types: the guided forms built from
// their field metadata, the callback URL each service must be given (e-mail's ends in "mime"), and
// "Test connection" against the Twilio simulator and the Mailgun simulator's SMTP relay.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailgunSimulator, type MailgunSimulator } from '../../../../tools/simulators/mailgun.js';
import { startTwilioSmsSimulator, type TwilioSmsSimulator } from '../../../../tools/simulators/twilio-sms.js';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { call, login } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

const run = browserTestsCanRun(['desk']);
const ACCOUNT_SID = `AC${'2b'.repeat(16)}`;

let s: TestServer;
let twilio: TwilioSmsSimulator;
let mailgun: MailgunSimulator;
let browser: Browser;

describe.skipIf(!run)('Admin → Channels: SMS and e-mail in the browser', () => {
  beforeAll(async () => {
    s = await startTestServer();
    twilio = await startTwilioSmsSimulator({ accountSid: ACCOUNT_SID, authToken: 'e2e-twilio-auth-token-0123', numbers: ['+15005550006'] });
    mailgun = await startMailgunSimulator({ signingKey: 'e2e-signing-key-0123', recipient: 'support@example.com', smtp: { user: 'support@example.com', password: 'e2e-smtp-password' } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await twilio?.close();
    await mailgun?.close();
    await s?.close();
  });

  it('creates an SMS and an e-mail channel with their guided forms, and Test connection reports success', async () => {
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url);
    await desk.click('[data-testid=nav-channels]');

    await desk.click('[data-testid=channel-new]');
    await desk.selectOption('[data-testid=channel-type]', 'sms-twilio');
    await desk.fill('[data-testid=channel-name]', 'SMS');
    await expect.poll(() => desk.locator('[data-testid=channel-callback-url]').textContent()).toContain('/api/v1/channels/sms/sms-twilio');
    await desk.fill('[data-testid=channel-accountSid]', ACCOUNT_SID);
    await desk.fill('#channel-authToken', 'e2e-twilio-auth-token-0123');
    await desk.fill('[data-testid=channel-from]', '+15005550006');
    await desk.click('[data-testid=channel-advanced]');
    await desk.fill('[data-testid=channel-apiBaseUrl]', twilio.apiBaseUrl);
    await desk.fill('[data-testid=channel-maxSegments]', '2');
    await desk.click('[data-testid=channel-save]');
    const sms = desk.locator('[data-testid=channel-row]', { hasText: 'SMS' });
    await expect.poll(() => sms.locator('[data-testid=channel-type-cell]').textContent()).toBe('SMS (Twilio)');
    await sms.locator('[data-testid=channel-test]').click();
    await expect.poll(() => sms.locator('[data-testid=channel-test-result]').textContent()).toContain('✓ Connected to the Twilio account');

    await desk.click('[data-testid=channel-new]');
    await desk.selectOption('[data-testid=channel-type]', 'email');
    await desk.fill('[data-testid=channel-name]', 'Support mail');
    await expect.poll(() => desk.locator('[data-testid=channel-callback-url]').textContent()).toContain('/api/v1/channels/support-mail/email/mime');
    await desk.fill('[data-testid=channel-from]', 'Acme Support <support@example.com>');
    await desk.fill('[data-testid=channel-smtpUrl]', mailgun.smtpUrl);
    await desk.fill('#channel-smtpPassword', 'e2e-smtp-password');
    await desk.fill('#channel-webhookSigningSecret', 'e2e-signing-key-0123');
    await desk.click('[data-testid=channel-save]');
    const mail = desk.locator('[data-testid=channel-row]', { hasText: 'Support mail' });
    await expect.poll(() => mail.locator('[data-testid=channel-type-cell]').textContent()).toBe('E-mail (Mailgun in, SMTP out)');
    await mail.locator('[data-testid=channel-test]').click();
    await expect.poll(() => mail.locator('[data-testid=channel-test-result]').textContent()).toContain('✓ Connected to 127.0.0.1');
    await screenshot(desk, 'channels-sms-email-test-connection');

    const admin = await login(s.url);
    expect((await call(s.url, 'GET', '/api/v1/channels/sms', { token: admin })).body.channel).toMatchObject({ type: 'sms-twilio', config: { accountSid: ACCOUNT_SID, authToken: '********', from: '+15005550006', maxSegments: 2 } });
    expect((await call(s.url, 'GET', '/api/v1/channels/support-mail', { token: admin })).body.channel).toMatchObject({ type: 'email', inboundUrl: '/api/v1/channels/support-mail/email/mime', config: { smtpPassword: '********', webhookSigningSecret: '********' } });
  });
});

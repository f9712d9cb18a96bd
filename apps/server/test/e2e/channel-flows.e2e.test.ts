// Each channel type end to end, as issue 28 has it: an admin adds the channel in the desk (Admin →
// Channels, the guided form, Test connection green), the user writes on the service's simulator over
// real HTTP, the bot answers in the channel's form of buttons (WhatsApp reply buttons and a list,
// Telegram's inline keyboard, Messenger's quick replies, numbered lines by SMS and e-mail), the user
// types "2" for a button, asks for a person, an agent in the desk (Chromium) sees the transcript with
// the bot's turns, accepts (and sees the user's picture where the type keeps files: e-mail), replies
// and attaches a file, which the user receives; the close asks the user for a rating on the channel,
// and the answer reaches the desk. A channel webhook (a connector of one's own) goes the same way.
// Messenger with the Page Inbox as handover target passes thread control, and the bot stays silent
// until the Inbox passes it back.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailgunSimulator, type MailgunSimulator } from '../../../../tools/simulators/mailgun.js';
import { PAGE_INBOX_APP_ID, startMessengerSimulator, type MessengerSimulator } from '../../../../tools/simulators/messenger.js';
import { startTelegramSimulator, type TelegramSimulator } from '../../../../tools/simulators/telegram.js';
import { startTwilioSmsSimulator, type TwilioSmsSimulator } from '../../../../tools/simulators/twilio-sms.js';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '../../../../tools/simulators/whatsapp.js';
import { expectNoSeriousA11yViolations } from '../support/a11y.js';
import { browserTestsCanRun, launchBrowser, screenshot, signInToDesk } from '../support/browser.js';
import { addChannelInDesk, emailUser, webhookUser, expectFileReceived, messengerUser, smsUser, telegramUser, waitReceived, whatsappUser, type ChannelUser, type ChoiceForm } from '../support/channel-flow.js';
import { PDF, PNG } from '../support/files.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { login } from '../support/http.js';
import { freePort } from '../support/process.js';
import { startReceiver } from '../support/receiver.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, waitFor, type TestServer, type TestStore } from '../support/server.js';

const run = browserTestsCanRun(['desk']);
// every type on SQLite; on PostgreSQL the types whose flows keep state of their own in the store
// (WhatsApp's statuses, e-mail's threads, Messenger's thread holder)
const STORES: TestStore[] = ['sqlite', ...((await postgresAvailable()) ? (['postgres'] as const) : [])];

const ACCOUNT_SID = `AC${'3c'.repeat(16)}`;
const TWILIO_NUMBER = '+15005550006';
const OFFER = 'Do you want to talk to a human agent?';
const RATING = 'How would you rate';

let s: TestServer;
let browser: Browser;
let admin: Page;
let desk: Page;
let whatsapp: WhatsAppSimulator;
let telegram: TelegramSimulator;
let messenger: MessengerSimulator;
let twilio: TwilioSmsSimulator;
let mailgun: MailgunSimulator;

/** What differs per type: how the two-button offer and the five rating buttons reach the user, and the status the desk ends on. */
interface Expect {
  offerForm: ChoiceForm;
  ratingForm: ChoiceForm;
  /** the last status the service reports for the agent's reply, shown under it in the desk */
  replyStatus?: 'read' | 'delivered' | 'sent';
}

/** The conversation from the user's first message to the rating, on a channel the admin has added. */
async function converse(channelId: string, user: ChannelUser, x: Expect): Promise<void> {
  // the bot does not understand and offers a person, with its two buttons in the channel's form
  await user.say('blorp wibble zonk');
  const offer = await waitReceived(user, (m) => m.text.includes(OFFER), 'the offer of a person');
  expect(offer.form).toBe(x.offerForm);
  expect(offer.choices).toEqual(['Yes, please', 'No, thanks']);

  // "2" typed presses the second button
  await user.say('2');
  await waitReceived(user, (m) => m.text.includes('No problem. Try asking in other words'), 'the answer to "2"');

  // then the user asks for a person
  await user.say('I want to speak to a real agent');
  await waitReceived(user, (m) => m.text.includes('A live agent will join this chat'), 'the handover notice');
  const conversationId = await waitFor(
    async () => (await s.baton.deps.store.db.selectFrom('conversations').select(['id', 'status']).where('channel_id', '=', channelId).executeTakeFirst())?.status === 'offloaded' &&
      (await s.baton.deps.store.db.selectFrom('conversations').select('id').where('channel_id', '=', channelId).executeTakeFirstOrThrow()).id,
    10_000,
    'the handover',
  );

  // the agent: the conversation in the queue, the transcript with the bot's turns, accept
  await desk.click('[data-testid=nav-queue]');
  const item = desk.locator(`[data-testid=queue-item][data-conversation-id="${conversationId}"]`);
  await item.locator('a').click();
  const transcript = desk.locator('[data-testid=transcript]');
  await transcript.locator('[data-testid=transcript-message][data-author=bot]', { hasText: OFFER }).waitFor();
  await transcript.locator('[data-testid=transcript-message][data-author=user]', { hasText: 'I want to speak to a real agent' }).waitFor();
  await desk.click('[data-testid=accept-button]');
  await desk.locator('[data-testid=conversation-view][data-status=agent]').waitFor();

  // where the type keeps the user's files already, one reaches the agent as a picture
  if (user.sendFile) {
    await user.sendFile('Here is my meter', { name: 'meter.png', bytes: PNG, contentType: 'image/png' });
    const picture = transcript.locator('[data-testid=transcript-message][data-author=user]', { hasText: 'Here is my meter' }).locator('[data-testid=transcript-thumbnail] img');
    await picture.waitFor();
    await expect.poll(() => picture.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
  }

  // the reply reaches the user; the desk shows what the service reported for it
  const reply = `Hello from the desk (${channelId})`;
  await desk.fill('[data-testid=composer-input]', reply);
  await desk.click('[data-testid=composer-send]');
  await waitReceived(user, (m) => m.text.includes(reply), 'the agent’s reply');
  if (x.replyStatus) {
    const mark = transcript.locator('[data-testid=transcript-message]', { hasText: reply }).locator('[data-testid=message-delivery]');
    await expect.poll(() => mark.getAttribute('data-status'), { timeout: 25_000 }).toBe(x.replyStatus);
  }

  // a file from the composer reaches the user
  const file = { name: `invoice-${channelId}.pdf`, bytes: PDF };
  await desk.setInputFiles('[data-testid=composer-file-input]', { name: file.name, mimeType: 'application/pdf', buffer: file.bytes });
  await desk.waitForSelector('[data-testid=composer-file][data-state=done]');
  await desk.fill('[data-testid=composer-input]', 'Your invoice');
  await desk.click('[data-testid=composer-send]');
  await transcript.locator('[data-testid=transcript-message][data-author=agent] [data-testid=transcript-file]', { hasText: file.name }).waitFor();
  await expectFileReceived(user, file);
  await screenshot(desk, `e2e/channel-flow-${channelId}`);

  // the close asks the user for a rating in the channel's form; a typed "4" answers it and the desk shows it
  await desk.click('[data-testid=close-button]');
  await desk.click('[data-testid=close-confirm]');
  const rating = await waitReceived(user, (m) => m.text.includes(RATING), 'the rating question');
  expect(rating.form).toBe(x.ratingForm);
  expect(rating.choices).toHaveLength(5);
  await user.say('4');
  await expect.poll(() => desk.locator('[data-testid=episode-rating] .stars').getAttribute('data-score'), { timeout: 15_000 }).toBe('4');
}

describe.skipIf(!run).each(STORES)('each channel end to end in the browser, on %s', (store) => {
  const everyStore = it;
  const sqliteOnly = it.skipIf(store !== 'sqlite');
  beforeAll(async () => {
    // the links to files the channels send must reach this server: PUBLIC_URL is its own address
    const port = await freePort();
    s = await startOnStore(store, { port, env: { PUBLIC_URL: `http://127.0.0.1:${port}` } });
    const token = await login(s.url);
    await openOffloading(s.url, token, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    const agent = await makeAgent(s.url, token, { name: 'Casey Channels', skills: ['general'], online: false, maxConcurrent: 10 });
    [whatsapp, telegram, messenger, twilio, mailgun] = await Promise.all([
      startWhatsAppSimulator({ phoneNumberId: '106540352242922', accessToken: 'EAAG-flow-token', appSecret: 'flow-app-secret-0123456789', displayPhoneNumber: '+32 470 00 00 00' }),
      startTelegramSimulator({ botToken: '123456789:AAH-flow-token', allowInsecureWebhook: true }),
      startMessengerSimulator({ pageId: '104518332398541', pageAccessToken: 'EAAB-flow-page-token', appId: '1234567890123456', appSecret: 'flow-messenger-secret-0123' }),
      startTwilioSmsSimulator({ accountSid: ACCOUNT_SID, authToken: 'flow-twilio-auth-token-0123', numbers: [TWILIO_NUMBER] }),
      startMailgunSimulator({ signingKey: 'flow-signing-key-0123', recipient: 'support@example.com', smtp: { user: 'support@example.com', password: 'flow-smtp-password' } }),
    ]);
    browser = await launchBrowser();
    admin = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(admin, s.url);
    await admin.waitForSelector('[data-testid=nav-channels]');
    desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    await signInToDesk(desk, s.url, agent.email, 'agent-password');
    await desk.click('[data-testid=status-online]');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([whatsapp?.close(), telegram?.close(), messenger?.close(), twilio?.close(), mailgun?.close()]);
    await s?.close();
  });

  everyStore('WhatsApp: reply buttons, a typed answer, the agent’s reply read, a file, the rating as a list', async () => {
    const id = await addChannelInDesk(admin, {
      type: 'whatsapp',
      name: 'WhatsApp',
      fields: { phoneNumberId: '106540352242922', accessToken: 'EAAG-flow-token', appSecret: 'flow-app-secret-0123456789', verifyToken: 'flow-verify-token' },
      advanced: { graphApiUrl: whatsapp.graphApiUrl },
      connected: 'Connected to +32 470 00 00 00',
      checkForm: (page) => expectNoSeriousA11yViolations(page, 'the WhatsApp channel form'),
    });
    whatsapp.setWebhookUrl(`${s.url}/api/v1/channels/${id}/whatsapp`);
    await converse(id, whatsappUser(whatsapp, '32470111222', 'Marie'), { offerForm: 'buttons', ratingForm: 'list', replyStatus: 'read' });
  }, 120_000);

  sqliteOnly('Telegram: an inline keyboard, a typed answer, the agent’s reply, a file, the rating keyboard', async () => {
    const id = await addChannelInDesk(admin, {
      type: 'telegram',
      name: 'Telegram',
      fields: { botToken: '123456789:AAH-flow-token', secretToken: 'flow-secret-token-0123456789' },
      advanced: { apiBaseUrl: telegram.url },
      connected: '@baton_sim_bot is connected',
    });
    // Test connection registered Baton's webhook with the secret token
    expect(telegram.webhook()).toEqual({ url: `${s.url}/api/v1/channels/${id}/telegram`, secret: 'flow-secret-token-0123456789' });
    await converse(id, telegramUser(telegram, 4242, 'Ann'), { offerForm: 'inline-keyboard', ratingForm: 'inline-keyboard', replyStatus: 'sent' });
  }, 120_000);

  sqliteOnly('SMS: numbered options, "2" typed, the agent’s reply delivered, a link to the file, the rating by number', async () => {
    const id = await addChannelInDesk(admin, {
      type: 'sms-twilio',
      name: 'SMS',
      fields: { accountSid: ACCOUNT_SID, authToken: 'flow-twilio-auth-token-0123', from: TWILIO_NUMBER },
      advanced: { apiBaseUrl: twilio.apiBaseUrl },
      connected: 'Connected to the Twilio account',
    });
    twilio.setWebhookUrl(`${s.url}/api/v1/channels/${id}/sms-twilio`);
    await converse(id, smsUser(twilio, '+32470333444', TWILIO_NUMBER), { offerForm: 'numbered', ratingForm: 'numbered', replyStatus: 'delivered' });
  }, 120_000);

  everyStore('E-mail: a thread with numbered options, replies quoted as Gmail quotes, the file, the rating', async () => {
    const id = await addChannelInDesk(admin, {
      type: 'email',
      name: 'Support mail',
      fields: { from: 'Acme Support <support@example.com>', smtpUrl: mailgun.smtpUrl, smtpPassword: 'flow-smtp-password', webhookSigningSecret: 'flow-signing-key-0123' },
      connected: 'Connected to 127.0.0.1',
    });
    mailgun.setRouteUrl(`${s.url}/api/v1/channels/${id}/email/mime`);
    await converse(id, emailUser(mailgun, 'Jan Peeters <jan@example.net>'), { offerForm: 'numbered', ratingForm: 'numbered' });
    // every mail Baton sent, the welcome first, is in the user's thread: the same subject, replying to a mail of it
    const mails = mailgun.received.filter((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === 'jan@example.net');
    expect(mails[0]!.text).toContain('Acme assistant');
    expect(mails.map((m) => m.subject)).toEqual(mails.map(() => 'Re: blorp wibble zonk'));
    expect(mails.every((m) => m.inReplyTo)).toBe(true);
  }, 120_000);

  sqliteOnly('Messenger with Baton’s desk: quick replies, a typed answer, the agent’s reply, a file, the rating', async () => {
    const id = await addChannelInDesk(admin, {
      type: 'messenger',
      name: 'Messenger',
      fields: { pageId: '104518332398541', pageAccessToken: 'EAAB-flow-page-token', appId: '1234567890123456', appSecret: 'flow-messenger-secret-0123', verifyToken: 'flow-verify-token' },
      advanced: { graphApiUrl: messenger.graphApiUrl },
      connected: 'Connected to the Page',
    });
    messenger.setWebhookUrl(`${s.url}/api/v1/channels/${id}/messenger`);
    await converse(id, messengerUser(messenger, '6354891234567890'), { offerForm: 'quick-replies', ratingForm: 'quick-replies' });
  }, 120_000);

  sqliteOnly('a channel webhook: the connector gets the buttons, posts the typed answer, gets the reply and the file’s link', async () => {
    const secret = 'flow-webhook-secret-0123456789';
    const receiver = await startReceiver(secret);
    try {
      const id = await addChannelInDesk(admin, { type: 'webhook', name: 'Connector', fields: { url: receiver.url, secret }, connected: 'answered 200', checkForm: (page) => expectNoSeriousA11yViolations(page, 'the channel webhook form') });
      // Test connection sent the connector a signed ping
      expect(receiver.received.some((r) => r.signatureOk && r.body?.type === 'channel.test')).toBe(true);
      await converse(id, webhookUser(s.url, id, secret, receiver.received, 'connector-user-1'), { offerForm: 'buttons', ratingForm: 'buttons' });
    } finally {
      await receiver.close();
    }
  }, 120_000);

  everyStore('Messenger with the Page Inbox: thread control passes to the Inbox, the bot stays silent until it comes back', async () => {
    const id = await addChannelInDesk(admin, {
      type: 'messenger',
      name: 'Messenger inbox',
      fields: { pageId: '104518332398541', pageAccessToken: 'EAAB-flow-page-token', appId: '1234567890123456', appSecret: 'flow-messenger-secret-0123', verifyToken: 'flow-verify-token' },
      selects: { handoverTarget: 'page-inbox' },
      advanced: { graphApiUrl: messenger.graphApiUrl },
      connected: 'handovers go to the Page Inbox',
    });
    messenger.setWebhookUrl(`${s.url}/api/v1/channels/${id}/messenger`);
    const psid = '7465902345678901';
    const user = messengerUser(messenger, psid);
    await user.say('I want to speak to a real agent');
    await waitFor(() => messenger.threadCalls.find((c) => c.action === 'pass_thread_control' && c.psid === psid), 15_000, 'pass_thread_control');
    expect(messenger.threadCalls.find((c) => c.psid === psid)).toMatchObject({ targetAppId: PAGE_INBOX_APP_ID });
    expect(messenger.holder(psid)).toBe(PAGE_INBOX_APP_ID);
    const db = s.baton.deps.store.db;
    const conv = await waitFor(async () => {
      const c = await db.selectFrom('conversations').select(['id', 'status']).where('channel_id', '=', id).executeTakeFirst();
      return c?.status === 'agent' && c;
    }, 10_000, 'the Page Inbox holds the conversation');

    // what the user writes while the Inbox holds the thread arrives as standby: kept, not answered
    await user.say('Are you there?');
    await waitFor(async () => (await db.selectFrom('messages').select('id').where('conversation_id', '=', conv.id).where('text', '=', 'Are you there?').executeTakeFirst()) !== undefined, 10_000, 'the standby message');

    // the Inbox passes the thread back: the bot answers again
    await messenger.inboxPassesBack(psid);
    await waitFor(async () => (await db.selectFrom('conversations').select('status').where('id', '=', conv.id).executeTakeFirst())?.status === 'bot', 10_000, 'back to the bot');
    await user.say('what are your opening hours?');
    await waitReceived(user, (m) => m.text.includes('Monday to Friday'), 'the bot’s answer after the Inbox');

    // bot turns run in order per conversation: by now one for "Are you there?" would have been written
    const rows = await db.selectFrom('messages').select(['author_type', 'text', 'seq']).where('conversation_id', '=', conv.id).orderBy('seq').execute();
    const standby = rows.findIndex((r) => r.text === 'Are you there?');
    const answer = rows.findIndex((r) => r.author_type === 'bot' && (r.text ?? '').includes('Monday to Friday'));
    expect(rows.slice(standby + 1, answer).filter((r) => r.author_type === 'bot')).toEqual([]);
    expect(user.received().filter((m) => m.text.includes('Are you there'))).toEqual([]);
  }, 120_000);
});

// The Telegram channel end to end against the Bot API simulator, on both stores: Test connection
// registers the webhook (setWebhook with the secret token), a wrong secret-token header is refused
// with nothing stored, the bot's buttons arrive as an inline keyboard, a press is its postback (and is
// answered), a payload longer than callback_data's 64 bytes travels as a token and still presses its
// button, typed numbers work, the agent's reply is delivered, a 429's retry_after is honoured, and a
// redelivered update is stored once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramSimulator, type TelegramSimulator, type TgSent } from '../../../../tools/simulators/telegram.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startOnStore, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';

const STORES: TestStore[] = ['sqlite', 'postgres'];
const BOT_TOKEN = '123456789:AAH-sim_token';
const SECRET_TOKEN = 'tg-secret-token-0123456789';
const LONG_DIALOG = 'a_dialog_whose_name_is_far_too_long_for_telegram_callback_data_to_carry';

const longBot = {
  name: 'Long payloads',
  defaultLanguage: 'en',
  languages: ['en'],
  nlu: { threshold: 0.5 },
  intents: {},
  dialogs: {
    welcome: { steps: [{ message: { text: 'Pick one.', buttons: [{ title: 'Short', goto: 'short' }, { title: 'Long', goto: LONG_DIALOG }] } }] },
    short: { steps: [{ message: { text: 'You picked short.' } }] },
    [LONG_DIALOG]: { steps: [{ message: { text: 'You picked the long one.' } }] },
    not_understood: { steps: [{ message: { text: 'Pick a button, please.' } }] },
    offloading_disabled: { steps: [{ message: { text: 'off' } }] },
    offloading_closed: { steps: [{ message: { text: 'closed' } }] },
    offloading_opened: { steps: [{ message: { text: 'Passing you to a colleague.' } }] },
  },
};

describe.each(STORES)('Telegram channel on %s', (store) => {
  let s: TestServer;
  let sim: TelegramSimulator;
  let admin: string;
  const clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
  const hook = '/api/v1/channels/tg/telegram';

  beforeAll(async () => {
    s = await startOnStore(store, { clock });
    admin = await login(s.url);
    sim = await startTelegramSimulator({ botToken: BOT_TOKEN, allowInsecureWebhook: true });
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await sim?.close();
    await s?.close();
  });

  const sentTo = (chat: number, match: (m: TgSent) => boolean, what: string) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.sent.find((m) => m.chat.id === chat && match(m));
    }, 10_000, what);
  const conversationOf = async (channel: string, chat: number) =>
    (await s.baton.deps.store.db.selectFrom('conversations').innerJoin('end_users', 'end_users.id', 'conversations.end_user_id').select('conversations.id').where('end_users.verified_id', '=', `channel:${channel}:${chat}`).executeTakeFirst())?.id;
  const buttonsOf = (m: TgSent) => m.reply_markup?.inline_keyboard.flat() ?? [];

  it('Test connection checks the token and registers the webhook with the secret token', async () => {
    const created = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'tg', type: 'telegram', name: 'Telegram', config: { botToken: BOT_TOKEN, secretToken: SECRET_TOKEN, apiBaseUrl: sim.url } } });
    expect(created.status).toBe(201);
    expect(created.body.channel.config).toEqual({ botToken: '********', secretToken: '********', apiBaseUrl: sim.url });
    const test = await call(s.url, 'POST', '/api/v1/channels/tg/test', { token: admin });
    expect(test.body).toMatchObject({ ok: true });
    expect(sim.webhook()).toEqual({ url: `${s.url}${hook}`, secret: SECRET_TOKEN });
    // a token Telegram does not know
    await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'tg-bad', type: 'telegram', name: 'Wrong', config: { botToken: '1:wrong', secretToken: SECRET_TOKEN, apiBaseUrl: sim.url } } });
    const refused = await call(s.url, 'POST', '/api/v1/channels/tg-bad/test', { token: admin });
    expect(refused.body).toEqual({ ok: false, message: 'Telegram error 401: Unauthorized' });
    await call(s.url, 'DELETE', '/api/v1/channels/tg-bad', { token: admin });
  });

  it('refuses an update without the secret token: 401, nothing stored', async () => {
    const update = JSON.stringify({ update_id: 1, message: { message_id: 1, from: { id: 999 }, chat: { id: 999, type: 'private' }, date: 1, text: 'hi' } });
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong-secret-token-000000' }]) {
      const r = await call(s.url, 'POST', hook, { raw: update, headers });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect(await conversationOf('tg', 999)).toBeUndefined();
  });

  it('buttons are an inline keyboard; presses and typed numbers are postbacks; the agent’s reply arrives; 429 and redeliveries lose and duplicate nothing', async () => {
    const chat = 4242;
    await sim.userSays(chat, 'hello', 'Ann').delivery;
    const welcome = await sentTo(chat, (m) => buttonsOf(m).length === 3, 'the welcome keyboard');
    expect(buttonsOf(welcome)).toEqual([
      { text: 'Opening hours', callback_data: 'goto:opening_hours' },
      { text: 'Change my address', callback_data: 'goto:address_change' },
      { text: 'Talk to a person', callback_data: 'goto:talk_to_agent' },
    ]);
    await sim.userSays(chat, 'blorp zzkq').delivery;
    const offer = await sentTo(chat, (m) => /didn't understand/.test(m.text), 'the offer');
    const press = sim.userPresses(chat, offer, 1);
    await press.delivery;
    await sentTo(chat, (m) => /No problem/.test(m.text), 'the topic menu, from the press');
    await waitFor(() => sim.answered.length > 0, 10_000, 'answerCallbackQuery');
    // the update sent again (Telegram retries) is stored once
    const conversationId = (await conversationOf('tg', chat))!;
    const count = async () => Number((await s.baton.deps.store.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n);
    const before = await count();
    const again = await sim.redeliver(sim.webhooks.find((w) => w.updateId === press.updateId)!);
    expect(again.statuses.at(-1)).toBe(200);
    expect(await count()).toBe(before);
    // "1" is the menu's first button
    await sim.userSays(chat, '1').delivery;
    await sentTo(chat, (m) => /Monday to Friday/.test(m.text), 'the opening hours, from the typed number');

    // handover, and the agent's reply through a 429 with retry_after
    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    await sim.userSays(chat, 'I want to speak to a real agent').delivery;
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');
    sim.failNext(1, 30);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Hi Ann, Bob here', buttons: [{ title: 'Thanks', payload: 'thanks' }] } });
    const row = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      // the failed attempt, not a later message waiting behind it in the conversation's order
      return s.baton.deps.store.db.selectFrom('outbox').selectAll().where('conversation_id', '=', conversationId).where('status', '=', 'pending').where('attempts', '=', 1).executeTakeFirst();
    }, 10_000, 'the rate-limited attempt');
    expect(row.next_attempt_at - clock.now()).toBeGreaterThanOrEqual(30_000);
    expect(row.last_error).toMatch(/429/);
    clock.advance(31_000);
    const reply = await sentTo(chat, (m) => m.text === 'Hi Ann, Bob here', 'the agent reply after the retry');
    expect(buttonsOf(reply)).toEqual([{ text: 'Thanks', callback_data: 'thanks' }]);
    expect(sim.sent.filter((m) => m.text === 'Hi Ann, Bob here')).toHaveLength(1);
  });

  it('a payload over 64 bytes travels as a token and still presses its button', async () => {
    expect((await call(s.url, 'PUT', '/api/v1/bots/longbot', { token: admin, body: longBot })).status).toBe(200);
    await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'tg2', type: 'telegram', name: 'Telegram 2', botId: 'longbot', config: { botToken: BOT_TOKEN, secretToken: SECRET_TOKEN, apiBaseUrl: sim.url } } });
    expect((await call(s.url, 'POST', '/api/v1/channels/tg2/test', { token: admin })).body.ok).toBe(true);
    const chat = 777;
    await sim.userSays(chat, 'hi').delivery;
    const menu = await sentTo(chat, (m) => buttonsOf(m).length === 2, 'the long-payload menu');
    const long = buttonsOf(menu)[1]!;
    expect(Buffer.byteLength(long.callback_data)).toBeLessThanOrEqual(64);
    expect(long.callback_data).not.toContain(LONG_DIALOG);
    await sim.userPresses(chat, menu, 1).delivery;
    await sentTo(chat, (m) => m.text === 'You picked the long one.', 'the long payload’s dialog');
  });
});

// `npm run sim:telegram`: the Telegram Bot API simulator on a local port, with the channel to create
// in Admin > Channels (then press "Test connection": it registers Baton's webhook here) and a tiny
// prompt to play the Telegram user: say something, press a button of the bot's latest message, show.
import { commandPrompt, userCommand } from './shared.js';
import { startTelegramSimulator } from './telegram.js';
import { fileFromPath } from './media.js';

const port = Number(process.env.TELEGRAM_SIM_PORT ?? 4031);
const channelId = process.env.TELEGRAM_SIM_CHANNEL_ID ?? 'telegram';
const botToken = process.env.TELEGRAM_SIM_BOT_TOKEN ?? '123456789:AAH-simulator-token';
const secretToken = process.env.TELEGRAM_SIM_SECRET_TOKEN ?? 'sim-secret-token-0123456789';
let chat = Number(process.env.TELEGRAM_SIM_CHAT_ID ?? 4242);

// a local Baton listens on plain http: the simulator accepts that webhook (Telegram itself wants HTTPS on 443, 80, 88 or 8443)
const sim = await startTelegramSimulator({ port, botToken, allowInsecureWebhook: true, webhookRetryDelayMs: 2000 });
const channel = { id: channelId, type: 'telegram', name: 'Telegram (simulator)', enabled: true, config: { botToken, secretToken, apiBaseUrl: sim.url } };
console.log(`Telegram Bot API simulator on ${sim.url}`);
console.log('Create this channel in Admin > Channels or with POST /api/v1/channels, then press "Test connection" (Baton needs OUTBOUND_ALLOW_PRIVATE=true to call a local simulator):');
console.log(JSON.stringify(channel, null, 2));
commandPrompt(
  'telegram> ',
  {
    say: {
      usage: '<text>',
      async run(arg) {
        if (!sim.webhook()) throw new Error('no webhook yet: press "Test connection" on the channel in Baton');
        await sim.userSays(chat, arg, 'Ann').delivery;
      },
    },
    photo: {
      usage: '<path> (a picture or file the user sends)',
      async run(arg) {
        const f = await fileFromPath(arg);
        await (f.contentType.startsWith('image/') ? sim.userSendsPhoto(chat, f.bytes, undefined, 'Ann') : sim.userSendsDocument(chat, f.bytes, f.contentType, f.name, 'Ann')).delivery;
      },
    },
    press: {
      usage: '<n> (a button of the bot’s latest message)',
      async run(arg) {
        const last = [...sim.sent].reverse().find((m) => m.chat.id === chat && m.reply_markup);
        if (!last) throw new Error('the bot has sent no buttons yet');
        await sim.userPresses(chat, last, Number(arg) - 1, 'Ann').delivery;
      },
    },
    show: {
      run() {
        for (const m of sim.sent.filter((x) => x.chat.id === chat)) console.log(`#${m.message_id}: ${m.text}${m.reply_markup ? `\n   ${m.reply_markup.inline_keyboard.flat().map((b, i) => `${i + 1}) ${b.text}`).join('  ')}` : ''}`);
      },
    },
    // a Telegram user is a chat id
    user: userCommand('<chat id>', (id) => (chat = Number(id))),
  },
  () => sim.close(),
);

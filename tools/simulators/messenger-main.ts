// `npm run sim:messenger`: the Messenger Platform simulator on a local port, with the channel to create
// in Admin > Channels (or the API) and a prompt to play the Messenger user and the Page Inbox: say
// something, tap a quick reply, press a card's button, pass the thread back from the Page Inbox.
import { startMessengerSimulator } from './messenger.js';
import { commandPrompt, userCommand } from './shared.js';
import { fileFromPath } from './media.js';

const port = Number(process.env.MESSENGER_SIM_PORT ?? 4032);
const channelId = process.env.MESSENGER_SIM_CHANNEL_ID ?? 'messenger';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const pageId = process.env.MESSENGER_SIM_PAGE_ID ?? '104518332398541';
const pageAccessToken = process.env.MESSENGER_SIM_PAGE_TOKEN ?? 'sim-page-access-token';
const appId = process.env.MESSENGER_SIM_APP_ID ?? '1234567890123456';
const appSecret = process.env.MESSENGER_SIM_APP_SECRET ?? 'sim-app-secret-0123456789';
const verifyToken = process.env.MESSENGER_SIM_VERIFY_TOKEN ?? 'sim-verify-token';
const handoverTarget = process.env.MESSENGER_SIM_HANDOVER === 'baton' ? 'baton' : 'page-inbox';
let user = process.env.MESSENGER_SIM_USER ?? '6354891234567890';

const webhookUrl = `${baton}/api/v1/channels/${channelId}/messenger`;
const sim = await startMessengerSimulator({ port, pageId, pageAccessToken, appId, appSecret, webhookUrl, webhookRetryDelayMs: 2000 });

const channel = { id: channelId, type: 'messenger', name: 'Messenger (simulator)', enabled: true, config: { pageId, pageAccessToken, appId, appSecret, verifyToken, handoverTarget, graphApiUrl: sim.graphApiUrl } };
console.log(`Messenger Platform simulator on ${sim.url}; webhooks go to ${webhookUrl}`);
console.log('Create this channel in Admin > Channels or with POST /api/v1/channels (Baton needs OUTBOUND_ALLOW_PRIVATE=true to call a local simulator):');
console.log(JSON.stringify(channel, null, 2));
const latest = (pred: (m: (typeof sim.sent)[number]) => boolean) => [...sim.sent].reverse().find((m) => m.to === user && pred(m));

commandPrompt(
  'messenger> ',
  {
    verify: {
      async run() {
        const res = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
        console.log(`${res.status} ${await res.text()}`);
      },
    },
    say: { usage: '<text>', run: (arg) => sim.userSays(user, arg).delivery },
    photo: {
      usage: '<path> (a picture or file the user sends)',
      async run(arg) {
        const f = await fileFromPath(arg);
        await sim.userSendsMedia(user, f.contentType.startsWith('image/') ? 'image' : 'file', f.bytes, f.contentType).delivery;
      },
    },
    tap: {
      usage: '<n> (a quick reply of Baton’s latest message)',
      async run(arg) {
        const m = latest((x) => x.quickReplies.length > 0);
        if (!m) throw new Error('Baton has sent no quick replies yet');
        await sim.userTapsQuickReply(user, m, Number(arg) - 1).delivery;
      },
    },
    press: {
      usage: '<card> <button>',
      async run(_arg, words) {
        const m = latest((x) => x.elements.length > 0);
        if (!m) throw new Error('Baton has sent no cards yet');
        await sim.userPressesButton(user, m, Number(words[0]) - 1, Number(words[1] ?? 1) - 1).delivery;
      },
    },
    done: { usage: '(the Page Inbox passes the thread back)', run: () => sim.inboxPassesBack(user) },
    show: {
      run() {
        for (const m of sim.sent.filter((x) => x.to === user)) console.log(`${m.messagingType}${m.tag ? `/${m.tag}` : ''}: ${m.text}${m.quickReplies.length ? `\n   ${m.quickReplies.map((q, i) => `${i + 1}) ${q.title}`).join('  ')}` : ''}`);
        console.log(`thread held by ${sim.holder(user)}`);
      },
    },
    user: userCommand('<psid>', (id) => (user = id)),
  },
  () => sim.close(),
);

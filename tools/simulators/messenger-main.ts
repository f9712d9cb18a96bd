// `npm run sim:messenger`: the Messenger Platform simulator on a local port, with the channel to create
// in Admin > Channels (or the API) and a prompt to play the Messenger user and the Page Inbox: say
// something, tap a quick reply, press a card's button, pass the thread back from the Page Inbox.
import { startMessengerSimulator } from './messenger.js';
import { fileFromPath } from './media.js';
import { repl } from './shared.js';

const port = Number(process.env.MESSENGER_SIM_PORT ?? 4032);
const channelId = process.env.MESSENGER_SIM_CHANNEL_ID ?? 'messenger';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
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
const help = 'Commands: verify | say <text> | photo <path> | tap <n> (a quick reply of Baton’s latest message) | press <card> <button> | done (the Page Inbox passes the thread back) | show | user <psid> | quit';
console.log(help);

async function run(line: string): Promise<void> {
  const [cmd, ...rest] = line.trim().split(/\s+/);
  const arg = rest.join(' ');
  const latest = (pred: (m: (typeof sim.sent)[number]) => boolean) => [...sim.sent].reverse().find((m) => m.to === user && pred(m));
  switch (cmd) {
    case undefined:
    case '':
      break;
    case 'verify': {
      const res = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
      console.log(`${res.status} ${await res.text()}`);
      break;
    }
    case 'photo': {
      const f = await fileFromPath(arg);
      await sim.userSendsMedia(user, f.contentType.startsWith('image/') ? 'image' : 'file', f.bytes, f.contentType).delivery;
      break;
    }
    case 'say':
      await sim.userSays(user, arg).delivery;
      break;
    case 'tap': {
      const m = latest((x) => x.quickReplies.length > 0);
      if (!m) throw new Error('Baton has sent no quick replies yet');
      await sim.userTapsQuickReply(user, m, Number(arg) - 1).delivery;
      break;
    }
    case 'press': {
      const m = latest((x) => x.elements.length > 0);
      if (!m) throw new Error('Baton has sent no cards yet');
      await sim.userPressesButton(user, m, Number(rest[0]) - 1, Number(rest[1] ?? 1) - 1).delivery;
      break;
    }
    case 'done':
      await sim.inboxPassesBack(user);
      break;
    case 'show':
      for (const m of sim.sent.filter((x) => x.to === user)) console.log(`${m.messagingType}${m.tag ? `/${m.tag}` : ''}: ${m.text}${m.quickReplies.length ? `\n   ${m.quickReplies.map((q, i) => `${i + 1}) ${q.title}`).join('  ')}` : ''}`);
      console.log(`thread held by ${sim.holder(user)}`);
      break;
    case 'user':
      user = arg;
      break;
    case 'quit':
    case 'exit':
      await sim.close();
      return process.exit(0);
    default:
      console.log(help);
  }
}

repl('messenger> ', run, () => sim.close());

// `npm run sim:whatsapp`: the WhatsApp Cloud API simulator on a local port, with the channel to
// create in Admin > Channels (or the API) and a tiny prompt to play the WhatsApp user: say something,
// press a button of Baton's latest message, show what Baton sent and the statuses.
import { commandPrompt, userCommand } from './shared.js';
import { startWhatsAppSimulator } from './whatsapp.js';
import { fileFromPath } from './media.js';

const port = Number(process.env.WHATSAPP_SIM_PORT ?? 4030);
const channelId = process.env.WHATSAPP_SIM_CHANNEL_ID ?? 'whatsapp';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const phoneNumberId = process.env.WHATSAPP_SIM_PHONE_NUMBER_ID ?? '106540352242922';
const accessToken = process.env.WHATSAPP_SIM_ACCESS_TOKEN ?? 'sim-access-token';
const appSecret = process.env.WHATSAPP_SIM_APP_SECRET ?? 'sim-app-secret-0123456789';
const verifyToken = process.env.WHATSAPP_SIM_VERIFY_TOKEN ?? 'sim-verify-token';
let user = process.env.WHATSAPP_SIM_USER ?? '32470000001';

const webhookUrl = `${baton}/api/v1/channels/${channelId}/whatsapp`;
const sim = await startWhatsAppSimulator({ port, phoneNumberId, accessToken, appSecret, webhookUrl, webhookRetryDelayMs: 2000 });

const channel = { id: channelId, type: 'whatsapp', name: 'WhatsApp (simulator)', enabled: true, config: { phoneNumberId, accessToken, appSecret, verifyToken, graphApiUrl: sim.graphApiUrl } };
console.log(`WhatsApp Cloud API simulator on ${sim.url}; webhooks go to ${webhookUrl}`);
console.log('Create this channel in Admin > Channels or with POST /api/v1/channels (Baton needs OUTBOUND_ALLOW_PRIVATE=true to call a local simulator):');
console.log(JSON.stringify(channel, null, 2));
commandPrompt(
  'whatsapp> ',
  {
    // what Meta does when the callback URL is saved in the App Dashboard
    verify: {
      async run() {
        const res = await fetch(`${webhookUrl}?hub.mode=subscribe&hub.verify_token=${encodeURIComponent(verifyToken)}&hub.challenge=1158201444`);
        console.log(`${res.status} ${await res.text()}`);
      },
    },
    say: { usage: '<text>', run: (arg) => sim.userSays(user, arg, 'Jan Peeters').delivery },
    photo: {
      usage: '<path> (a picture or file the user sends)',
      async run(arg) {
        const f = await fileFromPath(arg);
        await sim.userSendsMedia(user, f.contentType.startsWith('image/') ? 'image' : 'document', f.bytes, f.contentType, { filename: f.name, name: 'Jan Peeters' }).delivery;
      },
    },
    pick: {
      usage: '<n> (a button or row of Baton’s latest message)',
      async run(arg) {
        const last = [...sim.sent].reverse().find((m) => m.to === user && m.choices.length);
        if (!last) throw new Error('Baton has sent no buttons yet');
        await sim.userPicks(user, last, Number(arg) - 1, 'Jan Peeters').delivery;
      },
    },
    show: {
      run() {
        for (const m of sim.sent.filter((x) => x.to === user)) console.log(`${m.id.slice(0, 16)}… ${m.type}: ${m.text}${m.choices.length ? `\n   ${m.choices.map((c, i) => `${i + 1}) ${c.title}`).join('  ')}` : ''}`);
      },
    },
    user: userCommand('<wa_id>', (id) => (user = id)),
  },
  () => sim.close(),
);

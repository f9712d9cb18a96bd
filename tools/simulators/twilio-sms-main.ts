// `npm run sim:sms-twilio`: the Twilio Programmable Messaging simulator on a local port, with the
// channel to create in Admin > Channels (or the API) and a tiny prompt to play the phone user: text
// Baton's number, show the SMS Baton sent (with their segments), switch phones.
import { commandPrompt, userCommand } from './shared.js';
import { startTwilioSmsSimulator } from './twilio-sms.js';
import { fileFromPath } from './media.js';

const port = Number(process.env.TWILIO_SIM_PORT ?? 4040);
const channelId = process.env.TWILIO_SIM_CHANNEL_ID ?? 'sms';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const accountSid = process.env.TWILIO_SIM_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`;
const authToken = process.env.TWILIO_SIM_AUTH_TOKEN ?? 'sim-auth-token-0123456789';
const number = process.env.TWILIO_SIM_NUMBER ?? '+15005550006';
let user = process.env.TWILIO_SIM_USER ?? '+32470000001';

const webhookUrl = `${baton}/api/v1/channels/${channelId}/sms-twilio`;
const sim = await startTwilioSmsSimulator({ port, accountSid, authToken, numbers: [number], webhookUrl });

const channel = { id: channelId, type: 'sms-twilio', name: 'SMS (simulator)', enabled: true, config: { accountSid, authToken, from: number, publicUrl: baton, apiBaseUrl: sim.apiBaseUrl } };
console.log(`Twilio Messaging simulator on ${sim.url}; the number ${number} posts to ${webhookUrl}`);
console.log('Create this channel in Admin > Channels or with POST /api/v1/channels (Baton needs OUTBOUND_ALLOW_PRIVATE=true to call a local simulator):');
console.log(JSON.stringify(channel, null, 2));
commandPrompt(
  'sms> ',
  {
    say: {
      usage: '<text>',
      async run(arg) {
        const d = await sim.userSends(user, number, arg).delivery;
        console.log(`Baton answered ${d.statuses.join(', ')}`);
      },
    },
    photo: {
      usage: '<path> (a picture the user sends by MMS)',
      async run(arg) {
        const f = await fileFromPath(arg);
        await sim.userSendsMedia(user, number, '', [{ bytes: f.bytes, contentType: f.contentType }]).delivery;
      },
    },
    mms: { usage: '<image url>', run: (arg) => sim.userSends(user, number, '', [{ url: arg, contentType: 'image/jpeg' }]).delivery },
    show: {
      run() {
        for (const m of sim.sent.filter((x) => x.to === user)) console.log(`${m.sid.slice(0, 12)}… ${m.body}`);
      },
    },
    user: userCommand('<+number>', (id) => (user = id)),
  },
  () => sim.close(),
);

// `npm run sim:email`: Mailgun's inbound route and an SMTP relay on local ports, with the channel to
// create in Admin > Channels (or the API) and a tiny prompt to play the user's mailbox: write a new
// mail, reply to Baton's latest mail in the thread (quoted as Gmail does), show what Baton sent.
import { commandPrompt, userCommand } from './shared.js';
import { startMailgunSimulator } from './mailgun.js';

const channelId = process.env.MAIL_SIM_CHANNEL_ID ?? 'mail';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const signingSecret = process.env.MAIL_SIM_SIGNING_KEY ?? 'sim-mailgun-signing-key';
const smtp = { user: process.env.MAIL_SIM_SMTP_USER ?? 'postmaster@support.example.com', password: process.env.MAIL_SIM_SMTP_PASSWORD ?? 'sim-smtp-password', port: Number(process.env.MAIL_SIM_SMTP_PORT ?? 2525) };
let user = process.env.MAIL_SIM_USER ?? 'Jan Peeters <jan@example.net>';

const routeUrl = `${baton}/api/v1/channels/${channelId}/email/mime`;
const sim = await startMailgunSimulator({ signingKey: signingSecret, routeUrl, recipient: 'support@support.example.com', smtp, retryDelayMs: 2000 });

const channel = { id: channelId, type: 'email', name: 'E-mail (simulator)', enabled: true, config: { from: 'Acme Support <support@support.example.com>', smtpUrl: sim.smtpUrl, smtpPassword: smtp.password, webhookSigningSecret: signingSecret } };
console.log(`Mailgun route posts to ${routeUrl}; SMTP relay on ${sim.smtpUrl}`);
console.log('Create this channel in Admin > Channels or with POST /api/v1/channels (Baton needs OUTBOUND_ALLOW_PRIVATE=true to reach a local SMTP relay):');
console.log(JSON.stringify(channel, null, 2));
const address = () => user.replace(/^.*<|>.*$/g, '');
const mine = () => sim.received.filter((m) => !Array.isArray(m.to) && m.to?.value[0]?.address === address());

commandPrompt(
  'mail> ',
  {
    new: {
      usage: '<subject>',
      async run(arg) {
        const p = await sim.userMails({ from: user, subject: arg || 'A question', text: arg || 'Hello' });
        console.log(`Baton answered ${p.statuses.join(', ')}`);
      },
    },
    reply: {
      usage: '<text>',
      async run(arg) {
        const last = mine().at(-1);
        if (!last?.messageId) throw new Error('Baton has sent this user no mail yet');
        const id = last.messageId.replace(/^<|>$/g, '');
        const quoted = (last.text ?? '').split('\n').map((l) => `> ${l}`).join('\n');
        const refs = [last.references ?? []].flat().map((r) => r.replace(/^<|>$/g, ''));
        const p = await sim.userMails({ from: user, subject: last.subject ?? 'Re:', text: `${arg}\n\nOn ${new Date().toUTCString()}, ${last.from?.text ?? 'Support'} wrote:\n${quoted}\n`, inReplyTo: id, references: [...refs, id] });
        console.log(`Baton answered ${p.statuses.join(', ')}`);
      },
    },
    show: {
      run() {
        for (const m of mine()) console.log(`--- ${m.subject}\n${m.text ?? ''}`);
      },
    },
    user: userCommand('<Name <address>>', (id) => (user = id)),
  },
  () => sim.close(),
);

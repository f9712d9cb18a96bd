// `npm run sim:helpscout`: the Help Scout simulator on a local port, with the provider config to paste
// into Settings > Offloading and a tiny prompt to play the agent (list, assign, reply, close).
import { startHelpScoutSimulator } from './help-scout.js';
import { commandPrompt } from './shared.js';

const port = Number(process.env.HELPSCOUT_SIM_PORT ?? 4010);
const providerId = process.env.HELPSCOUT_SIM_PROVIDER_ID ?? 'helpscout';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const clientId = process.env.HELPSCOUT_SIM_CLIENT_ID ?? 'sim-client-id';
const clientSecret = process.env.HELPSCOUT_SIM_CLIENT_SECRET ?? 'sim-client-secret';
const webhookSecret = process.env.HELPSCOUT_SIM_WEBHOOK_SECRET ?? 'sim-webhook-secret-0123456789';
const mailboxIds = (process.env.HELPSCOUT_SIM_MAILBOXES ?? '1001,1002').split(',').map(Number).filter((n) => n > 0);

const sim = await startHelpScoutSimulator({
  port,
  clientId,
  clientSecret,
  mailboxIds,
  webhookUrl: `${baton}/api/v1/providers/help-scout/${providerId}/webhook`,
  webhookSecret,
  webhookAttempts: 10,
  webhookRetryDelayMs: 2000,
});

const provider = {
  id: providerId,
  type: 'help-scout',
  name: 'Help Scout (simulator)',
  config: { baseUrl: sim.url, clientId, clientSecret, mailboxId: mailboxIds[0], skillMailboxes: mailboxIds[1] ? { address_change: mailboxIds[1] } : undefined, webhookSecret, onClose: 'handback' },
};
console.log(`Help Scout simulator on ${sim.url} (inboxes ${mailboxIds.join(', ')}), webhooks to ${baton}/api/v1/providers/help-scout/${providerId}/webhook`);
console.log('Add this provider in Settings > Offloading (and make it the default provider):');
console.log(JSON.stringify(provider, null, 2));
const agents = sim.users.map((u) => `${u.id} ${u.first} ${u.last}`).join(', ');

commandPrompt(
  'helpscout> ',
  {
    list: {
      run() {
        for (const c of sim.conversations()) console.log(`${c.id}  inbox ${c.mailboxId}  ${c.status.padEnd(7)} ${c.assignee ? `${c.assignee.first} ${c.assignee.last}` : 'unassigned'}  ${c.subject}`);
      },
    },
    show: {
      usage: '<id>',
      run(arg) {
        for (const t of sim.threads(Number(arg))) console.log(`${t.createdAt} ${t.type.padEnd(8)} ${t.createdBy.type}: ${t.body.replace(/<br>/g, ' / ')}`);
      },
    },
    assign: {
      usage: '<id> [userId]',
      async run(_arg, words) {
        await sim.assign(Number(words[0]), words[1] ? Number(words[1]) : undefined);
        console.log(`assigned (agents: ${agents})`);
      },
    },
    reply: {
      usage: '<id> <text>',
      async run(_arg, words) {
        await sim.agentReplies(Number(words[0]), undefined, words.slice(1).join(' ')).delivery;
        console.log('replied');
      },
    },
    close: {
      usage: '<id>',
      async run(arg) {
        await sim.closeConversation(Number(arg));
        console.log('closed');
      },
    },
    delete: {
      usage: '<id>',
      async run(arg) {
        await sim.deleteConversation(Number(arg));
        console.log('deleted');
      },
    },
  },
  () => sim.close(),
);

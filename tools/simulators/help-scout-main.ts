// `npm run sim:helpscout`: the Help Scout simulator on a local port, with the provider config to paste
// into Settings > Offloading and a tiny prompt to play the agent (list, assign, reply, close).
import readline from 'node:readline';
import { startHelpScoutSimulator } from './help-scout.js';

const port = Number(process.env.HELPSCOUT_SIM_PORT ?? 4010);
const providerId = process.env.HELPSCOUT_SIM_PROVIDER_ID ?? 'helpscout';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
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
console.log('Commands: list | show <id> | assign <id> [userId] | reply <id> <text> | close <id> | delete <id> | quit');

const agents = sim.users.map((u) => `${u.id} ${u.first} ${u.last}`).join(', ');
const rl = readline.createInterface({ input: process.stdin, output: process.stdout, prompt: 'helpscout> ' });
rl.prompt();
rl.on('line', async (line) => {
  const [cmd, idText, ...rest] = line.trim().split(/\s+/);
  const id = Number(idText);
  try {
    switch (cmd) {
      case undefined:
      case '':
        break;
      case 'list':
        for (const c of sim.conversations()) console.log(`${c.id}  inbox ${c.mailboxId}  ${c.status.padEnd(7)} ${c.assignee ? `${c.assignee.first} ${c.assignee.last}` : 'unassigned'}  ${c.subject}`);
        break;
      case 'show':
        for (const t of sim.threads(id)) console.log(`${t.createdAt} ${t.type.padEnd(8)} ${t.createdBy.type}: ${t.body.replace(/<br>/g, ' / ')}`);
        break;
      case 'assign':
        await sim.assign(id, rest[0] ? Number(rest[0]) : undefined);
        console.log(`assigned (agents: ${agents})`);
        break;
      case 'reply':
        await sim.agentReplies(id, undefined, rest.join(' ')).delivery;
        console.log('replied');
        break;
      case 'close':
        await sim.closeConversation(id);
        console.log('closed');
        break;
      case 'delete':
        await sim.deleteConversation(id);
        console.log('deleted');
        break;
      case 'quit':
      case 'exit':
        rl.close();
        return;
      default:
        console.log('Commands: list | show <id> | assign <id> [userId] | reply <id> <text> | close <id> | delete <id> | quit');
    }
  } catch (err) {
    console.log(`error: ${(err as Error).message}`);
  }
  rl.prompt();
});
rl.on('close', async () => {
  await sim.close();
  process.exit(0);
});

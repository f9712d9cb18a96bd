// `npm run sim:genesys`: runs the Genesys Cloud simulator next to a local Baton and lets you play the
// agent from the terminal. Env: GENESYS_SIM_PORT (4010), BATON_URL (http://localhost:8080),
// GENESYS_PROVIDER_ID (genesys), GENESYS_SIM_RETRY_MS (5000, the pause between webhook retries).
import { randomBytes } from 'node:crypto';
import { repl } from './shared.js';
import { startGenesysSimulator } from './genesys-cloud.js';

const port = Number(process.env.GENESYS_SIM_PORT ?? 4010);
const batonUrl = (process.env.BATON_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const providerId = process.env.GENESYS_PROVIDER_ID ?? 'genesys';
const creds = {
  clientId: 'sim-client',
  clientSecret: process.env.GENESYS_SIM_CLIENT_SECRET ?? randomBytes(12).toString('hex'),
  integrationId: 'sim-integration',
  webhookSecret: process.env.GENESYS_SIM_WEBHOOK_SECRET ?? randomBytes(16).toString('hex'),
};

const sim = await startGenesysSimulator({
  port,
  ...creds,
  integrationName: 'Baton (simulated)',
  webhookUrl: `${batonUrl}/api/v1/providers/genesys-cloud/${providerId}/webhook`,
  retryDelayMs: Number(process.env.GENESYS_SIM_RETRY_MS ?? 5000),
});

const provider = { id: providerId, type: 'genesys-cloud', name: 'Genesys Cloud (simulated)', config: { ...sim.providerConfig(), pollSeconds: 3 } };
console.log(`Genesys Cloud simulator on ${sim.url}`);
console.log('Add this provider in Settings > Offloading (or to "providers" in PUT /api/v1/settings/offloading):\n');
console.log(JSON.stringify(provider, null, 2));
console.log(`
Commands (they act on the latest customer unless you "use" another):
  customers            list customers and their Genesys conversations
  use <customerId>     pick the customer (= Baton conversation id)
  inbox                what the agent has received
  join [name]          an agent answers
  say <text>           the agent writes (joins first if needed)
  typing               the agent types
  end                  the agent ends the conversation (Baton notices by polling)
  fail <n> [status]    the next n API calls fail (default 503)
  quit`);

let chosen: string | undefined;
const target = () => chosen ?? sim.state.conversations.at(-1)?.customerId;

async function run(line: string): Promise<void> {
  const [cmd = '', ...rest] = line.trim().split(/\s+/);
  const arg = line.trim().slice(cmd.length).trim();
  const who = target();
  switch (cmd) {
    case '':
      return;
    case 'customers':
      for (const c of sim.state.conversations) {
        const legs = c.participants.map((p) => `${p.purpose}:${p.state}`).join(' ');
        console.log(`${c.customerId}  conversation ${c.id}  ${legs}`);
      }
      return;
    case 'use':
      chosen = rest[0];
      console.log(`customer: ${chosen}`);
      return;
    case 'quit':
      await sim.close();
      process.exit(0);
  }
  if (cmd === 'fail') {
    sim.failNext(Number(rest[0] ?? 1), Number(rest[1] ?? 503));
    console.log(`the next ${rest[0] ?? 1} API calls fail`);
    return;
  }
  if (!who) {
    console.log('no customer yet: ask the bot for an agent in Baton first');
    return;
  }
  switch (cmd) {
    case 'inbox':
      for (const m of sim.inbox(who)) console.log(`--- ${m.time}\n${m.text ?? '(content)'}${m.customAttributes ? `\n${JSON.stringify(m.customAttributes)}` : ''}`);
      return;
    case 'join':
      sim.agentJoins(who, { id: 'agent-1', name: arg || 'Alex' });
      console.log('agent joined');
      return;
    case 'say': {
      const m = await sim.agentSays(who, arg || 'Hello, how can I help?');
      console.log(`webhook answered ${m.webhook.status} after ${m.webhook.attempts} attempt(s)`);
      return;
    }
    case 'typing':
      await sim.agentTyping(who);
      return;
    case 'end':
      sim.agentEnds(who);
      console.log('agent ended the conversation');
      return;
    default:
      console.log(`unknown command: ${cmd}`);
  }
}

repl('genesys> ', run, () => sim.close());

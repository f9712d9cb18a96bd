// `npm run sim:genesys`: runs the Genesys Cloud simulator next to a local Baton and lets you play the
// agent from the terminal. Env: GENESYS_SIM_PORT (4010), BATON_URL (http://localhost:8080),
// GENESYS_PROVIDER_ID (genesys), GENESYS_SIM_RETRY_MS (5000, the pause between webhook retries).
import { randomBytes } from 'node:crypto';
import { commandPrompt, userCommand } from './shared.js';
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
console.log('Commands act on the latest customer unless you "use" another.');

let chosen: string | undefined;
/** the customer the agent's commands act on: the one picked with `use`, else the latest */
function customer(): string {
  const who = chosen ?? sim.state.conversations.at(-1)?.customerId;
  if (!who) throw new Error('no customer yet: ask the bot for an agent in Baton first');
  return who;
}

commandPrompt(
  'genesys> ',
  {
    customers: {
      usage: '(list customers and their Genesys conversations)',
      run() {
        for (const c of sim.state.conversations) console.log(`${c.customerId}  conversation ${c.id}  ${c.participants.map((p) => `${p.purpose}:${p.state}`).join(' ')}`);
      },
    },
    inbox: {
      usage: '(what the agent has received)',
      run() {
        for (const m of sim.inbox(customer())) console.log(`--- ${m.time}\n${m.text ?? '(content)'}${m.customAttributes ? `\n${JSON.stringify(m.customAttributes)}` : ''}`);
      },
    },
    join: {
      usage: '[name] (an agent answers)',
      run(arg) {
        sim.agentJoins(customer(), { id: 'agent-1', name: arg || 'Alex' });
        console.log('agent joined');
      },
    },
    say: {
      usage: '<text> (the agent writes; joins first if needed)',
      async run(arg) {
        const m = await sim.agentSays(customer(), arg || 'Hello, how can I help?');
        console.log(`webhook answered ${m.webhook.status} after ${m.webhook.attempts} attempt(s)`);
      },
    },
    typing: { run: () => sim.agentTyping(customer()) },
    end: {
      usage: '(Baton notices by polling)',
      run() {
        sim.agentEnds(customer());
        console.log('agent ended the conversation');
      },
    },
    fail: {
      usage: '<n> [status] (the next n API calls fail, default 503)',
      run(_arg, words) {
        sim.failNext(Number(words[0] ?? 1), Number(words[1] ?? 503));
        console.log(`the next ${words[0] ?? 1} API calls fail`);
      },
    },
    // the Genesys customer is the Baton conversation id
    use: userCommand('<customerId>', (id) => (chosen = id)),
  },
  () => sim.close(),
);

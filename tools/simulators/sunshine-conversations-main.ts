// `npm run sim:sunshine`: the Sunshine Conversations simulator on a local port, with the provider
// config to paste into Settings > Offloading and a tiny prompt to play the end user and the Zendesk
// agent (new conversation, say, accept, reply, close the ticket).
import { commandPrompt, userCommand } from './shared.js';
import { startSunshineSimulator } from './sunshine-conversations.js';

const port = Number(process.env.SUNSHINE_SIM_PORT ?? 4020);
const providerId = process.env.SUNSHINE_SIM_PROVIDER_ID ?? 'zendesk';
const baton = (process.env.BATON_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
const appId = process.env.SUNSHINE_SIM_APP_ID ?? 'sim-app';
const keyId = process.env.SUNSHINE_SIM_KEY_ID ?? 'app_sim-key';
const secret = process.env.SUNSHINE_SIM_SECRET ?? 'sim-api-key-secret';
const webhookSecret = process.env.SUNSHINE_SIM_WEBHOOK_SECRET ?? 'sim-webhook-secret-0123456789';

const sim = await startSunshineSimulator({ port, appId, keyId, secret, webhookUrl: `${baton}/api/v1/providers/sunshine-conversations/${providerId}/webhook`, webhookSecret, webhookRetryDelayMs: 2000 });

const provider = { id: providerId, type: 'sunshine-conversations', name: 'Zendesk (simulator)', config: { appId, keyId, secret, webhookSecret, apiBaseUrl: sim.url, handover: 'offer' } };
console.log(`Sunshine Conversations simulator on ${sim.url}, webhooks to ${baton}/api/v1/providers/sunshine-conversations/${providerId}/webhook`);
console.log('Add this provider in Settings > Offloading (Baton needs OUTBOUND_ALLOW_PRIVATE=true to call a local simulator):');
console.log(JSON.stringify(provider, null, 2));
let current: string | undefined;
/** the conversation the prompt plays: every command but `new` and `use` needs one */
function conversation(): string {
  if (!current) throw new Error('start with: new');
  return current;
}

commandPrompt(
  'sunshine> ',
  {
    new: {
      usage: '[name]',
      run(arg) {
        current = sim.newConversation({ name: arg || 'Jan Peeters', locale: 'en' }).id;
        console.log(`conversation ${current}`);
      },
    },
    say: { usage: '<text>', run: (arg) => sim.userSays(conversation(), arg).delivery },
    tap: { usage: '<payload>', run: (arg) => sim.userPostback(conversation(), arg) },
    show: {
      run() {
        const c = sim.conversation(conversation())!;
        console.log(`active: ${c.active?.name ?? 'none'}, pending: ${c.pending?.name ?? 'none'}`);
        for (const m of c.messages) console.log(`${m.received} ${m.author.type}${m.author.displayName ? ` (${m.author.displayName})` : ''}: ${JSON.stringify(m.content)}`);
        for (const a of c.actions) console.log(`  ${a.action} ${a.switchboardIntegration ?? ''} ${JSON.stringify(a.metadata ?? {})}`);
      },
    },
    accept: { run: () => sim.acceptControl(conversation()) },
    reply: { usage: '<text>', run: (arg) => sim.agentSays(conversation(), arg).delivery },
    close: { run: () => sim.closeTicket(conversation()) },
    release: { run: () => sim.releaseControl(conversation()) },
    // a Sunshine user is their conversation
    use: userCommand('<conversation id>', (id) => (current = id)),
  },
  () => sim.close(),
);

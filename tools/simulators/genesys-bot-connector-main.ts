// `npm run sim:genesys-bot`: plays Genesys Cloud's Digital Bot Connector against a local Baton, with
// you as the Web Messaging customer in the terminal. Env: GENESYS_BOT_SIM_PORT (4011), BATON_URL
// (http://localhost:8080), GENESYS_BOT_PROVIDER_ID (genesys-bot), GENESYS_BOT_ID (demo),
// GENESYS_BOT_LANGUAGE (en-us), GENESYS_BOT_TIMEOUT_MS (30000, the action's Bot Response Timeout).
import { randomBytes } from 'node:crypto';
import { repl } from './shared.js';
import { startBotConnectorSimulator, type Outcome, type SimSession } from './genesys-bot-connector.js';

const port = Number(process.env.GENESYS_BOT_SIM_PORT ?? 4011);
const batonUrl = (process.env.BATON_URL ?? 'http://localhost:8080').replace(/\/+$/, '');
const providerId = process.env.GENESYS_BOT_PROVIDER_ID ?? 'genesys-bot';
const botId = process.env.GENESYS_BOT_ID ?? 'demo';
const languageCode = process.env.GENESYS_BOT_LANGUAGE ?? 'en-us';

const sim = await startBotConnectorSimulator({
  port,
  botConnectorUri: `${batonUrl}/api/v1/providers/genesys-bot-connector/${providerId}/botconnector`,
  credential: { name: 'X-Baton-Connection-Secret', value: process.env.GENESYS_BOT_SIM_SECRET ?? randomBytes(16).toString('hex') },
  clientId: 'sim-bot-client',
  clientSecret: randomBytes(12).toString('hex'),
  botResponseTimeoutMs: Number(process.env.GENESYS_BOT_TIMEOUT_MS ?? 30_000),
});

const provider = { id: providerId, type: 'genesys-bot-connector', name: 'Genesys Web Messaging (simulated)', config: sim.providerConfig() };
console.log(`Genesys Digital Bot Connector simulator on ${sim.url}`);
console.log('Add this provider in Settings > Offloading (or to "providers" in PUT /api/v1/settings/offloading):\n');
console.log(JSON.stringify(provider, null, 2));
console.log(`
Type a message to send it as the customer. Commands:
  /bots            load the bot list as Architect does (and what the spec refuses in it)
  /press <n>       press the n-th quick reply or card button offered last
  /resend          send the last message again with the same messageId
  /new             a new Genesys conversation;  /again  a new bot session of the same one
  /fail <n> [st]   the next n outgoing messages fail (default 503)
  /quit`);

let session: SimSession = sim.startSession({ botId, languageCode });
let printed = 0;

function show(o: Outcome) {
  console.log(`[${o.httpStatus} in ${o.ms} ms, ${o.attempts} attempt(s)] ${o.botState ?? ''} → ${o.path}${o.errorType ? ` (${o.errorType})` : ''}`);
  for (const p of o.problems) console.log(`  ! ${p}`);
  if (o.intent) console.log(`  intent ${o.intent}; parameters ${JSON.stringify(o.parameters ?? {})}`);
  flush();
}

function flush() {
  for (const t of session.transcript.slice(printed)) {
    const m = t.message;
    const extra = (m.content ?? []).map((c) => `[${String(c.contentType)}] ${JSON.stringify(c.quickReply ?? c.card ?? c.carousel ?? {})}`);
    console.log(`  ${t.via === 'outgoing' ? '(later) ' : ''}bot: ${m.text ?? ''}${extra.length ? `\n    ${extra.join('\n    ')}` : ''}`);
  }
  printed = session.transcript.length;
  if (session.result?.via === 'outgoing') console.log(`  session ended: ${JSON.stringify(session.result)}`);
}
// replies that come later arrive as outgoing messages
setInterval(() => session.transcript.length > printed && flush(), 500).unref();

async function run(line: string): Promise<void> {
  const [cmd = '', ...rest] = line.trim().split(/\s+/);
  if (!line.trim()) return;
  if (cmd === '/quit') {
    await sim.close();
    process.exit(0);
  }
  if (cmd === '/bots') {
    const r = await sim.listBots();
    console.log(JSON.stringify(r.bots, null, 2));
    for (const p of r.problems) console.log(`  ! ${p}`);
    return;
  }
  if (cmd === '/new' || cmd === '/again') {
    session = cmd === '/new' ? sim.startSession({ botId, languageCode }) : sim.nextSession(session);
    printed = 0;
    console.log(`bot session ${session.botSessionId} of Genesys conversation ${session.genesysConversationId}`);
    return;
  }
  if (cmd === '/fail') {
    sim.failNext(Number(rest[0] ?? 1), Number(rest[1] ?? 503));
    return;
  }
  if (!session.open) {
    console.log('the bot session is closed (/again starts the next one)');
    return;
  }
  if (cmd === '/press') {
    const b = sim.offered(session)[Number(rest[0] ?? 1) - 1];
    if (!b) return void console.log('no such button');
    return show(await sim.press(session, b));
  }
  if (cmd === '/resend') return show(await sim.resend(session));
  show(await sim.say(session, line.trim()));
}

repl('customer> ', run, () => sim.close());

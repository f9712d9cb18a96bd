#!/usr/bin/env node
// A complete Offloading Webhook receiver in plain Node (no dependencies): verifies Baton's signature,
// ignores repeated deliveries, prints every event, and plays a tiny "agent": it accepts each handover,
// greets the user, and sends whatever you type in the terminal to the most recent conversation.
//   Commands: any text → agent message · /close · /handback [dialog] · /typing
//
//   node examples/webhook-receiver.mjs --secret <shared secret> --baton http://127.0.0.1:8080 --provider acme [--port 9000]
//
// In Baton (Settings > Offloading) add a provider {"id":"acme","type":"webhook","name":"Acme",
// "config":{"url":"http://127.0.0.1:9000/baton","secret":"<shared secret>"}} and make it the default.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import readline from 'node:readline';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const SECRET = args.secret ?? process.env.BATON_WEBHOOK_SECRET;
const BATON = (args.baton ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const PROVIDER = args.provider ?? 'acme';
const PORT = Number(args.port ?? 9000);
const AGENT = { id: 'alex', name: args.agent ?? 'Alex' };
if (!SECRET) {
  console.error('usage: node examples/webhook-receiver.mjs --secret <secret> [--baton URL] [--provider id] [--port 9000]');
  process.exit(2);
}

const TOLERANCE_SECONDS = 300;
const seen = new Set(); // X-Baton-Delivery ids already handled (use a table in production)
let current; // the conversation the terminal talks to

function sign(body) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')}`;
}

// During a secret rotation Baton sends one v1 per secret (t=…,v1=<new>,v1=<old>): accept if any matches.
function verify(raw, header) {
  const parts = String(header ?? '').split(',').map((p) => p.split('=').map((s) => s.trim()));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const v1 = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => Buffer.from(v));
  if (!Number.isInteger(t) || v1.length === 0) return false;
  if (Math.abs(Date.now() / 1000 - t) > TOLERANCE_SECONDS) return false; // replay protection
  const want = Buffer.from(createHmac('sha256', SECRET).update(`${t}.${raw}`).digest('hex'));
  return v1.some((got) => want.length === got.length && timingSafeEqual(want, got));
}

async function callBaton(event) {
  const body = JSON.stringify({ id: randomUUID(), ...event });
  const res = await fetch(`${BATON}/api/v1/providers/webhook/${PROVIDER}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-baton-signature': sign(body) },
    body,
  });
  if (!res.ok) console.error(`  ← Baton answered ${res.status}: ${await res.text()}`);
}

http
  .createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      if (!verify(raw, req.headers['x-baton-signature'])) {
        res.writeHead(401).end('bad signature');
        return;
      }
      const delivery = req.headers['x-baton-delivery'];
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (seen.has(delivery)) return; // a retry of something we already handled
      seen.add(delivery);
      const e = JSON.parse(raw);
      const conv = e.conversation?.id;
      switch (e.type) {
        case 'handover.requested': {
          console.log(`\n→ handover for ${conv} (${e.handover.trigger}: ${e.handover.reason}) skill=${e.handover.skill} language=${e.handover.language}`);
          console.log(`  tags: ${e.handover.tags.join(', ') || '-'}  variables: ${JSON.stringify(e.handover.variables)}`);
          for (const m of e.transcript) console.log(`  [${m.author.type}] ${m.text ?? ''}${m.buttons ? ` (${m.buttons.map((b) => b.title).join(' | ')})` : ''}`);
          current = conv;
          await callBaton({ type: 'agent.accepted', conversationId: conv, agent: AGENT });
          await callBaton({ type: 'agent.message', conversationId: conv, agent: AGENT, text: `Hi, I'm ${AGENT.name}. I have read your conversation with our bot — how can I help?` });
          break;
        }
        case 'message.created':
          console.log(`→ ${conv} [${e.message.author.type}] ${e.message.text ?? e.message.postback ?? ''}`);
          break;
        default:
          console.log(`→ ${e.type} ${conv}${e.reason ? ` (${e.reason})` : ''}`);
      }
    });
  })
  .listen(PORT, '127.0.0.1', () => console.log(`Webhook receiver on http://127.0.0.1:${PORT}/baton — type to answer the latest conversation`));

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  if (!current) return console.log('(no conversation yet)');
  if (line === '/close') return callBaton({ type: 'conversation.closed', conversationId: current, agent: AGENT });
  if (line.startsWith('/handback')) return callBaton({ type: 'conversation.handback', conversationId: current, agent: AGENT, dialog: line.split(' ')[1] });
  if (line === '/typing') return callBaton({ type: 'agent.typing', conversationId: current, agent: AGENT, on: true });
  if (line.trim()) await callBaton({ type: 'agent.message', conversationId: current, agent: AGENT, text: line });
});

// A fixture-backed stand-in for the Baton API, for looking at the desk (screenshots, layout work)
// when a real server is not at hand. It follows DESIGN.md §3 closely enough for every desk page;
// it is not a test double for the server's behaviour. Run: node --import tsx apps/desk/scripts/preview-server.ts
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');
const PORT = Number(process.env.PORT ?? 5178);
const now = Date.now();
const ago = (s: number) => new Date(now - s * 1000).toISOString();
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

const me = { id: 'ag_admin', email: 'admin@example.com', name: 'Alex Morgan', role: 'admin', skills: ['general', 'address_change', 'billing'], languages: ['en', 'nl', 'fr'], maxConcurrent: 4, status: 'online', createdAt: ago(86400 * 30) };
const agents = [
  me,
  { id: 'ag_sam', email: 'sam@example.com', name: 'Sam Peeters', role: 'agent', skills: ['general', 'billing'], languages: ['en', 'nl'], maxConcurrent: 3, status: 'online', createdAt: ago(86400 * 20) },
  { id: 'ag_lea', email: 'lea@example.com', name: 'Léa Dubois', role: 'supervisor', skills: ['general', 'address_change'], languages: ['fr', 'en'], maxConcurrent: 3, status: 'away', createdAt: ago(86400 * 10) },
  { id: 'ag_tom', email: 'tom@example.com', name: 'Tom Jansen', role: 'agent', skills: ['billing'], languages: ['nl'], maxConcurrent: 2, status: 'offline', createdAt: ago(86400 * 5) },
];

type Msg = { id: string; conversationId: string; seq: number; author: { type: string; id?: string; name?: string }; text?: string; buttons?: unknown[]; cards?: unknown[]; event?: string; internal?: boolean; createdAt: string };
type Conv = Record<string, unknown> & { id: string; status: string; assignee: { id: string; name: string } | null; lastSeq: number };
const conversations: Conv[] = [];
const transcripts = new Map<string, Msg[]>();

function addConv(id: string, o: { status: string; skill: string; language: string; waited: number; user: { name: string | null; email: string | null }; reason: string; trigger: string; tags?: string[]; variables?: Record<string, unknown>; assignee?: { id: string; name: string } | null; lines: [string, string, string?][] }) {
  const msgs: Msg[] = o.lines.map(([type, text, event], i) => ({ id: `${id}_m${i + 1}`, conversationId: id, seq: i + 1, author: type === 'agent' ? { type, id: o.assignee?.id, name: o.assignee?.name } : type === 'bot' ? { type, name: 'Baton bot' } : { type, name: type === 'user' ? (o.user.name ?? undefined) : undefined }, text, event, createdAt: ago(o.waited + 60 - i * 8) }));
  transcripts.set(id, msgs);
  conversations.push({
    id,
    status: o.status,
    language: o.language,
    botId: 'demo',
    skill: o.skill,
    queuePosition: o.status === 'offloaded' ? conversations.filter((c) => c.status === 'offloaded').length + 1 : null,
    estimatedWaitSeconds: null,
    assignee: o.assignee ?? null,
    lastSeq: msgs.length,
    createdAt: ago(o.waited + 120),
    updatedAt: ago(5),
    tags: o.tags ?? [],
    variables: o.variables ?? {},
    handover: { reason: o.reason, trigger: o.trigger, dialog: 'address_change', providerId: 'desk', requestedAt: ago(o.waited), waitingSeconds: o.waited, note: null },
    user: { id: `u_${id}`, ...o.user },
    lastMessage: msgs[msgs.length - 1] ?? null,
    providerId: 'desk',
  });
}

addConv('c_7f3a', {
  status: 'offloaded', skill: 'address_change', language: 'en', waited: 95, user: { name: 'Jamie Lee', email: 'jamie.lee@example.org' },
  reason: 'Address change needs a person', trigger: 'flow_end', tags: ['paper_mail', 'address'],
  variables: { name: 'Jamie Lee', new_address: 'Rue de la Loi 16, 1000 Brussels', email: 'jamie.lee@example.org', customer_id: 48213 },
  lines: [['bot', 'Hi! I am the Baton assistant. How can I help you today?'], ['user', 'I want my paper invoices sent to a new address'], ['bot', 'Sure. What is your full name?'], ['user', 'Jamie Lee'], ['bot', 'And the new address?'], ['user', 'Rue de la Loi 16, 1000 Brussels'], ['bot', 'Thanks! Which email can we reach you at?'], ['user', 'jamie.lee@example.org'], ['system', 'Handed over to an agent: address change', 'conversation.offloaded'], ['bot', 'I am connecting you with a colleague. You are number 1 in the queue.'], ['user', '<script>alert("hi")</script> <b>is this bold?</b>']],
});
addConv('c_91bd', {
  status: 'offloaded', skill: 'billing', language: 'nl', waited: 260, user: { name: null, email: null }, reason: 'User asked for a person', trigger: 'explicit',
  lines: [['bot', 'Hallo! Waarmee kan ik helpen?'], ['user', 'Ik wil met een echte medewerker spreken'], ['system', 'Overgedragen aan een medewerker', 'conversation.offloaded']],
});
addConv('c_22c0', {
  status: 'offloaded', skill: 'general', language: 'fr', waited: 640, user: { name: 'Camille Martin', email: null }, reason: 'The bot did not understand twice', trigger: 'not_understood',
  lines: [['user', 'mon colis est arrivé cassé et je veux un geste commercial'], ['bot', 'Désolé, je n’ai pas compris. Voulez-vous parler à un agent humain ?'], ['user', 'oui'], ['system', 'Transféré à un agent', 'conversation.offloaded']],
});
addConv('c_5e11', {
  status: 'agent', skill: 'general', language: 'en', waited: 40, user: { name: 'Priya Natarajan', email: 'priya@example.com' }, reason: 'User asked for a person', trigger: 'explicit', assignee: { id: me.id, name: me.name },
  tags: ['vip'], variables: { plan: 'Business', seats: 25 },
  lines: [['user', 'Can I talk to someone about our contract?'], ['system', 'Waiting for an agent', 'conversation.offloaded'], ['system', 'Alex Morgan joined', 'conversation.assigned'], ['agent', 'Hi Priya, Alex here. Happy to help with the contract — what would you like to change?'], ['user', 'We need 10 more seats from next month, and the invoice address changes too.']],
});
addConv('c_a0a0', {
  status: 'agent', skill: 'billing', language: 'nl', waited: 20, user: { name: 'Noah Willems', email: null }, reason: 'User asked for a person', trigger: 'explicit', assignee: { id: 'ag_sam', name: 'Sam Peeters' },
  lines: [['user', 'Factuur klopt niet'], ['system', 'Sam Peeters joined', 'conversation.assigned']],
});
addConv('c_old1', {
  status: 'closed', skill: 'general', language: 'en', waited: 86400 * 3, user: { name: 'Jamie Lee', email: 'jamie.lee@example.org' }, reason: 'User asked for a person', trigger: 'explicit', assignee: { id: 'ag_sam', name: 'Sam Peeters' },
  lines: [['user', 'Where is my order?'], ['agent', 'It ships tomorrow.'], ['system', 'Closed by Sam Peeters', 'conversation.closed']],
});
transcripts.get('c_5e11')!.push({ id: 'c_5e11_note', conversationId: 'c_5e11', seq: 6, author: { type: 'agent', id: me.id, name: me.name }, text: 'Check with sales before promising the seat discount.', internal: true, createdAt: ago(10) });

let settings: Record<string, unknown> = {
  enabled: true,
  timezone: 'Europe/Brussels',
  openingHours: { monday: [{ from: '09:00', to: '12:30' }, { from: '13:30', to: '17:00' }], tuesday: [{ from: '09:00', to: '17:00' }], wednesday: [{ from: '09:00', to: '17:00' }], thursday: [{ from: '09:00', to: '17:00' }], friday: [{ from: '09:00', to: '16:00' }] },
  closures: [{ date: '2026-12-25', name: 'Christmas' }, { date: '2026-12-31', name: 'New Year’s Eve', from: '13:00', to: '24:00' }],
  waitingTimeoutSeconds: 600,
  defaultProviderId: 'desk',
  providers: [
    { id: 'desk', type: 'desk', name: 'Baton desk' },
    { id: 'acme', type: 'webhook', name: 'Acme contact center', enabled: true, skills: ['claims'], config: { url: 'https://cc.acme.example/baton', secret: '********' } },
    { id: 'genesys', type: 'genesys-cloud', name: 'Genesys Cloud EU', enabled: true, skills: ['billing'], config: { region: 'mypurecloud.de', clientId: 'b3f1c2d4-0000-4000-8000-1234567890ab', clientSecret: '********', integrationId: '7d1e0c9a-1111-4111-8111-abcdefabcdef', webhookSecret: '********', onAgentEnd: 'handback', pollSeconds: 30 } },
    { id: 'helpscout', type: 'help-scout', name: 'Help Scout', enabled: false, skills: ['address_change'], config: { clientId: 'hs-app-id', clientSecret: '********', mailboxId: 12345, skillMailboxes: { address_change: 23456 }, webhookSecret: '********', onClose: 'close' } },
  ],
  routing: { mode: 'auto', overflowAfterSeconds: 300, overflowSkill: 'general' },
  dialogs: { opened: 'offloading_opened' },
};
const canned = [
  { id: 'cr1', shortcut: 'hello', title: 'Greeting', text: 'Hi! Thanks for waiting — how can I help?' },
  { id: 'cr2', shortcut: 'address', title: 'Address changed', text: 'Your address is updated; the next paper invoice goes to the new address.' },
  { id: 'cr3', shortcut: 'bye', title: 'Goodbye', text: 'Glad I could help. Have a nice day!' },
];
const BOT_SOURCE = `id: demo\nname: Demo bot\nlanguages: [en, nl, fr]\nthreshold: 0.6\nintents:\n  ask_agent:\n    en: ["I want to speak to a real agent", "human please"]\ndialogs:\n  welcome:\n    - text: { en: "Hi! How can I help you today?" }\n  offloading_opened:\n    - text: { en: "Connecting you with a colleague…" }\n`;

type Channel = { id: string; name: string; url: string; secret: string; botId: string | null; enabled: boolean; inboundUrl: string; createdAt: string };
const channels: Channel[] = [
  { id: 'sms', name: 'SMS gateway', url: 'https://sms.example.com/baton/outbound', secret: '********', botId: 'demo', enabled: true, inboundUrl: '/api/v1/channels/sms/events', createdAt: ago(86400 * 4) },
  { id: 'whatsapp', name: 'WhatsApp (Twilio)', url: 'https://connectors.example.org/whatsapp/hook', secret: '********', botId: null, enabled: false, inboundUrl: '/api/v1/channels/whatsapp/events', createdAt: ago(86400) },
];
/** the channel API's validation, roughly: enough for the form's field messages */
function channelProblems(b: Record<string, unknown>, create: boolean) {
  const problems: { path: string; message: string }[] = [];
  if (create && !/^[a-z0-9_-]+$/i.test(String(b.id ?? ''))) problems.push({ path: 'id', message: 'letters, digits, _ and - only' });
  if ((create || 'name' in b) && !String(b.name ?? '').trim()) problems.push({ path: 'name', message: 'Too small: expected string to have >=1 characters' });
  if ((create || 'url' in b) && !/^https?:\/\/\S+$/.test(String(b.url ?? ''))) problems.push({ path: 'url', message: 'Invalid URL' });
  if ((create || 'secret' in b) && String(b.secret ?? '').length < 16) problems.push({ path: 'secret', message: 'use at least 16 characters' });
  return problems;
}

const sockets = new Set<WebSocket>();
const push = (e: unknown) => sockets.forEach((s) => s.send(JSON.stringify(e)));

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
const err = (res: http.ServerResponse, status: number, code: string, message: string, details?: unknown) => json(res, status, { error: { code, message, details } });

async function body(req: http.IncomingMessage): Promise<string> {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

function addMessage(c: Conv, m: Omit<Msg, 'id' | 'seq' | 'conversationId' | 'createdAt'>) {
  const list = transcripts.get(c.id)!;
  const msg: Msg = { ...m, id: `${c.id}_m${list.length + 1}_${Date.now()}`, seq: c.lastSeq + 1, conversationId: c.id, createdAt: new Date().toISOString() };
  list.push(msg);
  c.lastSeq = msg.seq;
  c.lastMessage = msg;
  push({ type: 'message.created', message: msg });
  return msg;
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const p = url.pathname;
  if (p === '/' || p === '/desk') {
    res.writeHead(302, { location: '/desk/' });
    return res.end();
  }
  if (p.startsWith('/desk/')) {
    const rel = p.slice('/desk/'.length) || 'index.html';
    const file = path.join(DIST, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    if (!fs.existsSync(file)) return err(res, 404, 'NOT_FOUND', 'no file');
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    return res.end(fs.readFileSync(file));
  }
  // screenshot hooks: a user starts typing in a conversation
  if (p === '/__sim/typing') {
    push({ type: 'typing', conversationId: url.searchParams.get('id'), author: { type: 'user', name: 'Priya' }, on: true });
    return json(res, 200, { ok: true });
  }
  const m = req.method ?? 'GET';
  const api = p.replace(/^\/api\/v1/, '');
  const authed = (req.headers.cookie ?? '').includes('baton_session=');
  if (m !== 'GET' && api !== '/auth/login' && req.headers['x-requested-with'] !== 'baton-desk') return err(res, 403, 'CSRF_REJECTED', 'missing X-Requested-With');
  if (api === '/auth/login') {
    const b = JSON.parse((await body(req)) || '{}');
    if (b.password !== 'admin-password') return err(res, 401, 'INVALID_CREDENTIALS', 'Email or password is wrong');
    res.setHeader('set-cookie', 'baton_session=preview; Path=/; HttpOnly; SameSite=Strict');
    return json(res, 200, { token: 'preview', agent: me, expiresAt: ago(-86400) });
  }
  if (!authed) return err(res, 401, 'UNAUTHORIZED', 'Sign in first');
  if (api === '/auth/logout') {
    res.setHeader('set-cookie', 'baton_session=; Path=/; Max-Age=0');
    return json(res, 200, { ok: true });
  }
  if (api === '/agent/me') return json(res, 200, { agent: me });
  if (api === '/agent/status') {
    me.status = JSON.parse(await body(req)).status;
    return json(res, 200, { agent: me });
  }
  if (api === '/agent/conversations') {
    const status = url.searchParams.get('status') ?? 'agent';
    let list = conversations.filter((c) => c.status === status);
    if (status === 'agent' && url.searchParams.get('scope') !== 'all') list = list.filter((c) => c.assignee?.id === me.id);
    return json(res, 200, { conversations: list });
  }
  const cm = /^\/agent\/conversations\/([^/]+)(?:\/(\w+))?$/.exec(api);
  if (cm) {
    const c = conversations.find((x) => x.id === cm[1]);
    if (!c) return err(res, 404, 'CONVERSATION_NOT_FOUND', 'No such conversation');
    const action = cm[2];
    if (!action) return json(res, 200, { conversation: c, messages: transcripts.get(c.id) });
    if (action === 'history') return json(res, 200, { conversations: conversations.filter((x) => x.id !== c.id && (x.user as { name: string | null }).name === (c.user as { name: string | null }).name && (c.user as { name: string | null }).name) });
    if (action === 'accept') {
      if (c.status === 'agent' && c.assignee?.id !== me.id) return err(res, 409, 'ALREADY_ASSIGNED', 'Another agent already owns this conversation');
      c.status = 'agent';
      c.assignee = { id: me.id, name: me.name };
      addMessage(c, { author: { type: 'system' }, text: `${me.name} joined`, event: 'conversation.assigned' });
      push({ type: 'queue.updated', conversationId: c.id, status: 'agent' });
      return json(res, 200, { conversation: c });
    }
    if (action === 'messages') {
      const b = JSON.parse(await body(req));
      const msg = addMessage(c, { author: { type: 'agent', id: me.id, name: me.name }, ...b });
      return json(res, 201, { message: msg });
    }
    if (action === 'close' || action === 'handback') {
      c.status = action === 'close' ? 'closed' : 'bot';
      addMessage(c, { author: { type: 'system' }, text: action === 'close' ? 'Closed' : 'Back to the bot', event: action === 'close' ? 'conversation.closed' : 'conversation.handed_back' });
      push({ type: 'queue.updated', conversationId: c.id, status: c.status });
      return json(res, 200, { ok: true });
    }
    if (action === 'transfer' || action === 'typing') return json(res, 200, { ok: true });
  }
  if (api === '/agent/canned-responses') return json(res, 200, { cannedResponses: canned });
  if (api === '/supervisor/overview') {
    const load = (id: string) => conversations.filter((c) => c.status === 'agent' && c.assignee?.id === id).length;
    return json(res, 200, { queue: conversations.filter((c) => c.status === 'offloaded'), live: conversations.filter((c) => c.status === 'agent'), agents: agents.map((a) => ({ agent: a, activeChats: load(a.id) })) });
  }
  if (api === '/agents') return json(res, 200, { agents });
  if (api === '/agent/colleagues') {
    const load = (id: string) => conversations.filter((c) => c.status === 'agent' && c.assignee?.id === id).length;
    return json(res, 200, { agents: agents.map(({ email: _email, createdAt: _createdAt, ...a }) => ({ agent: a, activeChats: load(a.id) })) });
  }
  if (api === '/settings/offloading') {
    if (m === 'PUT') {
      const next = JSON.parse(await body(req));
      // like the providers' config checks: a Help Scout provider needs its mailbox
      const problems = (next.providers as { type: string; config?: Record<string, unknown> }[]).flatMap((p, i) =>
        p.type === 'help-scout' && typeof p.config?.mailboxId !== 'number' ? [{ path: `providers.${i}.config.mailboxId`, message: 'Invalid input: expected number, received undefined' }] : [],
      );
      if (problems.length) return err(res, 422, 'SETTINGS_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
      settings = next;
    }
    return json(res, 200, settings);
  }
  if (api === '/bots') return json(res, 200, { bots: [{ id: 'demo', name: 'Demo bot', version: 3, updatedAt: ago(7200) }] });
  if (api === '/bots/demo') {
    if (m === 'PUT') return json(res, 200, { bot: { id: 'demo', name: 'Demo bot', version: 4, updatedAt: new Date().toISOString() } });
    return json(res, 200, { bot: { id: 'demo', name: 'Demo bot', version: 3, updatedAt: ago(7200), source: BOT_SOURCE, format: 'yaml' } });
  }
  if (api === '/bots/demo/dialogs') return json(res, 200, { dialogs: ['address_change', 'goodbye', 'main_menu', 'not_understood', 'offloading_closed', 'offloading_disabled', 'offloading_opened', 'welcome'] });
  if (api === '/bots/validate') {
    const src = await body(req);
    if (src.includes('dialogs:') && src.includes('offloading_closed')) return json(res, 200, { ok: true });
    return err(res, 422, 'BOT_INVALID', '3 problem(s) in the bot definition', {
      problems: [
        { path: 'dialogs.offloading_closed', message: 'The system dialog offloading_closed is required' },
        { path: 'dialogs.offloading_disabled', message: 'The system dialog offloading_disabled is required' },
        { path: 'intents.ask_agent.nl', message: 'Training phrases are missing for language nl' },
      ],
    });
  }
  if (api === '/analytics') {
    return json(res, 200, {
      handovers: { total: 184, byTrigger: { explicit: 97, not_understood: 52, flow_end: 35 }, byReason: { 'User asked for a person': 97, 'The bot did not understand twice': 52, 'Address change needs a person': 35 }, bySkill: { general: 112, address_change: 35, billing: 37 }, byLanguage: { en: 91, nl: 61, fr: 32 }, byProvider: { desk: 160, acme: 24 } },
      waitSeconds: { p50: 48, p90: 212, count: 171 },
      abandonment: { count: 13, rate: 0.071 },
      handlingSeconds: { p50: 412, p90: 1260, byAgent: [{ agentId: 'ag_sam', name: 'Sam Peeters', p50: 380, count: 74 }, { agentId: 'ag_admin', name: 'Alex Morgan', p50: 455, count: 51 }, { agentId: 'ag_lea', name: 'Léa Dubois', p50: 301, count: 46 }] },
    });
  }
  if (api === '/channels') {
    if (m === 'POST') {
      const b = JSON.parse((await body(req)) || '{}');
      const problems = channelProblems(b, true);
      if (problems.length) return err(res, 422, 'VALIDATION_FAILED', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
      if (channels.some((c) => c.id === b.id)) return err(res, 422, 'VALIDATION_FAILED', `A channel "${b.id}" already exists`);
      const c: Channel = { id: b.id, name: b.name, url: b.url, secret: '********', botId: b.botId ?? null, enabled: b.enabled !== false, inboundUrl: `/api/v1/channels/${b.id}/events`, createdAt: new Date().toISOString() };
      channels.push(c);
      return json(res, 201, { channel: c });
    }
    return json(res, 200, { channels });
  }
  const chm = /^\/channels\/([^/]+)$/.exec(api);
  if (chm) {
    const c = channels.find((x) => x.id === decodeURIComponent(chm[1]!));
    if (!c) return err(res, 404, 'NOT_FOUND', 'No such channel');
    if (m === 'DELETE') {
      channels.splice(channels.indexOf(c), 1);
      return json(res, 200, { ok: true });
    }
    if (m === 'PATCH') {
      const b = JSON.parse((await body(req)) || '{}');
      const problems = channelProblems(b, false);
      if (problems.length) return err(res, 422, 'VALIDATION_FAILED', problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems });
      Object.assign(c, { ...b, secret: '********' });
    }
    return json(res, 200, { channel: c });
  }
  if (api === '/providers/deliveries') {
    return json(res, 200, {
      deliveries: [
        { id: 'd4', providerId: 'channel:sms', event: 'message.created', status: 'delivered', attempts: 1, lastError: null, nextAttemptAt: null, createdAt: ago(120) },
        { id: 'd1', providerId: 'acme', event: 'handover.requested', status: 'delivered', attempts: 1, lastError: null, nextAttemptAt: null, createdAt: ago(300) },
        { id: 'd2', providerId: 'acme', event: 'message.created', status: 'pending', attempts: 3, lastError: 'HTTP 503 from https://cc.acme.example/baton', nextAttemptAt: ago(-40), createdAt: ago(200) },
        { id: 'd3', providerId: 'acme', event: 'handover.cancelled', status: 'dead', attempts: 12, lastError: 'connect ECONNREFUSED 10.0.0.7:443', nextAttemptAt: null, createdAt: ago(86400) },
      ]
        .filter((d) => !url.searchParams.get('status') || d.status === url.searchParams.get('status'))
        .filter((d) => !url.searchParams.get('providerId') || d.providerId === url.searchParams.get('providerId')),
    });
  }
  if (/^\/providers\/deliveries\/[^/]+\/redeliver$/.test(api)) return json(res, 200, { ok: true });
  return err(res, 404, 'NOT_FOUND', `preview server has no ${m} ${p}`);
});

const wss = new WebSocketServer({ noServer: true });
server.on('upgrade', (req, socket, head) => {
  if (!req.url?.startsWith('/api/v1/ws')) return socket.destroy();
  wss.handleUpgrade(req, socket, head, (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('message', (d) => {
      const e = JSON.parse(String(d));
      if (e.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
    });
    ws.send(JSON.stringify({ type: 'ready' }));
  });
});

server.listen(PORT, '127.0.0.1', () => console.log(`desk preview on http://127.0.0.1:${PORT}/desk/`));

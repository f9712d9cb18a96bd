// Puts a real Baton (with the demo bot) in a state worth looking at: offloading open, a colleague
// online, and users who asked for a person through each handover pattern. Then run screenshots.ts
// against it. Usage: BATON_URL=http://127.0.0.1:8080 node --import tsx apps/desk/scripts/seed-demo.ts
const BASE = process.env.BATON_URL ?? 'http://127.0.0.1:8080';
const EMAIL = process.env.DESK_EMAIL ?? 'admin@example.com';
const PASSWORD = process.env.DESK_PASSWORD ?? 'admin-password';

async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const r = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return json;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const admin = (await call('POST', '/api/v1/auth/login', { email: EMAIL, password: PASSWORD })).token as string;
// broadcast mode leaves chats in the queue for someone to accept (auto mode would assign them at once)
const settings = await call('GET', '/api/v1/settings/offloading', undefined, admin);
await call('PUT', '/api/v1/settings/offloading', { ...settings, enabled: true, alwaysOpen: true, routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } }, admin);
// the whole agent is sent: the server's PATCH applies the create defaults to absent fields
await call('PATCH', `/api/v1/agents/${(await call('GET', '/api/v1/agent/me', undefined, admin)).agent.id}`, { name: 'Alex Morgan', role: 'admin', skills: ['general', 'address_change'], languages: ['en', 'nl', 'fr'], maxConcurrent: 4 }, admin);
await call('PUT', '/api/v1/agent/status', { status: 'online' }, admin);

const existing = (await call('GET', '/api/v1/agents', undefined, admin)).agents as { email: string }[];
if (!existing.some((a) => a.email === 'sam@example.com')) {
  await call('POST', '/api/v1/agents', { email: 'sam@example.com', password: 'sam-password', name: 'Sam Peeters', role: 'agent', skills: ['general'], languages: ['en', 'nl'], maxConcurrent: 3 }, admin);
  await call('POST', '/api/v1/agents', { email: 'lea@example.com', password: 'lea-password', name: 'Léa Dubois', role: 'supervisor', skills: ['general', 'address_change'], languages: ['fr', 'en'], maxConcurrent: 3 }, admin);
}
for (const c of [
  { shortcut: 'hello', title: 'Greeting', text: 'Hi! Thanks for waiting — how can I help?' },
  { shortcut: 'address', title: 'Address changed', text: 'Your address is updated; the next paper goes to the new address.' },
]) {
  await call('POST', '/api/v1/canned-responses', c, admin).catch(() => undefined);
}

async function user(locale: string, name: string | undefined, lines: string[]) {
  const c = await call('POST', '/api/v1/conversations', { locale, ...(name ? { user: { name } } : {}) });
  for (const text of lines) {
    await call('POST', `/api/v1/conversations/${c.conversation.id}/messages`, { text }, c.token);
    await sleep(300);
  }
  return c;
}
await user('fr', 'Camille Martin', ['mon colis est arrivé cassé', 'Je veux parler à un vrai agent']);
await user('nl', undefined, ['Ik wil met een echte medewerker spreken']);
await user('en', 'Jamie Lee', ['I want my paper sent to a new address', 'Jamie Lee', 'Rue de la Loi 16, 1000 Brussels', 'jamie.lee@example.org', '<script>alert("hi")</script> <b>is this bold?</b>']);
console.log('seeded', BASE);

export {};

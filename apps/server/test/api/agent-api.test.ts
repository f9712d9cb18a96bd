// The agent side through real HTTP: auth, roles, agents CRUD, queue, accept races, owner-only
// actions, bot silence, notes, transfer, hand back, close, history, analytics.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login, messages } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';
import { userHashOf } from '../../src/commands/create-conversation.js';

const IDENTITY_SECRET = 'identity-secret-0123456789';

let s: TestServer;
let admin: string;
beforeAll(async () => {
  s = await startTestServer({ env: { IDENTITY_VERIFICATION_SECRET: IDENTITY_SECRET } });
  admin = await login(s.url);
  await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
});
afterAll(async () => {
  await s?.close();
});

const conv = (token: string, id: string) => call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token });

describe('auth and agents', () => {
  it('logs in with argon2-checked passwords; wrong ones get 401 INVALID_CREDENTIALS', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'nope' } });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('INVALID_CREDENTIALS');
    const unknown = await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: 'ghost@example.com', password: 'nope' } });
    expect(unknown.body.error.code).toBe('INVALID_CREDENTIALS');
    const ok = await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'admin-password' } });
    expect(ok.status).toBe(200);
    expect(ok.body.agent).toMatchObject({ role: 'admin', email: 'admin@example.com' });
    expect(ok.body.agent).not.toHaveProperty('password_hash');
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/baton_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const row = await s.baton.deps.store.db.selectFrom('agents').select('password_hash').where('email', '=', 'admin@example.com').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    const sessions = await s.baton.deps.store.db.selectFrom('sessions').select('token_hash').execute();
    expect(sessions.map((x) => x.token_hash)).not.toContain(ok.body.token);
  });

  it('the desk cookie works for reads and needs X-Requested-With for writes (CSRF)', async () => {
    const ok = await call(s.url, 'POST', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'admin-password' } });
    const cookie = (ok.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await call(s.url, 'GET', '/api/v1/agent/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    const noHeader = await call(s.url, 'PUT', '/api/v1/agent/status', { headers: { cookie }, body: { status: 'away' } });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe('CSRF_REJECTED');
    const withHeader = await call(s.url, 'PUT', '/api/v1/agent/status', { headers: { cookie, 'x-requested-with': 'baton-desk' }, body: { status: 'away' } });
    expect(withHeader.status).toBe(200);
    const out = await call(s.url, 'POST', '/api/v1/auth/logout', { headers: { cookie, 'x-requested-with': 'baton-desk' } });
    expect(out.status).toBe(200);
    expect((await call(s.url, 'GET', '/api/v1/agent/me', { headers: { cookie } })).status).toBe(401);
  });

  it('only admins manage agents and settings; emails are unique; the last admin stays', async () => {
    const a = await makeAgent(s.url, admin, { skills: ['billing'], languages: ['en'] });
    const sup = await makeAgent(s.url, admin, { role: 'supervisor' });
    for (const token of [a.token, sup.token]) {
      expect((await call(s.url, 'POST', '/api/v1/agents', { token, body: { email: 'x@example.com', password: 'password1', name: 'X' } })).status).toBe(403);
      expect((await call(s.url, 'GET', '/api/v1/settings/offloading', { token })).status).toBe(403);
    }
    expect((await call(s.url, 'GET', '/api/v1/agents', { token: sup.token })).status).toBe(200);
    const dup = await call(s.url, 'POST', '/api/v1/agents', { token: admin, body: { email: a.email, password: 'password1', name: 'Dup' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('EMAIL_TAKEN');
    const weak = await call(s.url, 'POST', '/api/v1/agents', { token: admin, body: { email: 'w@example.com', password: 'short', name: 'W' } });
    expect(weak.status).toBe(422);
    const patched = await call(s.url, 'PATCH', `/api/v1/agents/${a.id}`, { token: admin, body: { maxConcurrent: 4, skills: ['billing', 'general'] } });
    expect(patched.body.agent).toMatchObject({ maxConcurrent: 4, skills: ['billing', 'general'] });
    // a PATCH changes only what it names
    const renamed = await call(s.url, 'PATCH', `/api/v1/agents/${a.id}`, { token: admin, body: { name: 'Renamed' } });
    expect(renamed.body.agent).toMatchObject({ name: 'Renamed', maxConcurrent: 4, skills: ['billing', 'general'], languages: ['en'], role: 'agent' });
    const me = (await call(s.url, 'GET', '/api/v1/agent/me', { token: admin })).body.agent;
    const lastAdmin = await call(s.url, 'DELETE', `/api/v1/agents/${me.id}`, { token: admin });
    expect(lastAdmin.status).toBe(409);
    expect(lastAdmin.body.error.code).toBe('LAST_ADMIN');
    const gone = await call(s.url, 'DELETE', `/api/v1/agents/${sup.id}`, { token: admin });
    expect(gone.status).toBe(200);
    expect((await call(s.url, 'GET', '/api/v1/agent/me', { token: sup.token })).status).toBe(401);
  });

  it("the first-start password file goes once that admin's password is changed, not when someone else's is", async () => {
    const own = await startTestServer();
    try {
      // as the first start leaves it when it generated the password (here: the admin's current one)
      const file = path.join(own.dataDir, 'initial-admin-password');
      fs.writeFileSync(file, 'admin-password\n', { mode: 0o600 });
      const token = await login(own.url);
      const other = await makeAgent(own.url, token);
      expect((await call(own.url, 'PATCH', `/api/v1/agents/${other.id}`, { token, body: { password: 'another-password-1' } })).status).toBe(200);
      expect(fs.existsSync(file)).toBe(true);
      const me = (await call(own.url, 'GET', '/api/v1/agent/me', { token })).body.agent;
      expect((await call(own.url, 'PATCH', `/api/v1/agents/${me.id}`, { token, body: { password: 'a-new-admin-password' } })).status).toBe(200);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      await own.close();
    }
  });

  it('agents start offline and set their status', async () => {
    const a = await makeAgent(s.url, admin, { online: false });
    expect((await call(s.url, 'GET', '/api/v1/agent/me', { token: a.token })).body.agent.status).toBe('offline');
    const r = await call(s.url, 'PUT', '/api/v1/agent/status', { token: a.token, body: { status: 'online' } });
    expect(r.body.agent.status).toBe('online');
    expect((await call(s.url, 'PUT', '/api/v1/agent/status', { token: a.token, body: { status: 'busy' } })).status).toBe(422);
  });
});

describe('handover on the desk', () => {
  it('the queue shows the full transcript, handover, tags and variables; accept is atomic and idempotent', async () => {
    const c = await offloadedConversation(s.url, { user: { name: 'Jan', email: 'jan@example.com' } });
    const a = await makeAgent(s.url, admin, { skills: ['general'], languages: ['en'] });
    const queue = await call(s.url, 'GET', '/api/v1/agent/conversations?status=offloaded', { token: a.token });
    expect(queue.body.conversations.map((x: { id: string }) => x.id)).toContain(c.id);
    const detail = await conv(a.token, c.id);
    expect(detail.body.conversation).toMatchObject({ status: 'offloaded', skill: 'general', language: 'en', user: { name: 'Jan', email: 'jan@example.com' } });
    expect(detail.body.conversation.handover).toMatchObject({ trigger: 'explicit', providerId: 'desk' });
    expect(detail.body.conversation.queuePosition).toBeGreaterThanOrEqual(1);
    const types = detail.body.messages.map((m: { author: { type: string } }) => m.author.type);
    expect(types).toContain('bot');
    expect(types).toContain('user');
    expect(detail.body.messages.some((m: { event?: string }) => m.event === 'conversation.offloaded')).toBe(true);

    const first = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    expect(first.status).toBe(200);
    expect(first.body.conversation).toMatchObject({ status: 'agent', assignee: { id: a.id } });
    const again = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    expect(again.status).toBe(200);
    const b = await makeAgent(s.url, admin, { skills: ['general'] });
    const late = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: b.token });
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('ALREADY_ASSIGNED');
    // the user sees who joined
    const user = await messages(s.url, c.id, c.token);
    expect(user.some((m) => m.author.type === 'system' && m.text?.includes(a.name))).toBe(true);
    expect(user.some((m) => m.event === 'conversation.offloaded')).toBe(false);
  });

  it('under many parallel accepts exactly one agent wins', async () => {
    const c = await offloadedConversation(s.url);
    const agents = await Promise.all(Array.from({ length: 12 }, () => makeAgent(s.url, admin, { skills: ['general'] })));
    const results = await Promise.all(agents.map((a) => call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token })));
    const wins = results.filter((r) => r.status === 200);
    expect(wins).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.error.code === 'ALREADY_ASSIGNED')).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(11);
    const owner = (await conv(admin, c.id)).body.conversation.assignee.id;
    expect(agents.findIndex((a) => a.id === owner)).toBe(results.findIndex((r) => r.status === 200));
  });

  it('while an agent owns the chat the bot is silent; only the owner replies; notes stay internal', async () => {
    const c = await offloadedConversation(s.url);
    const a = await makeAgent(s.url, admin, { skills: ['general'] });
    const other = await makeAgent(s.url, admin, { skills: ['general'] });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    const before = (await messages(s.url, c.id, c.token)).length;
    const sent = await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'hello there, what are your opening hours?' } });
    expect(sent.status).toBe(201);
    await new Promise((r) => setTimeout(r, 400));
    await s.baton.botTurns.idle();
    const after = await messages(s.url, c.id, c.token);
    expect(after.slice(before).map((m) => m.author.type)).toEqual(['user']);

    const notOwner = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: other.token, body: { text: 'hi' } });
    expect(notOwner.status).toBe(403);
    const reply = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, {
      token: a.token,
      body: { text: 'We are open 9-17', buttons: [{ title: 'Thanks', payload: 'thanks' }], cards: [{ title: 'Our shop', subtitle: 'Main street 1' }] },
    });
    expect(reply.status).toBe(201);
    const note = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a.token, body: { text: 'customer seems upset', internal: true } });
    expect(note.status).toBe(201);
    const userView = await messages(s.url, c.id, c.token);
    expect(userView.some((m) => m.text === 'We are open 9-17' && m.author.type === 'agent' && m.buttons?.[0]?.payload === 'thanks')).toBe(true);
    expect(userView.some((m) => m.text === 'customer seems upset')).toBe(false);
    const agentView = await conv(a.token, c.id);
    expect(agentView.body.messages.some((m: { text?: string; internal?: boolean }) => m.text === 'customer seems upset' && m.internal)).toBe(true);
    const empty = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a.token, body: {} });
    expect(empty.status).toBe(422);
  });

  it('transfer to an agent and to a skill; supervisors may take over', async () => {
    const c = await offloadedConversation(s.url);
    const a = await makeAgent(s.url, admin, { skills: ['general'] });
    const b = await makeAgent(s.url, admin, { skills: ['general', 'billing'] });
    const offline = await makeAgent(s.url, admin, { online: false });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    // a plain agent sees colleagues (status, skills, load) for a transfer, without their e-mail addresses
    const colleagues = await call(s.url, 'GET', '/api/v1/agent/colleagues', { token: a.token });
    expect(colleagues.status).toBe(200);
    const me = colleagues.body.agents.find((l: { agent: { id: string } }) => l.agent.id === a.id);
    expect(me).toMatchObject({ activeChats: 1, agent: { status: 'online', skills: ['general'] } });
    expect(colleagues.body.agents.find((l: { agent: { id: string } }) => l.agent.id === offline.id).agent.status).toBe('offline');
    expect(JSON.stringify(colleagues.body)).not.toContain('@example.com');
    expect((await call(s.url, 'GET', '/api/v1/agents', { token: a.token })).status).toBe(403);
    const refused = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/transfer`, { token: a.token, body: { agentId: offline.id } });
    expect(refused.body.error.code).toBe('AGENT_UNAVAILABLE');
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/transfer`, { token: a.token, body: { agentId: b.id } })).status).toBe(200);
    expect((await conv(b.token, c.id)).body.conversation.assignee.id).toBe(b.id);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a.token, body: { text: 'still me?' } })).status).toBe(403);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/transfer`, { token: b.token, body: { skill: 'billing' } })).status).toBe(200);
    const queued = (await conv(admin, c.id)).body.conversation;
    expect(queued).toMatchObject({ status: 'offloaded', skill: 'billing', assignee: null });
    // an agent without the skill does not see it in the queue
    const queueA = await call(s.url, 'GET', '/api/v1/agent/conversations?status=offloaded', { token: a.token });
    expect(queueA.body.conversations.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const queueB = await call(s.url, 'GET', '/api/v1/agent/conversations?status=offloaded', { token: b.token });
    expect(queueB.body.conversations.map((x: { id: string }) => x.id)).toContain(c.id);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: b.token });
    const sup = await makeAgent(s.url, admin, { role: 'supervisor' });
    const takeover = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: sup.token });
    expect(takeover.status).toBe(200);
    expect(takeover.body.conversation.assignee.id).toBe(sup.id);
  });

  it('hand back to a chosen dialog with variables: the bot answers again', async () => {
    const c = await offloadedConversation(s.url);
    const a = await makeAgent(s.url, admin, { skills: ['general'] });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    const bad = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/handback`, { token: a.token, body: { dialog: 'no_such_dialog' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('DIALOG_NOT_FOUND');
    const dialogs = await call(s.url, 'GET', `/api/v1/bots/demo/dialogs`, { token: a.token });
    expect(dialogs.body.dialogs).toContain('welcome');
    const count = (await messages(s.url, c.id, c.token)).length;
    const hb = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/handback`, { token: a.token, body: { dialog: 'welcome', variables: { order_id: 'A-42' } } });
    expect(hb.status).toBe(200);
    const back = await waitFor(async () => {
      const m = await messages(s.url, c.id, c.token);
      return m.slice(count).some((x) => x.author.type === 'bot') ? m : undefined;
    }, 10_000, 'bot after hand back');
    expect(back.slice(count).some((m) => m.author.type === 'system')).toBe(true);
    const detail = (await conv(admin, c.id)).body.conversation;
    expect(detail).toMatchObject({ status: 'bot', assignee: null });
    expect(detail.variables.order_id).toBe('A-42');
    // and it answers a new message
    const n = (await messages(s.url, c.id, c.token)).length;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'thank you' } });
    await waitFor(async () => (await messages(s.url, c.id, c.token)).slice(n).some((m) => m.author.type === 'bot'), 10_000, 'bot answer');
  });

  it('close; the next user message reopens the conversation with the bot; history is searchable', async () => {
    const els = { user: { id: 'crm-77', name: 'Els' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-77') };
    const c = await offloadedConversation(s.url, els);
    const a = await makeAgent(s.url, admin, { skills: ['general'] });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a.token, body: { text: 'Your parcel zebra-77 is on its way' } });
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/close`, { token: a.token })).status).toBe(200);
    expect((await conv(admin, c.id)).body.conversation.status).toBe('closed');
    const found = await call(s.url, 'GET', `/api/v1/agent/conversations?status=closed&q=ZEBRA-77`, { token: a.token });
    expect(found.body.conversations.map((x: { id: string }) => x.id)).toEqual([c.id]);
    const byAgent = await call(s.url, 'GET', `/api/v1/agent/conversations?status=closed&agentId=${a.id}`, { token: admin });
    expect(byAgent.body.conversations.map((x: { id: string }) => x.id)).toContain(c.id);
    const badDate = await call(s.url, 'GET', `/api/v1/agent/conversations?status=closed&from=2026-02-30`, { token: admin });
    expect(badDate.status).toBe(422);
    // the same (verified) user comes back: the agent sees the earlier conversation
    const c2 = await offloadedConversation(s.url, els);
    const history = await call(s.url, 'GET', `/api/v1/agent/conversations/${c2.id}/history`, { token: a.token });
    expect(history.body.conversations.map((x: { id: string }) => x.id)).toContain(c.id);
    // reopen
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'one more question' } });
    expect((await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status).toBe('bot');
  });

  it('a user cancelling leaves the queue and gets the cancelled dialog', async () => {
    const c = await offloadedConversation(s.url);
    const n = (await messages(s.url, c.id, c.token)).length;
    const r = await call(s.url, 'POST', `/api/v1/conversations/${c.id}/cancel`, { token: c.token });
    expect(r.status).toBe(200);
    expect(r.body.conversation.status).toBe('bot');
    await waitFor(async () => (await messages(s.url, c.id, c.token)).slice(n).some((m) => m.author.type === 'bot'), 10_000, 'cancelled dialog');
    const a = await makeAgent(s.url, admin, { skills: ['general'] });
    const late = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: a.token });
    expect(late.status).toBe(409);
  });

  it('analytics count handovers by trigger, skill and language, waits and abandonment', async () => {
    const r = await call(s.url, 'GET', '/api/v1/analytics', { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.handovers.total).toBeGreaterThan(3);
    expect(r.body.handovers.byTrigger.explicit).toBeGreaterThan(3);
    expect(r.body.handovers.byLanguage.en).toBeGreaterThan(0);
    expect(r.body.waitSeconds.p50).not.toBeNull();
    expect(r.body.abandonment.count).toBeGreaterThanOrEqual(1);
    expect(r.body.handlingSeconds.byAgent.length).toBeGreaterThan(0);
    const agentToken = (await makeAgent(s.url, admin)).token;
    expect((await call(s.url, 'GET', '/api/v1/analytics', { token: agentToken })).status).toBe(403);
    const overview = await call(s.url, 'GET', '/api/v1/supervisor/overview', { token: admin });
    expect(overview.body.agents.length).toBeGreaterThan(3);
  });

  it('canned responses: admins manage, agents read', async () => {
    const created = await call(s.url, 'POST', '/api/v1/canned-responses', { token: admin, body: { shortcut: 'hours', title: 'Opening hours', text: 'We are open 9-17' } });
    expect(created.status).toBe(201);
    const dup = await call(s.url, 'POST', '/api/v1/canned-responses', { token: admin, body: { shortcut: 'hours', title: 'x', text: 'y' } });
    expect(dup.status).toBe(422);
    const a = await makeAgent(s.url, admin);
    const list = await call(s.url, 'GET', '/api/v1/agent/canned-responses', { token: a.token });
    expect(list.body.cannedResponses.map((x: { shortcut: string }) => x.shortcut)).toContain('hours');
    expect((await call(s.url, 'POST', '/api/v1/canned-responses', { token: a.token, body: { shortcut: 'x', title: 'x', text: 'y' } })).status).toBe(403);
  });
});

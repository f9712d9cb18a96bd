// Retention, a contact's erasure and export, and the audit log (DESIGN §10.4, docs/security.md
// "Personal data"), through real HTTP on SQLite and PostgreSQL: settings validation, idle closing on a
// test clock, anonymizing and deleting in batches smaller than the data across a restart part-way,
// an erasure that leaves no trace in any table of the database, the export, the audit entries and who
// may call what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../src/commands/create-conversation.js';
import { ANONYMIZED_TEXT } from '../../src/store/retention.js';
import { signBody } from '../../src/providers/signing.js';
import { rowsContaining, tableNames } from '../support/all-rows.js';
import { upload } from '../support/files.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { allMessages, call, createConversation, login } from '../support/http.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, TestClock, tempDir, waitFor, type TestServer } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
const IDENTITY_SECRET = 'identity-verification-secret-0123';
const CHANNEL_SECRET = 'channel-secret-0123456789';
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const BATCH = 2;

/** A server that can be stopped and started again on the same database (SQLite directory or PostgreSQL database). */
async function restartable(store: (typeof STORES)[number], clock: TestClock) {
  const dataDir = tempDir();
  const pg = store === 'postgres' ? await freshDatabase() : undefined;
  const env = {
    RETENTION_BATCH_SIZE: String(BATCH),
    IDENTITY_VERIFICATION_SECRET: IDENTITY_SECRET,
    ...(pg ? { DATABASE_URL: pg.url, BATON_SECRET_KEY: 'test-secret-key-0123456789abcdef0123' } : {}),
  };
  return {
    start: () => startTestServer({ dataDir, clock, env, build: { workers: false } }),
    drop: async () => pg?.drop(),
  };
}

const userMessages = async (s: TestServer, id: string, token: string) => (await allMessages(s.url, id, token)).filter((m) => !m.event);
const say = async (s: TestServer, c: { id: string; token: string }, text: string) => {
  const r = await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
  if (r.status !== 201) throw new Error(`send: ${r.status} ${JSON.stringify(r.body)}`);
};
const statusOf = async (s: TestServer, id: string) =>
  (await s.baton.deps.store.db.selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirst())?.status;
const metric = async (s: TestServer, action: string) => {
  const text = (await call(s.url, 'GET', '/metrics')).body as string;
  return Number(new RegExp(`baton_retention_conversations_total\\{action="${action}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

describe.each(STORES)('retention on %s', (store) => {
  const clock = new TestClock(Date.parse('2026-01-05T10:00:00Z'));
  let server: Awaited<ReturnType<typeof restartable>>;
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    server = await restartable(store, clock);
    s = await server.start();
    admin = await login(s.url);
  });
  afterAll(async () => {
    await s?.close();
    await server?.drop();
  });

  const put = (body: unknown, token = admin) => call(s.url, 'PUT', '/api/v1/settings/retention', { token, body });

  it('settings: defaults, validation with stable codes and paths, and an audit entry per change', async () => {
    const initial = await call(s.url, 'GET', '/api/v1/settings/retention', { token: admin });
    expect(initial.status).toBe(200);
    expect(initial.body).toEqual({ idleCloseHours: 24, closedAfterDays: null, anonymizeAfterDays: null, deleteAfterDays: null });
    const refused = async (body: unknown, path: string) => {
      const r = await put(body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe('SETTINGS_INVALID');
      expect(r.body.error.details.problems.map((p: { path: string }) => p.path)).toContain(path);
    };
    await refused({ anonymizeAfterDays: 30, deleteAfterDays: 30 }, 'deleteAfterDays');
    await refused({ anonymizeAfterDays: 90, deleteAfterDays: 30 }, 'deleteAfterDays');
    await refused({ idleCloseHours: 48, closedAfterDays: 2 }, 'closedAfterDays');
    await refused({ deleteAfterDays: 0 }, 'deleteAfterDays');
    await refused({ idleCloseHours: -1 }, 'idleCloseHours');
    await refused({ anonymizeAfterDays: 1.5 }, 'anonymizeAfterDays');
    await refused({ keepForever: true }, '');
    expect((await call(s.url, 'GET', '/api/v1/settings/retention', { token: admin })).body).toEqual(initial.body);

    const ok = await put({ idleCloseHours: 12, closedAfterDays: 7 });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ idleCloseHours: 12, closedAfterDays: 7, anonymizeAfterDays: null, deleteAfterDays: null });
    expect((await call(s.url, 'GET', '/api/v1/settings/retention', { token: admin })).body).toEqual(ok.body);
    const audit = await call(s.url, 'GET', '/api/v1/audit', { token: admin });
    expect(audit.body.entries[0]).toMatchObject({ action: 'retention.updated', target: 'settings:retention', detail: { before: initial.body, after: ok.body } });
    // one entry: the refused attempts wrote none
    expect(audit.body.entries.filter((e: { action: string }) => e.action === 'retention.updated')).toHaveLength(1);
  });

  it('closes a bot conversation idle past idleCloseHours through the machine; the user sees it closed', async () => {
    await put({ idleCloseHours: 12, closedAfterDays: null });
    const c0 = await createConversation(s.url, { locale: 'en' });
    const idle = { id: c0.conversation.id, token: c0.token };
    const b0 = await createConversation(s.url, { locale: 'en' });
    const busy = { id: b0.conversation.id, token: b0.token };
    clock.advance(11 * HOUR);
    await say(s, busy, 'still here');
    await s.baton.retention.runOnce();
    expect(await statusOf(s, idle.id)).toBe('bot');
    clock.advance(2 * HOUR);
    const before = await metric(s, 'closed');
    const run = await s.baton.retention.runOnce();
    expect(run.closed).toBe(1);
    expect(await statusOf(s, idle.id)).toBe('closed');
    expect(await statusOf(s, busy.id)).toBe('bot');
    const seen = await call(s.url, 'GET', `/api/v1/conversations/${idle.id}`, { token: idle.token });
    expect(seen.body.conversation.status).toBe('closed');
    const lines = (await allMessages(s.url, idle.id, idle.token)).filter((m) => m.event === 'conversation.idle_closed');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.text).toMatch(/closed after 12 hours without activity/);
    expect(await metric(s, 'closed')).toBe(before + 1);
    // a second run finds nothing more to do
    expect((await s.baton.retention.runOnce()).closed).toBe(0);
    // the user may come back: the conversation reopens with the bot
    await say(s, idle, 'hello again');
    await waitFor(async () => (await statusOf(s, idle.id)) === 'bot', 10_000, 'reopened');
  });

  it('closedAfterDays closes a conversation left waiting, through the machine (timer gone, queue left)', async () => {
    admin = await login(s.url);
    await openOffloading(s.url, admin, { waitingTimeoutSeconds: 7 * 24 * 3600, routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    await put({ idleCloseHours: 12, closedAfterDays: 3 });
    const c = await offloadedConversation(s.url);
    expect(await statusOf(s, c.id)).toBe('offloaded');
    clock.advance(2 * DAY);
    await s.baton.retention.runOnce();
    expect(await statusOf(s, c.id)).toBe('offloaded');
    clock.advance(DAY + HOUR);
    admin = await login(s.url);
    const run = await s.baton.retention.runOnce();
    expect(run.closed).toBeGreaterThanOrEqual(1);
    expect(await statusOf(s, c.id)).toBe('closed');
    const events = await s.baton.deps.store.db.selectFrom('conversation_events').select('type').where('conversation_id', '=', c.id).execute();
    expect(events.map((e) => e.type)).toContain('conversation.idle_closed');
    expect(await s.baton.deps.store.db.selectFrom('timers').select('id').where('conversation_id', '=', c.id).execute()).toEqual([]);
    await put({ idleCloseHours: 0, closedAfterDays: null });
  });

  it('anonymizes, then deletes, closed conversations in batches smaller than the data, across a restart part-way', async () => {
    // everything of the tests above is deleted first, so only this test's conversations count below
    await put({ idleCloseHours: 1, closedAfterDays: 1 });
    clock.advance(2 * DAY);
    await s.baton.retention.runOnce();
    admin = await login(s.url);
    await put({ idleCloseHours: 0, closedAfterDays: null, anonymizeAfterDays: 1, deleteAfterDays: 2 });
    clock.advance(3 * DAY);
    // deletion waits for the analytics fold to have counted a conversation's events
    const before = await s.baton.retention.runOnce();
    expect(before.deleted).toBe(0);
    await s.baton.analyticsFold.catchUp();
    await s.baton.retention.runOnce();
    admin = await login(s.url);
    expect(await s.baton.deps.store.db.selectFrom('conversations').select('id').execute()).toEqual([]);
    await put({ idleCloseHours: 0, closedAfterDays: null, anonymizeAfterDays: null, deleteAfterDays: null });
    const made: Array<{ id: string; token: string; text: string; name: string; email: string }> = [];
    const closeOne = async (i: number) => {
      const name = `Retention Person ${i}-${store}`;
      const email = `retention.person${i}.${store}@example.org`;
      const c = await createConversation(s.url, { locale: 'en', user: { id: `ret-user-${i}-${store}`, name, email }, variables: { phone: `+3247000${i}${store.length}` } });
      const conv = { id: c.conversation.id, token: c.token, text: `my secret number is ${i}77${store.length}`, name, email };
      await say(s, conv, conv.text);
      await waitFor(async () => (await userMessages(s, conv.id, conv.token)).length >= 3, 10_000, 'bot answered');
      expect((await call(s.url, 'POST', `/api/v1/conversations/${conv.id}/end`, { token: conv.token })).status).toBeLessThan(300);
      made.push(conv);
      return conv;
    };
    for (let i = 0; i < 5; i++) await closeOne(i);
    clock.advance(20 * DAY);
    const recent = await closeOne(5);
    const counts = async (id: string) => (await s.baton.deps.store.db.selectFrom('messages').select('id').where('conversation_id', '=', id).execute()).length;
    const messageCounts = new Map(await Promise.all(made.map(async (c) => [c.id, await counts(c.id)] as const)));

    clock.advance(11 * DAY); // the five closed 31 days ago, the recent one 11
    admin = await login(s.url);
    await put({ idleCloseHours: 0, anonymizeAfterDays: 30, deleteAfterDays: 60 });
    const first = await s.baton.retention.runOnce({ maxBatches: 1 });
    expect(first.anonymized).toBe(BATCH);
    // stopped part-way: a restart carries on where the last committed batch left off
    await s.close();
    s = await server.start();
    admin = await login(s.url);
    const second = await s.baton.retention.runOnce();
    expect(second.anonymized).toBe(5 - BATCH);
    expect(second.batches).toBeGreaterThanOrEqual(2);
    const rows = await s.baton.deps.store.db.selectFrom('conversations').select(['id', 'anonymized_at', 'variables', 'end_user_id', 'token_hash']).where('id', 'in', made.map((c) => c.id)).execute();
    const old = made.slice(0, 5);
    for (const c of old) {
      const row = rows.find((r) => r.id === c.id)!;
      expect(row.anonymized_at).not.toBeNull();
      expect(row.variables).toBe('{}');
      expect(row.end_user_id).toBeNull();
      // counts and timestamps stay for analytics
      expect(await counts(c.id)).toBe(messageCounts.get(c.id));
      const texts = await s.baton.deps.store.db.selectFrom('messages').select(['text', 'author_type']).where('conversation_id', '=', c.id).where('event', 'is', null).execute();
      expect(texts.filter((t) => t.author_type === 'user').every((t) => t.text === ANONYMIZED_TEXT)).toBe(true);
      // the user's token opens nothing any more
      expect((await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).status).toBe(401);
    }
    expect(rows.find((r) => r.id === recent.id)!.anonymized_at).toBeNull();
    // no trace of what the five said or who they were, in any table
    expect(await rowsContaining(s, old.flatMap((c) => [c.text, c.name, c.email, `ret-user-${made.indexOf(c)}-${store}`]))).toEqual([]);
    expect(await rowsContaining(s, [recent.text, recent.email])).not.toEqual([]);
    expect((await s.baton.retention.runOnce()).anonymized).toBe(0);

    clock.advance(30 * DAY); // the five closed 61 days ago, the recent one 41
    await s.baton.analyticsFold.catchUp();
    const third = await s.baton.retention.runOnce({ maxBatches: 2 });
    await s.close();
    s = await server.start();
    admin = await login(s.url);
    const fourth = await s.baton.retention.runOnce();
    expect(third.anonymized + fourth.anonymized).toBe(1); // the recent one
    expect(third.deleted).toBeGreaterThanOrEqual(1);
    expect(third.deleted + fourth.deleted).toBeGreaterThanOrEqual(5);
    const left = await s.baton.deps.store.db.selectFrom('conversations').select('id').where('id', 'in', made.map((c) => c.id)).execute();
    expect(left.map((r) => r.id)).toEqual([recent.id]);
    for (const c of old) {
      for (const table of ['messages', 'conversation_events', 'timers', 'outbox', 'provider_state', 'conversation_agents'] as const) {
        expect(await s.baton.deps.store.db.selectFrom(table).select('conversation_id').where('conversation_id', '=', c.id).execute(), `${table} ${c.id}`).toEqual([]);
      }
    }
    expect(await rowsContaining(s, old.map((c) => c.id))).toEqual([]);
    expect(await metric(s, 'deleted')).toBe(fourth.deleted);
  });

  it('a run another instance holds the lease for is skipped', async () => {
    admin = await login(s.url);
    await put({ idleCloseHours: 1 });
    const now = clock.now();
    await s.baton.deps.store.db.insertInto('job_leases').values({ name: 'retention', holder: 'someone-else', lease_until: now + 60_000 }).execute();
    expect((await s.baton.retention.runOnce()).skipped).toBe(true);
    clock.advance(61_000);
    expect((await s.baton.retention.runOnce()).skipped).toBe(false);
  });
});

describe.each(STORES)('a contact\'s erasure and export on %s', (store) => {
  // real time: the channel's signatures are checked against the server's clock
  const clock = new TestClock(Date.now());
  let server: Awaited<ReturnType<typeof restartable>>;
  let s: TestServer;
  let admin: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    rx = await startReceiver(CHANNEL_SECRET);
    server = await restartable(store, clock);
    s = await server.start();
    admin = await login(s.url);
    await openOffloading(s.url, admin, { waitingTimeoutSeconds: 3600, routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    expect((await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: rx.url, secret: CHANNEL_SECRET } })).status).toBe(201);
  });
  afterAll(async () => {
    await s?.close();
    await server?.drop();
    await rx?.close();
  });

  const tag = `${store}-${Math.random().toString(36).slice(2, 8)}`;
  const person = { id: `erase-me-${tag}`, name: `Erika Erasable ${tag}`, email: `erika.${tag}@example.org` };
  const bystander = { id: `keep-me-${tag}`, name: `Kees Kept ${tag}`, email: `kees.${tag}@example.org` };
  const texts: string[] = [];

  /** A conversation of `who` (verified or a claim) in which they say something of their own. */
  async function talk(who: typeof person, opts: { verified?: boolean; text: string }) {
    const c = await createConversation(s.url, {
      locale: 'en',
      user: { id: who.id, name: who.name, email: who.email },
      ...(opts.verified ? { userHash: userHashOf(IDENTITY_SECRET, who.id) } : {}),
      variables: { account: `acct-${who.id}` },
    });
    const conv = { id: c.conversation.id, token: c.token };
    await say(s, conv, opts.text);
    await waitFor(async () => (await userMessages(s, conv.id, conv.token)).length >= 3, 10_000, 'bot answered');
    return conv;
  }

  it('who may call: admins only (agents and supervisors 403, nobody 401)', async () => {
    const agent = await makeAgent(s.url, admin);
    const supervisor = await makeAgent(s.url, admin, { role: 'supervisor' });
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/settings/retention'],
      ['PUT', '/api/v1/settings/retention', { idleCloseHours: 1 }],
      ['DELETE', `/api/v1/contacts/${person.id}`],
      ['GET', `/api/v1/contacts/${person.id}/export`],
      ['GET', '/api/v1/audit'],
    ];
    for (const [method, path, body] of routes) {
      expect((await call(s.url, method, path, { body })).status, `${method} ${path}`).toBe(401);
      for (const who of [agent, supervisor]) {
        const r = await call(s.url, method, path, { token: who.token, body });
        expect(r.status, `${method} ${path}`).toBe(403);
        expect(r.body.error.code).toBe('FORBIDDEN');
      }
    }
    expect((await call(s.url, 'DELETE', '/api/v1/contacts/nobody-has-this-id', { token: admin })).body.error.code).toBe('CONTACT_NOT_FOUND');
    expect((await call(s.url, 'GET', '/api/v1/contacts/nobody-has-this-id/export', { token: admin })).status).toBe(404);
  });

  it('exports the contact as one JSON document: profiles, conversations with variables, every message', async () => {
    const a = await talk(person, { verified: true, text: `export line one ${tag}` });
    const b = await talk(person, { text: `export line two ${tag}` });
    texts.push(`export line one ${tag}`, `export line two ${tag}`);
    // a file the contact sent: exported with its bytes
    const file = (await upload(s.url, a.id, { token: a.token }, { name: 'reading.txt', type: 'text/plain', bytes: Buffer.from(`export file ${tag}`) })).body.attachment;
    const seen = (await allMessages(s.url, a.id, a.token)).length;
    await call(s.url, 'POST', `/api/v1/conversations/${a.id}/messages`, { token: a.token, body: { attachments: [file.id] } });
    // the message and the bot's answer to it, before the export is read
    await waitFor(async () => (await allMessages(s.url, a.id, a.token)).length >= seen + 2, 10_000, 'the bot answered the file');
    texts.push(`export file ${tag}`);
    const r = await fetch(`${s.url}/api/v1/contacts/${encodeURIComponent(person.id)}/export`, { headers: { authorization: `Bearer ${admin}` } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = JSON.parse(await r.text());
    expect(doc.userId).toBe(person.id);
    // the verified identity's row and the claim's row: both carry the id
    expect(doc.contacts).toHaveLength(2);
    expect(doc.contacts.map((c: { verified: boolean }) => c.verified).sort()).toEqual([false, true]);
    expect(doc.contacts.every((c: { name: string; email: string; externalId: string }) => c.name === person.name && c.email === person.email && c.externalId === person.id)).toBe(true);
    expect(doc.conversations.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    for (const [conv, text] of [[a, texts[0]], [b, texts[1]]] as const) {
      const exported = doc.conversations.find((c: { id: string }) => c.id === conv.id);
      expect(exported.variables).toEqual({ account: `acct-${person.id}` });
      const transcript = await allMessages(s.url, conv.id, conv.token);
      expect(exported.messages.map((m: { seq: number }) => m.seq)).toEqual(transcript.map((m) => m.seq));
      expect(exported.messages.some((m: { text?: string; author: { type: string } }) => m.author.type === 'user' && m.text === text)).toBe(true);
    }
    const files = doc.conversations.find((c: { id: string }) => c.id === a.id).attachments;
    expect(files).toEqual([expect.objectContaining({ id: file.id, name: 'reading.txt', contentType: 'text/plain', uploadedBy: 'user', dataBase64: Buffer.from(`export file ${tag}`).toString('base64') })]);
    expect(files[0].messageId).toBeTruthy();
    expect(doc.conversations.find((c: { id: string }) => c.id === b.id).attachments).toEqual([]);
    const audit = await call(s.url, 'GET', '/api/v1/audit?limit=1', { token: admin });
    expect(audit.body.entries[0]).toMatchObject({ action: 'contact.exported', detail: {} });
    expect(JSON.stringify(audit.body)).not.toContain(person.id);
  });

  it('erasure refuses while a conversation is with an agent, then removes every trace of the contact from every table', async () => {
    await talk(bystander, { verified: true, text: `bystander words ${tag}` });
    const third = await talk(person, { text: `third words ${tag}` });
    texts.push(`third words ${tag}`);
    // a channel user: its deliveries (outbox rows with the transcript) and identity are theirs too
    const phone = `+3247${Math.floor(Math.random() * 1e7)}`;
    const raw = JSON.stringify({ id: `ev-${tag}`, type: 'message', user: { id: phone, name: person.name }, locale: 'en', text: `channel words ${tag}` });
    const inbound = await call(s.url, 'POST', '/api/v1/channels/sms/events', { raw, headers: { 'x-baton-signature': signBody(CHANNEL_SECRET, raw, Math.floor(clock.now() / 1000)) } });
    expect(inbound.status).toBe(201);
    texts.push(`channel words ${tag}`);
    const channelUser = `sms:${phone}`;
    await waitFor(async () => (await s.baton.deps.store.db.selectFrom('outbox').select('id').where('conversation_id', '=', inbound.body.conversationId).execute()).length > 0, 10_000, 'channel delivery');

    // the contact asks for an agent in the third conversation: erasure waits for that to end
    const agent = await makeAgent(s.url, admin);
    await say(s, third, 'I want to speak to a real agent');
    await waitFor(async () => (await statusOf(s, third.id)) === 'offloaded', 10_000, 'offloaded');
    const refused = await call(s.url, 'DELETE', `/api/v1/contacts/${person.id}`, { token: admin });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CONTACT_HAS_LIVE_CONVERSATIONS');
    expect(await statusOf(s, third.id)).toBe('offloaded');
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${third.id}/accept`, { token: agent.token })).status).toBe(200);
    // files both ways: their bytes and names are the contact's data too
    const sent = (await upload(s.url, third.id, { token: third.token }, { name: `erika-${tag}.txt`, type: 'text/plain', bytes: Buffer.from(`user file words ${tag}`) })).body.attachment;
    const sentR = (await call(s.url, 'POST', `/api/v1/conversations/${third.id}/messages`, { token: third.token, body: { attachments: [sent.id] } })).status;
    const reply = (await upload(s.url, third.id, { token: agent.token }, { name: 'reply.txt', type: 'text/plain', bytes: Buffer.from(`agent file words ${tag}`) })).body.attachment;
    const replyR = (await call(s.url, 'POST', `/api/v1/agent/conversations/${third.id}/messages`, { token: agent.token, body: { text: `agent answer ${tag}`, attachments: [reply.id] } })).status;
    expect([sentR, replyR]).toEqual([201, 201]);
    texts.push(`agent answer ${tag}`, `user file words ${tag}`, `agent file words ${tag}`, `erika-${tag}`);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${third.id}/close`, { token: agent.token })).status).toBe(200);

    const db = s.baton.deps.store.db;
    const ids = (await db.selectFrom('end_users').select('id').where('external_id', 'in', [person.id, channelUser]).execute()).map((r) => r.id);
    const conversations = (await db.selectFrom('conversations').select('id').where('end_user_id', 'in', ids).execute()).map((r) => r.id);
    expect(conversations).toHaveLength(4);
    const traces = (extra: string[] = []) => rowsContaining(s, [person.id, person.name, person.email, phone, ...ids, ...conversations, ...texts, ...extra]);
    expect((await traces()).length).toBeGreaterThan(0);

    const erased = await call(s.url, 'DELETE', `/api/v1/contacts/${person.id}`, { token: admin });
    expect(erased.status, JSON.stringify(erased.body)).toBe(200);
    // the verified identity's row and a row per claimed conversation
    expect(erased.body.erased).toMatchObject({ contacts: 3, conversations: 3 });
    expect(erased.body.erased.messages).toBeGreaterThan(6);
    const byChannelId = await call(s.url, 'DELETE', `/api/v1/contacts/${encodeURIComponent(channelUser)}`, { token: admin });
    expect(byChannelId.status).toBe(200);
    expect(byChannelId.body.erased).toMatchObject({ contacts: 1, conversations: 1 });

    // every table of the database, whatever it is called and whenever it was added
    expect((await tableNames(s)).length).toBeGreaterThan(10);
    expect(await traces([channelUser])).toEqual([]);
    // the bystander is untouched
    expect(await rowsContaining(s, [bystander.email, `bystander words ${tag}`])).not.toEqual([]);
    expect((await call(s.url, 'DELETE', `/api/v1/contacts/${person.id}`, { token: admin })).status).toBe(404);

    // audited without the id: a keyed hash names the contact
    const audit = await call(s.url, 'GET', '/api/v1/audit', { token: admin });
    const entries = audit.body.entries.filter((e: { action: string }) => e.action === 'contact.erased');
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({ agent: { name: expect.any(String) }, detail: { contacts: 3, conversations: 3 } });
    expect(entries[1].target).toMatch(/^contact:[0-9a-f]{32}$/);
    expect(await metric(s, 'erased')).toBe(4);
  });

  it('erases a contact with more conversations than one transaction takes', async () => {
    const many = { id: `many-${tag}`, name: `Manon Many ${tag}`, email: `manon.${tag}@example.org` };
    // claims: one contact row per conversation, all with this user id
    const made = [];
    for (let i = 0; i < 7; i++) made.push(await createConversation(s.url, { locale: 'en', user: many }));
    const r = await call(s.url, 'DELETE', `/api/v1/contacts/${many.id}`, { token: admin });
    expect(r.status).toBe(200);
    expect(r.body.erased).toMatchObject({ contacts: 7, conversations: 7 });
    expect(await rowsContaining(s, [many.id, many.name, many.email, ...made.map((c) => c.conversation.id)])).toEqual([]);
  });

  it('pages the audit log newest first with a cursor', async () => {
    const all = (await call(s.url, 'GET', '/api/v1/audit?limit=200', { token: admin })).body.entries as Array<{ id: string }>;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { entries: Array<{ id: string }>; nextCursor: string | null } } = await call(s.url, 'GET', `/api/v1/audit?limit=1${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(page.status).toBe(200);
      seen.push(...page.body.entries.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    expect([...seen].sort().reverse()).toEqual(seen);
    expect((await call(s.url, 'GET', '/api/v1/audit?limit=0', { token: admin })).status).toBe(422);
  });
});

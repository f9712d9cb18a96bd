// End-user identity (docs/security.md, findings 7.1–7.7): channel conversations come only from signed
// inbound events, and a user's history and contact profile follow only a verified identity (userHash
// or a signed channel user), never a claimed id or e-mail. On SQLite and on PostgreSQL.
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../src/commands/create-conversation.js';
import { signBody } from '../../src/providers/signing.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { startReceiver } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer, startOnStore } from '../support/server.js';
import * as m001 from '../../src/store/migrations/001-initial.js';
import * as m002 from '../../src/store/migrations/002-assignee-name.js';
import * as m003 from '../../src/store/migrations/003-channels.js';
import * as m004 from '../../src/store/migrations/004-provider-external-id.js';
import * as m005 from '../../src/store/migrations/005-load-index.js';
import * as m006 from '../../src/store/migrations/006-agent-load.js';
import * as m007 from '../../src/store/migrations/007-idempotency-partial.js';
import * as m008 from '../../src/store/migrations/008-routing-index.js';
import * as m009 from '../../src/store/migrations/009-identity-and-handlers.js';

const IDENTITY_SECRET = 'identity-verification-secret-0123';
const CHANNEL_SECRET = 'sms-channel-secret-0123456789';
const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);

describe.each(STORES)('end-user identity on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    s = await startOnStore(store, { env: { IDENTITY_VERIFICATION_SECRET: IDENTITY_SECRET, OUTBOUND_ALLOW_PRIVATE: 'true' } });
    admin = await login(s.url);
    rx = await startReceiver(CHANNEL_SECRET);
  });
  afterAll(async () => {
    await s?.close();
    await rx?.close();
  });

  let eventNo = 0;
  const inbound = (user: string, text: string) => {
    const raw = JSON.stringify({ id: `sms-${++eventNo}`, type: 'message', user: { id: user }, locale: 'en', text });
    return call(s.url, 'POST', '/api/v1/channels/sms/events', { raw, headers: { 'x-baton-signature': signBody(CHANNEL_SECRET, raw, Math.floor(Date.now() / 1000)) } });
  };
  const detail = (id: string) => call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token: admin });
  const history = async (id: string) => ((await call(s.url, 'GET', `/api/v1/agent/conversations/${id}/history`, { token: admin })).body.conversations as Array<{ id: string }>).map((c) => c.id);

  it('an anonymous POST /conversations cannot take over a channel user’s thread (finding 7.1–7.5)', async () => {
    const channel = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'sms', name: 'SMS', url: rx.url, secret: CHANNEL_SECRET, botId: 'demo', enabled: true } });
    expect(channel.status).toBe(201);
    const hello = await inbound('+32470000000', 'Hello');
    expect(hello.status).toBe(201);
    const victim = hello.body.conversationId as string;

    // the attacker's repro, and the same with another number: refused, nothing created or sent
    for (const id of ['sms:+32470000000', 'sms:+32499999999']) {
      const r = await call(s.url, 'POST', '/api/v1/conversations', { body: { locale: 'en', channelId: 'sms', user: { id } } });
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('CHANNEL_INBOUND_ONLY');
    }
    // a web user claiming the channel user's id gets a web conversation of its own
    const claim = await createConversation(s.url, { locale: 'en', user: { id: 'sms:+32470000000' } });

    const next = await inbound('+32470000000', 'my secret account PIN is 4321');
    expect(next.status).toBe(201);
    expect(next.body.conversationId).toBe(victim);
    expect(JSON.stringify(await messages(s.url, claim.conversation.id, claim.token))).not.toContain('4321');
    expect((await call(s.url, 'GET', `/api/v1/conversations/${victim}/messages`, { token: claim.token })).status).toBe(403);

    // the connector only ever heard of the victim's conversation, about the victim's number
    await waitFor(() => rx.received.length >= 1, 10_000, 'a delivery to the connector');
    for (const r of rx.received) expect(r.body).toMatchObject({ conversationId: victim, user: { id: '+32470000000' } });

    // agents: the signed channel user is verified, the web claim is not and links nothing
    expect((await detail(victim)).body.conversation.user).toMatchObject({ id: 'sms:+32470000000', verified: true });
    expect((await detail(claim.conversation.id)).body.conversation.user).toMatchObject({ id: 'sms:+32470000000', verified: false });
    expect(await history(claim.conversation.id)).toEqual([]);
  });

  it('a verified identity (userHash) links its conversations; a wrong hash is 401 IDENTITY_INVALID', async () => {
    const jan = { user: { id: 'crm-42', name: 'Real Jan', email: 'realjan@x.test' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-42') };
    const first = await createConversation(s.url, { locale: 'en', ...jan });
    const second = await createConversation(s.url, { locale: 'en', ...jan, userHash: jan.userHash.toUpperCase() });
    expect((await detail(second.conversation.id)).body.conversation.user).toEqual({ id: 'crm-42', name: 'Real Jan', email: 'realjan@x.test', verified: true });
    expect(await history(second.conversation.id)).toEqual([first.conversation.id]);

    for (const body of [
      { user: { id: 'crm-42' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-43') },
      { user: { id: 'crm-42' }, userHash: userHashOf('another-secret-0123456789', 'crm-42') },
      { user: { id: 'crm-42' }, userHash: 'not-a-hash' },
      { user: { email: 'realjan@x.test' }, userHash: jan.userHash },
    ]) {
      const r = await call(s.url, 'POST', '/api/v1/conversations', { body });
      expect(r.status, JSON.stringify(body)).toBe(401);
      expect(r.body.error.code).toBe('IDENTITY_INVALID');
    }
  });

  it('an unverified claim shows as such and reveals nobody’s name, e-mail or history (finding 7.6–7.7)', async () => {
    const jan = { user: { id: 'crm-77', name: 'Real Jan', email: 'realjan77@x.test' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-77') };
    const real = await createConversation(s.url, { locale: 'en', ...jan });
    await call(s.url, 'POST', `/api/v1/conversations/${real.conversation.id}/messages`, { token: real.token, body: { text: 'my IBAN is BE71 0961 2345 6769' } });

    const byEmail = await createConversation(s.url, { locale: 'en', user: { email: 'realjan77@x.test' } });
    const seen = (await detail(byEmail.conversation.id)).body.conversation.user;
    expect(seen).toMatchObject({ name: null, email: 'realjan77@x.test', verified: false });
    expect(seen.id).not.toBe('crm-77');
    expect(await history(byEmail.conversation.id)).toEqual([]);

    const byId = await createConversation(s.url, { locale: 'en', user: { id: 'crm-77', name: 'Mallory' } });
    expect((await detail(byId.conversation.id)).body.conversation.user).toEqual({ id: 'crm-77', name: 'Mallory', email: null, verified: false });
    expect(await history(byId.conversation.id)).toEqual([]);

    // and a claim made first is not picked up by the real user later
    const early = await createConversation(s.url, { locale: 'en', user: { id: 'crm-78', name: 'Mallory' } });
    const later = await createConversation(s.url, { locale: 'en', user: { id: 'crm-78', name: 'Els' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-78') });
    expect((await detail(later.conversation.id)).body.conversation.user).toEqual({ id: 'crm-78', name: 'Els', email: null, verified: true });
    expect(await history(later.conversation.id)).toEqual([]);
    expect(await history(early.conversation.id)).toEqual([]);
  });

  it('two first conversations of one identity at once share one contact', async () => {
    const body = { locale: 'en', user: { id: 'crm-race' }, userHash: userHashOf(IDENTITY_SECRET, 'crm-race') };
    const made = await Promise.all(Array.from({ length: 6 }, () => call(s.url, 'POST', '/api/v1/conversations', { body })));
    expect(made.map((r) => r.status)).toEqual(Array(6).fill(201));
    const rows = await s.baton.deps.store.db.selectFrom('end_users').select('id').where('verified_id', '=', 'web:crm-race').execute();
    expect(rows).toHaveLength(1);
    expect(await history(made[0]!.body.conversation.id)).toHaveLength(5);
  });
});

describe('without IDENTITY_VERIFICATION_SECRET', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s?.close());

  it('every identity is a claim: a userHash cannot be checked and verifies nothing', async () => {
    const admin = await login(s.url);
    const hash = userHashOf(IDENTITY_SECRET, 'crm-42');
    const a = await createConversation(s.url, { user: { id: 'crm-42' }, userHash: hash });
    const b = await createConversation(s.url, { user: { id: 'crm-42' }, userHash: hash });
    const seen = await call(s.url, 'GET', `/api/v1/agent/conversations/${b.conversation.id}`, { token: admin });
    expect(seen.body.conversation.user).toMatchObject({ id: 'crm-42', verified: false });
    const h = await call(s.url, 'GET', `/api/v1/agent/conversations/${b.conversation.id}/history`, { token: admin });
    expect(h.body.conversations.map((c: { id: string }) => c.id)).not.toContain(a.conversation.id);
  });
});

describe.each(STORES)('migration 009 on %s: data of earlier versions', (store) => {
  it('channel users become verified, web users stay claims, earlier assignees keep their history', async () => {
    const pgDb = store === 'postgres' ? await freshDatabase() : undefined;
    const db = new Kysely<any>({ dialect: pgDb ? new PostgresDialect({ pool: new pg.Pool({ connectionString: pgDb.url, max: 1 }) }) : new SqliteDialect({ database: new SQLite(':memory:') }) });
    try {
      for (const m of [m001, m002, m003, m004, m005, m006, m007, m008]) await m.up(db);
      const conv = (id: string, endUser: string, channel: string | null, assignee: string | null) => ({
        id, bot_id: 'demo', channel_id: channel, status: assignee ? 'closed' : 'bot', language: 'en', locale_given: 0, assignee_id: assignee, end_user_id: endUser,
        token_hash: `t-${id}`, tags: '[]', variables: '{}', bot_version: 0, bot_seq: 0, last_seq: 0, assigned_at: assignee ? 5 : null, created_at: 1, updated_at: 9,
      });
      await db.insertInto('end_users').values([
        { id: 'u-sms', external_id: 'sms:+32470000000', name: 'Piet', email: null, created_at: 1 },
        { id: 'u-web', external_id: 'crm-42', name: 'Jan', email: 'jan@x.test', created_at: 1 },
      ]).execute();
      await db.insertInto('conversations').values([conv('c-sms', 'u-sms', 'sms', null), conv('c-web', 'u-web', null, 'agent-b'), conv('c-moved', 'u-web', null, 'agent-b')]).execute();
      // c-moved went from agent-a to agent-b (a transfer): both handled it
      await db.insertInto('conversation_events').values([
        { id: 'e1', conversation_id: 'c-moved', type: 'conversation.assigned', agent_id: 'agent-a', data: null, created_at: 3 },
        { id: 'e2', conversation_id: 'c-moved', type: 'conversation.transferred', agent_id: 'agent-b', data: null, created_at: 4 },
        { id: 'e3', conversation_id: 'c-web', type: 'conversation.closed', agent_id: 'agent-c', data: null, created_at: 6 },
      ]).execute();

      await m009.up(db);

      const users = await db.selectFrom('end_users').select(['id', 'verified_id']).orderBy('id').execute();
      expect(users).toEqual([{ id: 'u-sms', verified_id: 'channel:sms:+32470000000' }, { id: 'u-web', verified_id: null }]);
      const handled = await db.selectFrom('conversation_agents').select(['agent_id', 'conversation_id', 'handled_at']).orderBy('conversation_id').orderBy('agent_id').execute();
      expect(handled.map((h) => ({ ...h, handled_at: Number(h.handled_at) }))).toEqual([
        { agent_id: 'agent-a', conversation_id: 'c-moved', handled_at: 3 },
        { agent_id: 'agent-b', conversation_id: 'c-moved', handled_at: 5 },
        { agent_id: 'agent-b', conversation_id: 'c-web', handled_at: 5 },
      ]);
      // the user tokens of channel conversations go: only a hijacker could have held one
      const tokens = await db.selectFrom('conversations').select(['id', 'token_hash']).orderBy('id').execute();
      expect(tokens.map((t) => [t.id, t.token_hash])).toEqual([['c-moved', 't-c-moved'], ['c-sms', 'revoked:c-sms'], ['c-web', 't-c-web']]);
      const rows = await db.selectFrom('conversations').select(['id', 'handled_by']).orderBy('id').execute();
      expect(rows.map((r) => ({ id: r.id, handled_by: r.handled_by === null ? null : (JSON.parse(r.handled_by) as string[]).sort() }))).toEqual([
        { id: 'c-moved', handled_by: ['agent-a', 'agent-b'] },
        { id: 'c-sms', handled_by: null },
        { id: 'c-web', handled_by: ['agent-b'] },
      ]);
    } finally {
      await db.destroy();
      await pgDb?.drop();
    }
  });
});

// Lists at any size (docs/api.md "Lists and paging", docs/architecture.md "Lists and search"): history
// search through the trigram index (what is and is not indexed, kept in step on update and delete),
// tag and agent filters through their tables, keyset cursors on every list that grows, the queue in
// one statement with positions and the plain agent's filter in SQL. Real HTTP, on SQLite and on
// PostgreSQL.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login } from '../support/http.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { postgresAvailable } from '../support/postgres.js';
import { conversationRow } from '../support/rows.js';
import { startOnStore, waitFor, type TestServer } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
type Agent = Awaited<ReturnType<typeof makeAgent>>;
type Listed = { id: string; queuePosition: number | null; estimatedWaitSeconds: number | null; tags: string[] };

describe.each(STORES)('lists on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let a1: Agent;
  let addressed: string;
  let unal: string;

  const list = async (who: string, query: string) => {
    const r = await call(s.url, 'GET', `/api/v1/agent/conversations?${query}`, { token: who });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { conversations: Listed[]; nextCursor: string | null };
  };
  const ids = async (who: string, query: string) => (await list(who, query)).conversations.map((c) => c.id);
  const say = (c: { id: string; token: string }, text: string) => call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
  const write = <T>(f: Parameters<TestServer['baton']['deps']['store']['write']['run']>[0]) => s.baton.deps.store.write.run(f) as Promise<T>;
  async function handleAndClose(id: string, agent: Agent, lines: Array<{ text: string; internal?: boolean }>) {
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${id}/accept`, { token: agent.token })).status).toBe(200);
    for (const l of lines) expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${id}/messages`, { token: agent.token, body: l })).status).toBe(201);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${id}/close`, { token: agent.token })).status).toBe(200);
  }

  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    a1 = await makeAgent(s.url, admin, { skills: ['general', 'address_change'] });

    // the demo bot's address flow: user messages (batched), variables and a tag (bot turns), a handover
    const c = await createConversation(s.url, { locale: 'en' });
    const conv = { id: c.conversation.id, token: c.token };
    for (const text of ['I want my paper sent to a new address', 'Jan Peeters', 'Kerkstraat 1, 9000 Gent', 'jan@example.com']) {
      expect((await say(conv, text)).status).toBe(201);
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor(async () => (await call(s.url, 'GET', `/api/v1/conversations/${conv.id}`, { token: conv.token })).body.conversation.status === 'offloaded', 10_000, 'address handover');
    addressed = conv.id;
    await handleAndClose(addressed, a1, [{ text: 'Ticket ZÉBRA-4411 is filed' }, { text: 'note: verify by phone', internal: true }]);

    const u = await offloadedConversation(s.url, { user: { name: 'Ünal Öztürk', email: 'unal@example.org' } });
    unal = u.id;
    await handleAndClose(unal, a1, [{ text: 'Bonjour, je regarde votre dossier' }]);
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('searches user and agent messages, notes, the user and variable values: any case, accents folded, substrings', async () => {
    const search = (q: string) => ids(admin, `status=closed&q=${encodeURIComponent(q)}`);
    expect(await search('kerkstraat')).toEqual([addressed]);
    expect(await search('9000 GENT')).toEqual([addressed]);
    expect(await search('zebra-4411')).toEqual([addressed]); // agent message, É folded
    expect(await search('verify by phone')).toEqual([addressed]); // internal note
    expect(await search('unal@example')).toEqual([unal]); // e-mail
    expect(await search('OZTURK')).toEqual([unal]); // name, Ö and ü folded
    expect(await search('dossier')).toEqual([unal]);
    // bot turns are not indexed: their template text is in every conversation
    expect(await search('What is your full name')).toEqual([]);
    // a plain agent searches what they handled
    expect(await ids(a1.token, 'status=closed&q=kerkstraat')).toEqual([addressed]);
    const a2 = await makeAgent(s.url, admin, { skills: ['general'] });
    expect(await ids(a2.token, 'status=closed&q=kerkstraat')).toEqual([]);
  });

  it('answers 400 SEARCH_TOO_SHORT below 3 characters; blank is no search', async () => {
    const short = await call(s.url, 'GET', '/api/v1/agent/conversations?status=closed&q=%20ke%20', { token: admin });
    expect(short.status).toBe(400);
    expect(short.body.error.code).toBe('SEARCH_TOO_SHORT');
    expect(await ids(admin, 'status=closed&q=%20%20')).toEqual(expect.arrayContaining([addressed, unal]));
  });

  it('filters by tag and by agent through their own tables', async () => {
    expect(await ids(admin, 'status=closed&tag=address_change')).toEqual([addressed]);
    expect(await ids(admin, `status=closed&agentId=${a1.id}`)).toEqual([unal, addressed]);
    const tags = await s.baton.deps.store.db.selectFrom('conversation_tags').select('tag').where('conversation_id', '=', addressed).execute();
    expect(tags.map((t) => t.tag)).toEqual(['address_change']);
  });

  it('keeps the search and the tags in step when rows change and when they are deleted', async () => {
    const c = await offloadedConversation(s.url, { user: { name: 'Greta Voss', email: 'greta@example.net' } });
    await handleAndClose(c.id, a1, [{ text: 'Your voucher QX-5521 is attached' }]);
    const search = (q: string) => ids(admin, `status=closed&q=${encodeURIComponent(q)}`);
    expect(await search('greta voss')).toEqual([c.id]);
    const { end_user_id } = await s.baton.deps.store.db.selectFrom('conversations').select('end_user_id').where('id', '=', c.id).executeTakeFirstOrThrow();
    await write((tx) => tx.updateTable('end_users').set({ name: 'Greta Lindqvist' }).where('id', '=', end_user_id!).execute());
    expect(await search('greta voss')).toEqual([]);
    expect(await search('lindqvist')).toEqual([c.id]);
    await write((tx) => tx.updateTable('conversations').set({ variables: JSON.stringify({ order: { number: 'ORD-99812' } }), tags: '["vip","refund"]' }).where('id', '=', c.id).execute());
    expect(await search('ord-99812')).toEqual([c.id]);
    expect(await ids(admin, 'status=closed&tag=refund')).toEqual([c.id]);
    await write((tx) => tx.updateTable('conversations').set({ variables: '{}', tags: '["vip"]' }).where('id', '=', c.id).execute());
    expect(await search('ord-99812')).toEqual([]);
    expect(await ids(admin, 'status=closed&tag=refund')).toEqual([]);
    expect(await ids(admin, 'status=closed&tag=vip')).toEqual([c.id]);

    // erasure (retention, GDPR) deletes rows: nothing of them stays searchable or listed by tag
    await write(async (tx) => {
      await tx.deleteFrom('messages').where('conversation_id', '=', c.id).execute();
      await tx.deleteFrom('conversation_agents').where('conversation_id', '=', c.id).execute();
      await tx.deleteFrom('conversations').where('id', '=', c.id).execute();
      await tx.deleteFrom('end_users').where('id', '=', end_user_id!).execute();
    });
    expect(await search('qx-5521')).toEqual([]);
    expect(await search('lindqvist')).toEqual([]);
    expect(await s.baton.deps.store.db.selectFrom('conversation_tags').select('tag').where('conversation_id', '=', c.id).execute()).toEqual([]);
    const leftover =
      store === 'sqlite'
        ? sql<{ n: number }>`select count(*) as n from search_rows where conversation_id = ${c.id} or end_user_id = ${end_user_id} or owner like 'm:%' and substr(owner, 3) not in (select id from messages)`
        : sql<{ n: number }>`select count(*) as n from conversation_search where conversation_id = ${c.id}`;
    expect(Number((await leftover.execute(s.baton.deps.store.db)).rows[0]!.n)).toBe(0);
  });

  it('pages history with a cursor, newest first, ties broken by id, to a null nextCursor', async () => {
    const base = Date.parse('2026-01-10T10:00:00Z');
    const made: Array<{ id: string; at: number }> = [];
    await write(async (tx) => {
      for (let i = 0; i < 7; i++) {
        const id = `page-${store}-${i}`;
        const at = base + Math.floor(i / 2) * 1000; // pairs share updated_at
        await tx.insertInto('conversations').values(closedRow(id, at)).execute();
        await tx.insertInto('conversation_agents').values({ agent_id: a1.id, conversation_id: id, handled_at: at }).execute();
        made.push({ id, at });
      }
    });
    const expected = [...made].sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1)).map((m) => m.id);
    for (const who of [admin, a1.token]) {
      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const page = await list(who, `status=closed&to=2026-01-11&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
        seen.push(...page.conversations.map((c) => c.id));
        cursor = page.nextCursor;
        pages++;
      }
      expect(seen).toEqual(expected);
      expect(pages).toBe(3);
    }
  });

  it('answers 400 INVALID_CURSOR to a malformed cursor and to one of another list', async () => {
    const foreign = Buffer.from(JSON.stringify(['queue', 1, 'x'])).toString('base64url');
    for (const cursor of ['not a cursor', Buffer.from('[1,2').toString('base64url'), foreign]) {
      const r = await call(s.url, 'GET', `/api/v1/agent/conversations?status=closed&cursor=${encodeURIComponent(cursor)}`, { token: admin });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('INVALID_CURSOR');
    }
    const deliveries = await call(s.url, 'GET', `/api/v1/providers/deliveries?cursor=${foreign}`, { token: admin });
    expect(deliveries.body.error.code).toBe('INVALID_CURSOR');
  });

  it('lists the queue in one page with positions per skill and wait estimates; the plain agent filter is SQL, so limit is a page', async () => {
    const nl = await makeAgent(s.url, admin, { skills: ['general'], languages: ['nl'] });
    await call(s.url, 'PUT', '/api/v1/agent/status', { token: a1.token, body: { status: 'offline' } });
    const waiting = [];
    for (const locale of ['en', 'en', 'nl', 'en', 'nl']) waiting.push(await offloadedConversation(s.url, { locale }));
    const all = await list(admin, 'status=offloaded&limit=500');
    expect(all.conversations.map((c) => c.id)).toEqual(waiting.map((w) => w.id));
    expect(all.conversations.map((c) => c.queuePosition)).toEqual([1, 2, 3, 4, 5]);
    expect(all.conversations.every((c) => c.estimatedWaitSeconds! > 0)).toBe(true);

    const first = await list(nl.token, 'status=offloaded&limit=1');
    expect(first.conversations.map((c) => [c.id, c.queuePosition])).toEqual([[waiting[2]!.id, 3]]);
    const second = await list(nl.token, `status=offloaded&limit=1&cursor=${first.nextCursor}`);
    expect(second.conversations.map((c) => [c.id, c.queuePosition])).toEqual([[waiting[4]!.id, 5]]);
    expect(second.nextCursor).toBeNull();
    // admins get limit too (the queue was up to 1,000 rows)
    const two = await list(admin, 'status=offloaded&limit=2');
    expect(two.conversations).toHaveLength(2);
    expect(two.nextCursor).not.toBeNull();

    const overview = await call(s.url, 'GET', '/api/v1/supervisor/overview', { token: admin });
    expect(overview.body.totals.queue).toBe(5);
    expect(overview.body.queue.map((c: Listed) => c.queuePosition)).toEqual([1, 2, 3, 4, 5]);
  });

  it('pages canned responses and deliveries', async () => {
    for (const shortcut of ['c-one', 'c-two', 'c-three']) {
      expect((await call(s.url, 'POST', '/api/v1/canned-responses', { token: admin, body: { shortcut, title: shortcut, text: shortcut } })).status).toBe(201);
    }
    const first = await call(s.url, 'GET', '/api/v1/agent/canned-responses?limit=2', { token: a1.token });
    const rest = await call(s.url, 'GET', `/api/v1/agent/canned-responses?limit=2&cursor=${first.body.nextCursor}`, { token: a1.token });
    expect([...first.body.cannedResponses, ...rest.body.cannedResponses].map((c: { shortcut: string }) => c.shortcut)).toEqual(['c-one', 'c-three', 'c-two']);
    expect(rest.body.nextCursor).toBeNull();

    await write(async (tx) => {
      for (let i = 0; i < 5; i++) {
        await tx
          .insertInto('outbox')
          .values({ id: `d-${i}`, delivery_id: `dd-${i}`, provider_id: 'hook', event: 'conversation.offloaded', conversation_id: null, payload: '{}', status: 'dead', attempts: 1, next_attempt_at: 0, lease_until: null, last_error: null, created_at: 1000 + (i % 3), delivered_at: null })
          .execute();
      }
    });
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const r = await call(s.url, 'GET', `/api/v1/providers/deliveries?providerId=hook&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      seen.push(...r.body.deliveries.map((d: { id: string }) => d.id));
      cursor = r.body.nextCursor;
    }
    expect(seen).toEqual(['d-2', 'd-4', 'd-1', 'd-3', 'd-0']);
  });
});

function closedRow(id: string, at: number) {
  return conversationRow(id, { status: 'closed', created_at: at, updated_at: at, closed_at: at, history_at: at });
}

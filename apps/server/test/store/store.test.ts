// One store suite, run against embedded SQLite and the machine's PostgreSQL.
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage, findByIdempotencyKey, listMessages } from '../../src/store/conversations.js';
import { openStore, type Store } from '../../src/store/database.js';
import { objectRows } from '../../src/store/sqlite/statement-cache.js';
import { hot } from '../../src/store/hot.js';
import { REPLAN, replanDue } from '../../src/store/postgres/prepared.js';
import { laneOf, WriteQueue } from '../../src/store/write-queue.js';
import type { UserMessageItem } from '../../src/store/message-writes.js';
import { createSqliteWriter } from '../../src/store/sqlite/writer.js';
import { claimDueTimers, setTimer } from '../../src/store/timers.js';
import { findByExternalId, providerState } from '../../src/providers/state.js';
import type { Deps } from '../../src/deps.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { conversationRow } from '../support/rows.js';
import { tempDir } from '../support/temp.js';

const pgOk = await postgresAvailable();

async function conversation(store: Store, id: string) {
  await store.write.run((tx) => tx.insertInto('conversations').values(conversationRow(id)).execute());
}

/** a conversation's messages as `seq:text`, in order */
async function seqTexts(store: Store, id: string): Promise<string[]> {
  return (await listMessages(store.db, id, { limit: 10, includeInternal: true })).map((m) => `${m.seq}:${m.text}`);
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`store on ${dialect}`, () => {
    let store: Store;
    let drop: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      if (dialect === 'postgres') {
        const db = await freshDatabase();
        drop = db.drop;
        store = await openStore({ dataDir: tempDir(), databaseUrl: db.url });
      } else {
        store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
      }
    });
    afterAll(async () => {
      await store?.close();
      await drop?.();
    });

    it('runs migrations idempotently (a second open is a no-op)', async () => {
      const tables = await store.db.introspection.getTables();
      const names = tables.map((t) => t.name);
      for (const t of ['conversations', 'messages', 'end_users', 'agents', 'sessions', 'settings', 'bots', 'conversation_events', 'outbox', 'timers']) {
        expect(names).toContain(t);
      }
    });

    it('allocates strictly increasing per-conversation seqs under concurrent appends', async () => {
      await conversation(store, 'c-seq');
      await conversation(store, 'c-seq-2');
      const rows = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.write.run((tx) => appendMessage(tx, { conversationId: i % 2 ? 'c-seq' : 'c-seq-2', authorType: 'user', text: `m${i}` }, Date.now())),
        ),
      );
      const a = rows.filter((r) => r.conversation_id === 'c-seq').map((r) => r.seq).sort((x, y) => x - y);
      expect(a).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const listed = await listMessages(store.db, 'c-seq', { after: 50, limit: 500, includeInternal: true });
      expect(listed.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 51));
    });

    it('group-commits: many concurrent jobs share few transactions', async () => {
      await conversation(store, 'c-gc');
      const before = { ...store.write.stats };
      await Promise.all(
        Array.from({ length: 300 }, (_, i) => store.write.run((tx) => appendMessage(tx, { conversationId: 'c-gc', authorType: 'user', text: `x${i}` }, Date.now()))),
      );
      const batches = store.write.stats.batches - before.batches;
      expect(store.write.stats.jobs - before.jobs).toBe(300);
      expect(batches).toBeLessThan(30);
    });

    it("keeps a conversation's jobs in the order they were queued, whatever lane they run in", async () => {
      const ids = Array.from({ length: 8 }, (_, i) => `c-order-${i}`);
      for (const id of ids) await conversation(store, id);
      await Promise.all(
        Array.from({ length: 240 }, (_, i) => {
          const id = ids[i % ids.length]!;
          return store.write.run((tx) => appendMessage(tx, { conversationId: id, authorType: 'user', text: String(i) }, 1), { key: id });
        }),
      );
      for (const id of ids) {
        const texts = (await listMessages(store.db, id, { limit: 100, includeInternal: true })).map((m) => Number(m.text));
        expect(texts).toHaveLength(30);
        expect(texts).toEqual([...texts].sort((a, b) => a - b));
      }
    });

    it('a failing job rolls back alone; the others in its batch commit', async () => {
      await conversation(store, 'c-fail');
      const results = await Promise.allSettled([
        store.write.run((tx) => appendMessage(tx, { conversationId: 'c-fail', authorType: 'user', text: 'ok-1' }, 1)),
        store.write.run(async (tx) => {
          await appendMessage(tx, { conversationId: 'c-fail', authorType: 'user', text: 'doomed' }, 1);
          throw new Error('boom');
        }),
        store.write.run((tx) => appendMessage(tx, { conversationId: 'c-fail', authorType: 'user', text: 'ok-2' }, 1)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const texts = (await listMessages(store.db, 'c-fail', { limit: 10, includeInternal: true })).map((m) => m.text);
      expect(texts).toEqual(['ok-1', 'ok-2']);
    });

    it("stores a user's message in one go: next seq, duplicate by idempotency key, or 'closed'", async () => {
      await conversation(store, 'c-um');
      const input = { conversationId: 'c-um', authorType: 'user' as const, text: 'hi', idempotencyKey: 'k-1' };
      const first = await store.write.run((tx) => store.messages.storeUser(tx, input, 10));
      expect(first).toMatchObject({ kind: 'stored', row: { seq: 1, text: 'hi', idempotency_key: 'k-1', created_at: 10 }, conversation: { status: 'bot', last_seq: 1 } });
      const again = await store.write.run((tx) => store.messages.storeUser(tx, input, 11));
      expect(again).toMatchObject({ kind: 'duplicate', existing: { seq: 1, text: 'hi' } });
      const other = await store.write.run((tx) => store.messages.storeUser(tx, { ...input, idempotencyKey: null, text: 'second' }, 12));
      expect(other).toMatchObject({ kind: 'stored', row: { seq: 2, text: 'second', idempotency_key: null } });
      expect((await listMessages(store.db, 'c-um', { limit: 10, includeInternal: true })).map((m) => [m.seq, m.text])).toEqual([
        [1, 'hi'],
        [2, 'second'],
      ]);
      await store.write.run((tx) => tx.updateTable('conversations').set({ status: 'closed' }).where('id', '=', 'c-um').execute());
      expect(await store.write.run((tx) => store.messages.storeUser(tx, { ...input, idempotencyKey: 'k-2' }, 13))).toEqual({ kind: 'closed' });
      expect(await store.write.run((tx) => store.messages.storeUser(tx, { ...input, conversationId: 'nope' }, 13))).toEqual({ kind: 'closed' });
      // nothing stored by the refused ones, and no seq taken
      const conv = await store.db.selectFrom('conversations').select('last_seq').where('id', '=', 'c-um').executeTakeFirstOrThrow();
      expect(conv.last_seq).toBe(2);
    });

    it('updates the columns a patch sets (undefined ones left alone, nulls written) and updated_at; refuses a name that is not a column', async () => {
      const { updateConversation } = await import('../../src/store/conversations.js');
      await conversation(store, 'c-upd');
      await store.write.run((tx) => updateConversation(tx, 'c-upd', { status: 'offloaded', skill: 'billing', queued_at: 7, provider_id: undefined }, 20));
      await store.write.run((tx) => updateConversation(tx, 'c-upd', { skill: null, tags: '["vip"]', updated_at: 1 }, 30));
      const row = await store.db.selectFrom('conversations').select(['status', 'skill', 'queued_at', 'provider_id', 'tags', 'updated_at']).where('id', '=', 'c-upd').executeTakeFirstOrThrow();
      expect({ ...row, queued_at: Number(row.queued_at), updated_at: Number(row.updated_at) }).toEqual({ status: 'offloaded', skill: null, queued_at: 7, provider_id: null, tags: '["vip"]', updated_at: 30 });
      const odd = { 'status = status; --': 'x' } as never;
      await expect(store.write.run((tx) => updateConversation(tx, 'c-upd', odd, 40))).rejects.toThrow(/not a column name/);
    });

    it('refuses a second message with the same idempotency key in a conversation', async () => {
      await conversation(store, 'c-idem');
      await store.write.run((tx) => appendMessage(tx, { conversationId: 'c-idem', authorType: 'user', text: 'a', idempotencyKey: 'k1' }, 1));
      await expect(
        store.write.run((tx) => appendMessage(tx, { conversationId: 'c-idem', authorType: 'user', text: 'a', idempotencyKey: 'k1' }, 1)),
      ).rejects.toThrow();
      expect((await findByIdempotencyKey(store.db, 'c-idem', 'k1'))?.text).toBe('a');
      // keys are per conversation, and messages without a key never collide
      await conversation(store, 'c-idem-2');
      await store.write.run((tx) => appendMessage(tx, { conversationId: 'c-idem-2', authorType: 'user', text: 'a', idempotencyKey: 'k1' }, 1));
      await store.write.run((tx) => appendMessage(tx, { conversationId: 'c-idem-2', authorType: 'bot', text: 'b' }, 1));
      await store.write.run((tx) => appendMessage(tx, { conversationId: 'c-idem-2', authorType: 'bot', text: 'c' }, 1));
    });

    it('claims each due timer once, even with competing claimers', async () => {
      for (let i = 0; i < 20; i++) {
        await conversation(store, `c-t${i}`);
        await store.write.run((tx) => setTimer(tx, { conversationId: `c-t${i}`, kind: 'waiting_timeout', dueAt: 1000 + i }, 1));
      }
      // setting a timer again replaces it (one per conversation and kind)
      await store.write.run((tx) => setTimer(tx, { conversationId: 'c-t0', kind: 'waiting_timeout', dueAt: 1000 }, 1));
      const claims = await Promise.all([
        store.write.run((tx) => claimDueTimers(tx, 5000, 30_000, 100)),
        store.write.run((tx) => claimDueTimers(tx, 5000, 30_000, 100)),
        store.db.transaction().execute((tx) => claimDueTimers(tx, 5000, 30_000, 100)),
      ]);
      const ids = claims.flat().map((t) => t.conversation_id);
      expect(ids.length).toBe(20);
      expect(new Set(ids).size).toBe(20);
      // not yet due: nothing
      expect(await store.write.run((tx) => claimDueTimers(tx, 500, 30_000, 100))).toEqual([]);
      // after the lease runs out, an unfinished timer can be claimed again
      const again = await store.write.run((tx) => claimDueTimers(tx, 5000 + 31_000, 30_000, 100));
      expect(again.length).toBe(20);
    });

    it('keeps each agent\'s live-chat count and latest assignment exact through assign, transfer, close and delete', async () => {
      for (const id of ['ag-1', 'ag-2']) {
        await store.write.run((tx) =>
          tx
            .insertInto('agents')
            .values({ id, email: `${id}@example.com`, name: id, password_hash: 'x', role: 'agent', skills: '[]', languages: '[]', max_concurrent: 3, status: 'online', last_seen_at: null, created_at: 1, updated_at: 1, deleted_at: null })
            .execute(),
        );
      }
      const load = async () =>
        Object.fromEntries(
          (await store.db.selectFrom('agents').select(['id', 'active_chats', 'last_assigned_at']).where('id', 'in', ['ag-1', 'ag-2']).orderBy('id').execute()).map((a) => [
            a.id,
            [Number(a.active_chats), Number(a.last_assigned_at)],
          ]),
        );
      const set = (id: string, patch: { status: string; assignee_id: string | null; assigned_at?: number | null }) =>
        store.write.run((tx) => tx.updateTable('conversations').set(patch).where('id', '=', id).execute());
      await conversation(store, 'c-load1');
      await conversation(store, 'c-load2');
      await set('c-load1', { status: 'agent', assignee_id: 'ag-1', assigned_at: 100 });
      await set('c-load2', { status: 'agent', assignee_id: 'ag-1', assigned_at: 200 });
      expect(await load()).toEqual({ 'ag-1': [2, 200], 'ag-2': [0, 0] });
      await set('c-load2', { status: 'agent', assignee_id: 'ag-2', assigned_at: 300 }); // transfer
      expect(await load()).toEqual({ 'ag-1': [1, 200], 'ag-2': [1, 300] });
      await set('c-load2', { status: 'agent', assignee_id: 'ag-2' }); // same owner again: no change
      expect(await load()).toEqual({ 'ag-1': [1, 200], 'ag-2': [1, 300] });
      await set('c-load1', { status: 'closed', assignee_id: 'ag-1' }); // closed keeps its assignee, not its slot
      expect(await load()).toEqual({ 'ag-1': [0, 200], 'ag-2': [1, 300] });
      await store.write.run((tx) => tx.deleteFrom('messages').where('conversation_id', '=', 'c-load2').execute());
      await store.write.run((tx) => tx.deleteFrom('conversations').where('id', '=', 'c-load2').execute());
      expect(await load()).toEqual({ 'ag-1': [0, 200], 'ag-2': [0, 300] });
    });

    it('auto-assignment picks in the database what the exact routing rule picks over every agent', async () => {
      const agent = (id: string, skills: string[], languages: string[], extra: { status?: string; max?: number; active?: number; last?: number } = {}) =>
        store.write.run((tx) =>
          tx
            .insertInto('agents')
            .values({
              id,
              email: `${id}@example.com`,
              name: id,
              password_hash: 'x',
              role: 'agent',
              skills: JSON.stringify(skills),
              languages: JSON.stringify(languages),
              max_concurrent: extra.max ?? 3,
              status: extra.status ?? 'online',
              last_seen_at: null,
              created_at: 1,
              updated_at: 1,
              deleted_at: null,
              active_chats: extra.active ?? 0,
              last_assigned_at: extra.last ?? 0,
            })
            .execute(),
        );
      await agent('r-exact', ['billing'], ['en'], { active: 1, last: 50 });
      await agent('r-busy', ['billing'], ['en'], { active: 3, max: 3 }); // full
      await agent('r-off', ['billing'], [], { status: 'offline' });
      await agent('r-star', ['*'], ['nl'], { active: 1, max: 4 });
      await agent('r-any', [], [], { active: 2, max: 3, last: 10 });
      await agent('r-under', ['bill_ng'], ['en']); // `_` must not act as a wildcard
      for (let i = 0; i < 9; i++) await agent(`r-case${i}`, ['BILLING'], ['en']); // LIKE may ignore case
      const { bestAgentFor, routableAgents } = await import('../../src/store/agents.js');
      const { pickAgent } = await import('../../src/domain/routing.js');
      for (const conv of [
        { skill: 'billing', language: 'en' },
        { skill: 'billing', language: 'nl' },
        { skill: 'billing', language: 'fr' },
        { skill: 'billxng', language: 'en' },
        { skill: null, language: 'de' },
        { skill: 'BILLING', language: 'en' },
        { skill: 'sales', language: 'nl' },
      ]) {
        const exact = pickAgent(await routableAgents(store.db), conv)?.id;
        expect(exact, JSON.stringify(conv)).not.toMatch(/^r-(busy|off|under)$/);
        expect((await bestAgentFor(store.db, conv))?.id, JSON.stringify(conv)).toBe(exact);
      }
      await store.write.run((tx) => tx.deleteFrom('agents').where('id', 'like', 'r-%').execute());
    });

    it("keeps providers' state per conversation and finds a conversation by the provider's own id", async () => {
      const deps = { store, clock: { now: () => 5 } } as unknown as Deps;
      const hs = providerState(deps, 'hs');
      await conversation(store, 'c-p1');
      await conversation(store, 'c-p2');
      await hs.set('c-p1', { helpScoutId: 501, threads: [1] }, '501');
      await hs.set('c-p1', { threads: [1, 2] }); // a patch keeps the rest, and the external id
      await hs.set('c-p2', { helpScoutId: 502 }, '502');
      await providerState(deps, 'other').set('c-p2', { x: 1 }, '501');
      expect(await hs.get('c-p1')).toEqual({ helpScoutId: 501, threads: [1, 2] });
      expect(await findByExternalId(deps, 'hs', '501')).toEqual([{ conversationId: 'c-p1', data: { helpScoutId: 501, threads: [1, 2] } }]);
      expect((await findByExternalId(deps, 'hs', '502')).map((r) => r.conversationId)).toEqual(['c-p2']);
      expect(await findByExternalId(deps, 'hs', '999')).toEqual([]);
    });
  });
}

describe('SQLite rows built in JS (objectRows)', () => {
  it('gives the same rows as better-sqlite3 builds itself: names, order, values, a later duplicate name wins', async () => {
    const SQLite = (await import('better-sqlite3')).default;
    const file = new SQLite(':memory:');
    file.exec("create table a (id integer, name text, n real, b blob); insert into a values (1, 'x', 1.5, x'01'), (2, null, null, null)");
    const text = 'select a.*, 7 as n, a2.name as name from a join a as a2 on a2.id = a.id order by a.id';
    const expected = file.prepare(text).all();
    const fast = objectRows(file.prepare(text));
    expect(fast.all()).toEqual(expected);
    expect(Object.keys(fast.all()[0] as object)).toEqual(Object.keys(expected[0] as object));
    expect(fast.get()).toEqual(expected[0]);
    expect([...fast.iterate()]).toEqual(expected);
    expect(objectRows(file.prepare('select * from a where id = ?')).get(99)).toBeUndefined();
    // statements that return nothing are left as they are
    const insert = objectRows(file.prepare('insert into a (id) values (?)'));
    expect(insert.run(3).changes).toBe(1);
    file.close();
  });

  it('the duplicate check of a user message is answered from the partial idempotency index (keys only)', async () => {
    const store = await openStore({ dataDir: tempDir() });
    try {
      const plan = await sql<{ detail: string }>`explain query plan select 1 from messages where conversation_id = ${'c'} and idempotency_key = ${'k'}`.execute(store.db);
      expect(plan.rows.map((r) => r.detail).join(' ')).toContain('messages_conv_idem_uq');
      const index = await sql<{ sql: string }>`select sql from sqlite_master where name = 'messages_conv_idem_uq'`.execute(store.db);
      expect(index.rows[0]!.sql).toMatch(/where "idempotency_key" is not null/i);
    } finally {
      await store.close();
    }
  });

  it('the best agent for a handover comes from the routing index, not a scan and sort of every agent', async () => {
    const store = await openStore({ dataDir: tempDir() });
    try {
      const { BEST_AGENT } = await import('../../src/store/agents.js');
      const plan = await sql<{ detail: string }>`${sql.raw(`explain query plan ${BEST_AGENT.replace(/\?/g, "'x'")}`)}`.execute(store.db);
      const details = plan.rows.map((r) => r.detail).join(' | ');
      expect(details).toContain('agents_routing_idx');
      expect(details).not.toContain('TEMP B-TREE');
      // a bare parameter as a LIKE's pattern makes SQLite prepare the statement again at every binding
      expect(BEST_AGENT).not.toMatch(/like \?/i);
    } finally {
      await store.close();
    }
  });

  it('a hot statement inside a transaction sees the transaction and goes with its rollback; one outside never sees it', async () => {
    const store = await openStore({ dataDir: tempDir() });
    try {
      await conversation(store, 'c-hot');
      const trx = await store.db.startTransaction().execute();
      await hot(trx, 'update conversations set last_seq = 41 where id = ?', ['c-hot']);
      expect((await hot<{ last_seq: number }>(trx, 'select last_seq from conversations where id = ?', ['c-hot'])).rows).toEqual([{ last_seq: 41 }]);
      await expect(hot(trx, 'select nope from conversations', [])).rejects.toThrow(/no such column/);
      // a read outside the transaction waits for it instead of seeing its uncommitted rows
      let outside: number | undefined;
      const read = hot<{ last_seq: number }>(store.db, 'select last_seq from conversations where id = ?', ['c-hot']).then((r) => (outside = r.rows[0]!.last_seq));
      await new Promise((r) => setTimeout(r, 20));
      expect(outside).toBeUndefined();
      await trx.rollback().execute();
      await read;
      expect(outside).toBe(0);
      // with no transaction open it is answered at once, from committed rows
      expect((await hot<{ last_seq: number }>(store.db, 'select last_seq from conversations where id = ?', ['c-hot'])).rows).toEqual([{ last_seq: 0 }]);
    } finally {
      await store.close();
    }
  });
});

describe.skipIf(!pgOk)('store on postgres: write lanes', () => {
  it('runs batches of different lanes at once, and drain waits for every lane', async () => {
    const db = await freshDatabase();
    const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url, writeLanes: 2 });
    try {
      const keys = Array.from({ length: 20 }, (_, i) => `c-lane-${i}`);
      const a = keys.find((k) => laneOf(k, 2) === 0)!;
      const b = keys.find((k) => laneOf(k, 2) === 1)!;
      await conversation(store, a);
      await conversation(store, b);
      // a's transaction stays open until b has committed: with one lane this would wait forever
      let bDone!: () => void;
      const bCommitted = new Promise<void>((r) => (bDone = r));
      const first = store.write.run(
        async (tx) => {
          await appendMessage(tx, { conversationId: a, authorType: 'user', text: 'a' }, 1);
          await Promise.race([bCommitted, new Promise((_, reject) => setTimeout(() => reject(new Error('lanes ran one after the other')), 5000))]);
          return 'a';
        },
        { key: a },
      );
      const second = store.write.run((tx) => appendMessage(tx, { conversationId: b, authorType: 'user', text: 'b' }, 1), { key: b }).then(() => bDone());
      await second;
      let drained = false;
      const drain = store.write.drain(false).then(() => (drained = true));
      await expect(first).resolves.toBe('a');
      await drain;
      expect(drained).toBe(true);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe.skipIf(!pgOk)('store on postgres: BEGIN pipelined with the first statement', () => {
  it("a batch's statements run inside its transaction, and a rollback takes them back", async () => {
    const db = await freshDatabase();
    const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url, writeLanes: 1 });
    try {
      await conversation(store, 'c-pipe');
      const first = await store.write.run(async (tx) => (await sql<{ x: string }>`select pg_current_xact_id()::text as x`.execute(tx)).rows[0]!.x);
      const [a, b] = await Promise.all([
        store.write.run(async (tx) => (await sql<{ x: string }>`select pg_current_xact_id()::text as x`.execute(tx)).rows[0]!.x),
        store.write.run(async (tx) => (await sql<{ x: string }>`select pg_current_xact_id()::text as x`.execute(tx)).rows[0]!.x),
      ]);
      // one transaction per batch (without BEGIN, each statement would be a transaction of its own), a
      // new one for the next batch
      expect(a).toBe(b);
      expect(a).not.toBe(first);
      const failed = await store.write
        .run(async (tx) => {
          await appendMessage(tx, { conversationId: 'c-pipe', authorType: 'user', text: 'rolled back' }, 1);
          throw new Error('boom');
        })
        .catch((e: Error) => e.message);
      expect(failed).toBe('boom');
      expect(await listMessages(store.db, 'c-pipe', { limit: 10, includeInternal: true })).toEqual([]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('write-queue upkeep', () => {
  it('runs the upkeep a step at a time while the lane has no job: a job queued during a step runs after that step, and drain waits for the steps', async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      const order: string[] = [];
      let left = 3;
      const upkeep = async () => {
        order.push('step');
        await new Promise((r) => setTimeout(r, 20));
        return --left > 0;
      };
      const queue = new WriteQueue(store.db, undefined, 1, false, upkeep);
      await queue.run(async () => order.push('a'));
      while (!order.includes('step')) await new Promise((r) => setTimeout(r, 1));
      // the first step is under way: this job waits for it, then the steps go on
      await queue.run(async () => order.push('b'));
      await queue.drain(false);
      expect(left).toBe(0);
      expect(order).toEqual(['a', 'step', 'b', 'step', 'step']);
      // nothing left: one step after the next job, which finds nothing
      await queue.run(async () => order.push('c'));
      await queue.drain(false);
      expect(order.slice(5)).toEqual(['c', 'step']);
      // a closing queue takes no step
      await queue.run(async () => order.push('d'));
      await queue.drain();
      expect(order.slice(7)).toEqual(['d']);
    } finally {
      await store.close();
    }
  });
});

describe('write-queue preludes', () => {
  it('runs the prelude once for each run of consecutive jobs that share it, in queue order, and hands each job its result', async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      const calls: number[][] = [];
      const double = { run: async (_tx: unknown, inputs: number[]) => (calls.push(inputs), inputs.map((n) => n * 2)) };
      const order: string[] = [];
      const withPrelude = (n: number) => store.write.run(async (_tx, pre) => (order.push(`p${n}`), pre), { prelude: { of: double, input: n } });
      const plain = (name: string) => store.write.run(async () => (order.push(name), name));
      const results = await Promise.all([withPrelude(1), withPrelude(2), plain('x'), withPrelude(3), withPrelude(4), withPrelude(5)]);
      expect(results).toEqual([2, 4, 'x', 6, 8, 10]);
      expect(calls).toEqual([
        [1, 2],
        [3, 4, 5],
      ]);
      expect(order).toEqual(['p1', 'p2', 'x', 'p3', 'p4', 'p5']);
    } finally {
      await store.close();
    }
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && !pgOk)(`store on ${dialect}: the user messages of a batch in one go (one statement on PostgreSQL, the writer thread on SQLite)`, () => {
    it('stores them in queue order per conversation, answers duplicates and closed conversations, and a key repeated in the batch is a duplicate', async () => {
      await withBatchStore(dialect, async ({ store, userMessages }) => {
        for (const id of ['c-b1', 'c-b2', 'c-b3']) await conversation(store, id);
        await store.write.run((tx) => hot(tx, "update conversations set status = 'closed' where id = ?", ['c-b3']));
        const msg = (conversationId: string, text: string, key: string | null) => ({ input: { conversationId, authorType: 'user' as const, text, idempotencyKey: key }, now: 7 });
        await store.write.run((tx) => appendMessage(tx, { conversationId: 'c-b1', authorType: 'user', text: 'before', idempotencyKey: 'k-old' }, 1));
        const inputs = [msg('c-b1', 'a1', 'k-a1'), msg('c-b2', 'b1', null), msg('c-b1', 'a2', 'k-a2'), msg('c-b1', 'again', 'k-old'), msg('c-b3', 'closed', 'k-c'), msg('c-b2', 'b2', 'k-b2')];
        // as jobs: consecutive jobs with the prelude share one statement; each job starts from its outcome
        const outcomes = await Promise.all(inputs.map((i) => store.write.run(async (_tx, pre) => pre, { prelude: userMessages(i) })));
        expect(outcomes.map((o) => o!.kind)).toEqual(['stored', 'stored', 'stored', 'duplicate', 'closed', 'stored']);
        expect(outcomes.map((o) => (o!.kind === 'stored' ? o!.row.seq : null))).toEqual([2, 1, 3, null, null, 2]);
        expect(outcomes[3]).toMatchObject({ kind: 'duplicate', existing: { text: 'before', seq: 1 } });
        expect(outcomes[0]).toMatchObject({ kind: 'stored', row: { text: 'a1', idempotency_key: 'k-a1', created_at: 7 }, conversation: { status: 'bot', last_seq: 2 } });
        expect(await seqTexts(store, 'c-b1')).toEqual(['1:before', '2:a1', '3:a2']);
        expect(await seqTexts(store, 'c-b2')).toEqual(['1:b1', '2:b2']);
        expect(await seqTexts(store, 'c-b3')).toEqual([]);
        const stats = { ...store.write.stats };
        // the same key twice in one batch: on PostgreSQL the unique index refuses the statement and the
        // batch reruns job by job; SQLite's writer stores them one after the other and sees the first
        const twice = await Promise.all([msg('c-b2', 'x', 'k-x'), msg('c-b2', 'x', 'k-x')].map((i) => store.write.run(async (_tx, pre) => pre, { prelude: userMessages(i) })));
        expect(twice.map((o) => o!.kind)).toEqual(['stored', 'duplicate']);
        expect(store.write.stats.batches - stats.batches).toBe(dialect === 'postgres' ? 2 : 1);
        expect(await seqTexts(store, 'c-b2')).toEqual(['1:b1', '2:b2', '3:x']);
      });
    });

    it('runs without a transaction of its jobs, which may only read; closed conversations and those of a held provider get a transaction, in order', async () => {
      await withBatchStore(dialect, async ({ store, userMessages }) => {
        for (const id of ['c-f', 'c-h', 'c-x']) await conversation(store, id);
        await store.write.run((tx) => hot(tx, "update conversations set provider_id = 'hook' where id = ?", ['c-h']));
        await store.write.run((tx) => hot(tx, "update conversations set status = 'closed' where id = ?", ['c-x']));
        const item = (conversationId: string, text: string) => ({ input: { conversationId, authorType: 'user' as const, text, idempotencyKey: null }, now: 7, held: ['hook'] });
        const job = (i: ReturnType<typeof item>) =>
          store.write.run(
            async (tx, pre) => {
              // what a job after the statement may do: read, yes; write, only in a transaction
              const read = (await hot<{ n: number }>(tx, 'select cast(count(*) as integer) as n from messages where conversation_id = ?', [i.input.conversationId])).rows[0]!.n;
              const wrote = await hot(tx, 'update conversations set updated_at = ? where id = ?', [99, i.input.conversationId]).then(
                () => 'yes',
                (e: Error) => e.message,
              );
              return { kind: pre!.kind, seq: pre!.kind === 'stored' ? pre!.row.seq : null, read, wrote };
            },
            { key: i.input.conversationId, prelude: userMessages(i) },
          );
        const before = { ...store.write.stats };
        const observed: Array<[number, string]> = [];
        store.write.onBatch = (jobs, path) => observed.push([jobs, path]);
        const out = await Promise.all([item('c-f', 'f1'), item('c-h', 'h1'), item('c-x', 'x1'), item('c-f', 'f2'), item('c-h', 'h2')].map(job));
        // what /metrics gets (baton_group_commit_jobs{path}): c-f's two by the statement, the other three in a transaction
        expect(observed).toEqual([
          [2, 'statement'],
          [3, 'transaction'],
        ]);
        expect(out.map((o) => [o.kind, o.seq])).toEqual([
          ['stored', 1],
          ['stored', 1],
          ['closed', null],
          ['stored', 2],
          ['stored', 2],
        ]);
        // c-f's messages were committed by the statement alone: its jobs read them, and a write is refused
        expect(out[0]!.read).toBe(2);
        expect(out[0]!.wrote).toMatch(/only reads may follow a prelude run alone/);
        expect(out[3]!.wrote).toMatch(/only reads may follow a prelude run alone/);
        // the held provider's and the closed conversation's jobs ran in a transaction, after
        expect([out[1]!.wrote, out[2]!.wrote, out[4]!.wrote]).toEqual(['yes', 'yes', 'yes']);
        expect(store.write.stats.alone - before.alone).toBe(1);
        expect(store.write.stats.batches - before.batches).toBe(2);
        expect(await seqTexts(store, 'c-f')).toEqual(['1:f1', '2:f2']);
        expect(await seqTexts(store, 'c-h')).toEqual(['1:h1', '2:h2']);
        const updated = await store.db.selectFrom('conversations').select(['id', 'updated_at']).orderBy('id').execute();
        expect(updated).toEqual([
          { id: 'c-f', updated_at: 7 },
          { id: 'c-h', updated_at: 99 },
          { id: 'c-x', updated_at: 99 },
        ]);
      });
    });

    it("keeps each conversation's messages in the order they were sent across many batches (SQLite: the next batch is stored while the last one's jobs run)", async () => {
      await withBatchStore(dialect, async ({ store, userMessages }) => {
        const ids = Array.from({ length: 6 }, (_, i) => `c-seq-${i}`);
        for (const id of ids) await conversation(store, id);
        const before = { ...store.write.stats };
        const acked: string[] = [];
        const send = (id: string, n: number) =>
          store.write.run(
            async (_tx, pre) => {
              // a job that yields, so the writer may get ahead of it
              await new Promise((r) => setImmediate(r));
              return pre;
            },
            { key: id, prelude: userMessages({ input: { conversationId: id, authorType: 'user' as const, text: String(n), idempotencyKey: `k${n}` }, now: n }) },
          ).then((o) => (acked.push(`${id}:${n}`), o));
        // sent over several ticks, as sockets deliver them: many batches
        const sends: Array<Promise<unknown>> = [];
        for (let n = 0; n < 600; n++) {
          sends.push(send(ids[n % ids.length]!, n));
          if (n % 10 === 9) await new Promise((r) => setTimeout(r, 1));
          // and every 100 after the last one was acknowledged: at least six batches however slow the machine
          if (n % 100 === 99) await sends[n];
        }
        const outcomes = (await Promise.all(sends)) as Array<{ kind: string; row: { seq: number } }>;
        expect(outcomes.every((o) => o.kind === 'stored')).toBe(true);
        for (const id of ids) {
          const rows = await listMessages(store.db, id, { limit: 200, includeInternal: true });
          const texts = rows.map((m) => Number(m.text));
          expect(texts).toHaveLength(100);
          expect(texts).toEqual([...texts].sort((a, b) => a - b));
          expect(rows.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
          // acknowledged in the order they were sent, too
          const mine = acked.filter((a) => a.startsWith(`${id}:`)).map((a) => Number(a.split(':')[1]));
          expect(mine).toEqual(texts);
        }
        expect(store.write.stats.alone - before.alone).toBeGreaterThanOrEqual(6);
      });
    });
  });
}

describe('store on sqlite: the writer thread', () => {
  it("stores a batch of user messages and simple bot turns in queue order; a turn whose conversation changed is left, with that conversation's later writes, to a transaction", async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      await store.ready();
      for (const id of ['c-a', 'c-b']) await conversation(store, id);
      // c-b's bot state moved on (another turn was applied): a turn computed from version 0 is stale
      await store.write.run((tx) => hot(tx, 'update conversations set bot_version = 1 where id = ?', ['c-b']));
      const user = (conversationId: string, text: string) => ({ input: { conversationId, authorType: 'user' as const, text, idempotencyKey: null }, now: 5 });
      const bot = (id: string, text: string, botSeq: number) => ({
        bot: { id, expectVersion: 0, botSeq, botState: `{"after":${botSeq}}`, variables: '{"v":1}', tags: null, now: 6, messages: [{ conversationId: id, authorType: 'bot' as const, authorName: 'Bot', text }] },
      });
      const observed: Array<[number, string]> = [];
      store.write.onBatch = (jobs, path) => observed.push([jobs, path]);
      const writes = [user('c-a', 'a1'), bot('c-a', 'answer a1', 1), user('c-b', 'b1'), bot('c-b', 'stale answer', 1), user('c-b', 'b2'), user('c-a', 'a2')];
      const out = await Promise.all(writes.map((w, i) => store.write.run(async (_tx, pre) => ({ i, pre }), { key: 'bot' in w ? w.bot.id : w.input.conversationId, prelude: 'bot' in w ? store.messages.batchBotTurn(() => w.bot)!.call : store.messages.batchUser(w).call })));
      expect(out.map((o) => o.pre?.kind)).toEqual(['stored', 'bot', 'stored', 'missed', 'stored', 'stored']);
      expect(out[1]!.pre).toMatchObject({ kind: 'bot', lastSeq: 2, rows: [{ seq: 2, text: 'answer a1', author_type: 'bot' }] });
      // the writer stored c-a's four writes and c-b's first message; the stale turn and what followed it
      // in c-b went to a transaction on the main connection, in order
      expect(observed).toEqual([
        [4, 'statement'],
        [2, 'transaction'],
      ]);
      expect(await seqTexts(store, 'c-a')).toEqual(['1:a1', '2:answer a1', '3:a2']);
      expect(await seqTexts(store, 'c-b')).toEqual(['1:b1', '2:b2']);
      const rows = await store.db.selectFrom('conversations').select(['id', 'bot_seq', 'bot_version', 'bot_state', 'variables', 'last_seq']).orderBy('id').execute();
      expect(rows).toEqual([
        { id: 'c-a', bot_seq: 1, bot_version: 1, bot_state: '{"after":1}', variables: '{"v":1}', last_seq: 3 },
        { id: 'c-b', bot_seq: 0, bot_version: 1, bot_state: null, variables: '{}', last_seq: 2 },
      ]);
    } finally {
      await store.close();
    }
  });

  it('indexes a batch of messages for search in one go: one new index segment per batch, every message found, nothing left pending', async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      await store.ready();
      for (const id of ['c-s1', 'c-s2']) await conversation(store, id);
      // no merging, so the segments written are the segments counted
      await sql`insert into search_index(search_index, rank) values ('automerge', 0)`.execute(store.db);
      await sql`insert into search_index(search_index, rank) values ('crisismerge', 64)`.execute(store.db);
      // nor the idle lane's merge steps (migration 028): a level merges only with 16 segments
      await sql`insert into search_index(search_index, rank) values ('usermerge', 16)`.execute(store.db);
      const segments = async () => (await sql<{ n: number }>`select count(distinct segid) as n from search_index_idx`.execute(store.db)).rows[0]!.n;
      const before = await segments();
      const texts = Array.from({ length: 12 }, (_, i) => `parcel ref${i}q for Janssens at kerkstraat`);
      const observed: Array<[number, string]> = [];
      store.write.onBatch = (jobs, p) => observed.push([jobs, p]);
      await Promise.all(
        texts.map((text, i) =>
          store.write.run(async (_tx, pre) => pre, { prelude: store.messages.batchUser({ input: { conversationId: i % 2 ? 'c-s2' : 'c-s1', authorType: 'user', text, idempotencyKey: null }, now: 5 }).call }),
        ),
      );
      expect(observed).toEqual([[12, 'statement']]);
      // a trigger per message wrote a segment per message (FTS5 flushes at each statement's savepoint)
      expect(await segments()).toBe(before + 1);
      for (const [i] of texts.entries()) {
        const found = await store.db.selectFrom('conversations').select('id').where('id', 'in', store.search.conversationIds(`REF${i}Q`)).execute();
        expect(found.map((r) => r.id)).toEqual([i % 2 ? 'c-s2' : 'c-s1']);
      }
      expect((await sql<{ n: number }>`select count(*) as n from search_pending`.execute(store.db)).rows[0]!.n).toBe(0);
      // a message written on the main connection is indexed by its trigger, as before
      await store.write.run((tx) => appendMessage(tx, { conversationId: 'c-s1', authorType: 'agent', text: 'Agent note for Peeters' }, 6));
      expect((await store.db.selectFrom('conversations').select('id').where('id', 'in', store.search.conversationIds('peeters')).execute()).map((r) => r.id)).toEqual(['c-s1']);
    } finally {
      await store.close();
    }
  });

  it('merges the search index between batches, not in their commits (migration 028): every message still found', async () => {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    try {
      await store.ready();
      await conversation(store, 'c-m');
      const config = await sql<{ v: number }>`select v from search_index_config where k = 'automerge'`.execute(store.db);
      expect(config.rows).toEqual([{ v: 0 }]);
      const segments = async () => (await sql<{ n: number }>`select count(distinct segid) as n from search_index_idx`.execute(store.db)).rows[0]!.n;
      const observed: Array<[number, string]> = [];
      store.write.onBatch = (jobs, p) => observed.push([jobs, p]);
      // one batch at a time, each on the writer thread: a segment each, 24 without merging
      for (let i = 0; i < 24; i++) {
        await store.write.run(async (_tx, pre) => pre, { prelude: store.messages.batchUser({ input: { conversationId: 'c-m', authorType: 'user', text: `merge ref${i}x please`, idempotencyKey: null }, now: 5 + i }).call });
      }
      expect(observed).toEqual(Array.from({ length: 24 }, () => [1, 'statement']));
      // the idle lane merged levels of eight (migration 028's usermerge): 24 segments became a few
      await store.write.drain(false);
      expect(await segments()).toBeLessThanOrEqual(9);
      for (let i = 0; i < 24; i++) {
        const found = await store.db.selectFrom('conversations').select('id').where('id', 'in', store.search.conversationIds(`REF${i}X`)).execute();
        expect(found.map((r) => r.id)).toEqual(['c-m']);
      }
    } finally {
      await store.close();
    }
  });

  it('a thread that fails is reported, its batches are refused (the main connection stores them), and it is started again only after a pause', async () => {
    const errors: string[] = [];
    // a database it cannot open: the thread fails as it starts
    const writer = createSqliteWriter(path.join(tempDir(), 'missing', 'baton.sqlite'), { onError: (m) => errors.push(m) });
    await expect(writer.ready()).rejects.toThrow(/SQLite writer: .*Cannot open database/);
    expect(errors).toHaveLength(1);
    // within the pause: refused at once, no new thread
    await expect(writer.write([])).rejects.toThrow(/not ready/);
    await new Promise((r) => setTimeout(r, 100));
    expect(errors).toHaveLength(1);
    await writer.stop();
    await expect(writer.ready()).rejects.toThrow(/stopped/);
  });

  it('when it is not there (stopped, failed, not started yet), batches of user messages are stored on the main connection', async () => {
    const store = await openStore({ dataDir: tempDir() });
    try {
      await conversation(store, 'c-w');
      const writer = store.writerThread!;
      await writer.ready();
      const item = (text: string) => ({ input: { conversationId: 'c-w', authorType: 'user' as const, text, idempotencyKey: null }, now: 1 });
      const send = (text: string) => store.write.run(async (_tx, pre) => pre, { key: 'c-w', prelude: store.messages.batchUser(item(text)).call });
      const observed: string[] = [];
      store.write.onBatch = (_jobs, path) => observed.push(path);
      await Promise.all([send('a'), send('b')]);
      await writer.stop();
      await expect(writer.write([])).rejects.toThrow(/stopped/);
      const late = await Promise.all([send('c'), send('d')]);
      expect(late.map((o) => o!.kind === 'stored' && o!.row.seq)).toEqual([3, 4]);
      expect(observed).toEqual(['statement', 'transaction']);
      expect(await seqTexts(store, 'c-w')).toEqual(['1:a', '2:b', '3:c', '4:d']);
    } finally {
      await store.close();
    }
  });
});

/** runs `fn` with a batchStore, closed (and its PostgreSQL database dropped) after */
async function withBatchStore(dialect: 'sqlite' | 'postgres', fn: (s: Awaited<ReturnType<typeof batchStore>>) => Promise<void>): Promise<void> {
  const batch = await batchStore(dialect);
  try {
    await fn(batch);
  } finally {
    await batch.store.close();
    await batch.drop?.();
  }
}

/** a store whose batches of user messages go the way the server's do (one write lane on PostgreSQL) */
async function batchStore(dialect: 'sqlite' | 'postgres') {
  const userMessages = (store: Store) => (item: UserMessageItem) => store.messages.batchUser(item).call;
  if (dialect === 'sqlite') {
    const store = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
    // the server does not wait for its writer thread (batches run on the main connection meanwhile)
    await store.ready();
    return { store, drop: undefined, userMessages: userMessages(store) };
  }
  const db = await freshDatabase();
  const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url, writeLanes: 1 });
  return { store, drop: db.drop, userMessages: userMessages(store) };
}

describe('prepared statements: when plans are rebuilt', () => {
  it('as executions double from 64, then every maxStep, and at least every maxAgeMs', () => {
    const r = { first: 64, maxStep: 1024, maxAgeMs: 60_000 };
    const s = { runs: 0, next: r.first, at: 0 };
    const due: number[] = [];
    for (let i = 1; i <= 4096; i++) if (replanDue(s, 1000, r)) due.push(s.runs);
    expect(due).toEqual([64, 128, 256, 512, 1024, 2048, 3072, 4096]);
    expect(replanDue(s, 1000, r)).toBe(false);
    // a minute without reaching the next count (other instances may have grown the tables)
    expect(replanDue(s, 61_001, r)).toBe(true);
    expect(replanDue(s, 61_002, r)).toBe(false);
    expect(REPLAN.first).toBeGreaterThan(5); // after PostgreSQL's five custom plans
  });
});

describe.skipIf(!pgOk)('store on postgres: plans follow the tables as they grow', () => {
  it('probes messages by index from a generic plan made on empty tables, and keeps index scans once the tables have grown and plans are rebuilt', async () => {
    const db = await freshDatabase();
    const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url, writeLanes: 1 });
    const { default: pg } = await import('pg');
    const other = new pg.Client({ connectionString: db.url });
    try {
      const ids = Array.from({ length: 10 }, (_, i) => `c-g${i}`);
      for (const id of ids) await conversation(store, id);
      let n = 0;
      const item = (id: string) => ({ input: { conversationId: id, authorType: 'user' as const, text: `m${n++}`, idempotencyKey: `k${n}` }, now: 1 });
      // a batch as the server's write queue runs it alone (the lean statement) and one in a transaction
      // (the statement that looks for duplicates)
      const inTransaction = store.messages.batchUser({ input: { conversationId: ids[0]!, authorType: 'user' }, now: 1 }).call.of;
      const batch = async () => {
        await Promise.all(ids.map((id) => store.write.run(async (_tx, pre) => pre, { prelude: store.messages.batchUser(item(id)).call })));
        await store.write.run((tx) => inTransaction.run(tx, ids.map(item)));
      };
      // the writer's one connection: its cached generic plan for each of the two statements, as EXPLAIN shows it
      const arr = (v: string) => `'{${v}}'`;
      const input = [arr('x'), arr(ids[0]!), arr('user'), arr('NULL'), arr('NULL'), arr('t'), arr('NULL'), arr('NULL'), arr('kx'), "'{0}'", "'{1}'"];
      const statements = {
        inTransaction: { like: '%dup as%', args: [...input, '1'] },
        alone: { like: '%as x(id, n)%', args: [...input, "'{1}'", '1', arr(ids[0]!), "'{1}'", "'{}'"] },
      };
      const plan = (which: keyof typeof statements) =>
        store.write.run(async (tx) => {
          const { like, args } = statements[which];
          const [stmt] = (await sql<{ name: string }>`select name from pg_prepared_statements where statement like ${like} and statement not like '%pg_prepared%'`.execute(tx)).rows;
          await sql`set plan_cache_mode = force_generic_plan`.execute(tx);
          const rows = (await sql<{ 'QUERY PLAN': string }>`explain (costs off) execute ${sql.raw(stmt!.name)}(${sql.raw(args.join(', '))})`.execute(tx)).rows;
          await sql`set plan_cache_mode = auto`.execute(tx);
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      // on empty tables: past PostgreSQL's five custom plans, the generic one is made; the duplicate
      // check probes messages by index from the start (written as a join, it hashed the whole table on
      // each execution until the next rebuild: a plan made on an empty table scans it)
      for (let i = 0; i < 8; i++) await batch();
      const empty = await plan('inTransaction');
      expect(empty).not.toMatch(/Seq Scan on messages/);
      expect(empty).toMatch(/Index Scan using messages_conv_idem_uq/);
      await other.connect();
      await other.query(`insert into conversations (id, bot_id, status, language, token_hash, created_at, updated_at) select 'x' || g, 'demo', 'agent', 'en', 'hx' || g, 0, 0 from generate_series(1, 5000) g`);
      await other.query(`insert into messages (id, conversation_id, seq, author_type, text, internal, idempotency_key, created_at) select md5(g::text), 'x' || (g % 5000 + 1), g, 'user', 'hi', 0, 'k' || g, 0 from generate_series(1, 50000) g`);
      // the connection's executions (two statements per batch) pass the next doubling: its plans are
      // rebuilt from the tables as they are now
      for (let i = 0; i < REPLAN.first; i++) await batch();
      for (const which of ['inTransaction', 'alone'] as const) {
        const after = await plan(which);
        expect(after).not.toMatch(/Seq Scan on (messages|conversations)/);
        expect(after).toMatch(/Index Scan using conversations_pkey/);
      }
    } finally {
      await other.end().catch(() => undefined);
      await store.close();
      await db.drop();
    }
  });
});

describe.skipIf(!pgOk)('store on postgres: prepared statements', () => {
  it('runs queries as prepared statements and survives a table changed under one (another instance migrating)', async () => {
    const db = await freshDatabase();
    const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url });
    try {
      const list = () => store.db.selectFrom('canned_responses').selectAll().execute();
      expect(await list()).toEqual([]);
      expect(await list()).toEqual([]);
      // the writer has one connection: what it ran is prepared there
      await store.write.run((tx) => tx.selectFrom('canned_responses').select('id').execute());
      const prepared = await store.write.run((tx) =>
        sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like '%canned_responses%'`.execute(tx),
      );
      expect(prepared.rows[0]!.n).toBeGreaterThanOrEqual(1);
      const { default: pg } = await import('pg');
      const other = new pg.Client({ connectionString: db.url });
      await other.connect();
      await other.query("insert into canned_responses (id, shortcut, title, text, created_at, updated_at) values ('r1', 's', 't', 'x', 1, 1)");
      await other.query('alter table canned_responses add column extra text');
      await other.end();
      // `select *` changed its result type under the prepared statement: answered anyway
      expect((await list()).map((r) => r.id)).toEqual(['r1']);
      expect((await list()).map((r) => r.id)).toEqual(['r1']);
      // and inside a write transaction a failure is the caller's (the write queue retries the job)
      expect(await store.write.run((tx) => tx.selectFrom('canned_responses').select('id').execute())).toEqual([{ id: 'r1' }]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe.skipIf(!pgOk)('store on postgres: the slow reads', () => {
  it('run on connections of their own, read-only and without parallel workers, and see what was committed', async () => {
    const db = await freshDatabase();
    const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url, writeLanes: 1 });
    try {
      await conversation(store, 'c-r1');
      expect((await store.reads.selectFrom('conversations').select('id').execute()).map((r) => r.id)).toEqual(['c-r1']);
      const setting = async (k: Store['reads']) => (await sql<{ v: string }>`select current_setting('max_parallel_workers_per_gather') as v`.execute(k)).rows[0]!.v;
      expect(await setting(store.reads)).toBe('0');
      // the other connections keep the server's setting
      expect(await setting(store.db)).not.toBe('0');
      await expect(store.reads.insertInto('settings').values({ key: 'x', value: '1', updated_at: 0 }).execute()).rejects.toThrow(/read-only transaction/);
      const pids = async (k: Store['reads']) => (await sql<{ p: number }>`select pg_backend_pid() as p`.execute(k)).rows[0]!.p;
      expect(await pids(store.reads)).not.toBe(await pids(store.db));
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe.skipIf(!pgOk)('store on postgres: connections dropped by the server', () => {
  it('an idle connection terminated by the server is reported, replaced, and does not crash the process', async () => {
    const db = await freshDatabase();
    const errors: Error[] = [];
    const store = await openStore({ dataDir: tempDir(), databaseUrl: db.url, onIdleError: (e) => errors.push(e) });
    try {
      await store.db.selectFrom('conversations').select('id').execute(); // leaves idle connections in both pools
      await store.write.run((tx) => tx.selectFrom('conversations').select('id').execute());
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
      await admin.end();
      for (let i = 0; i < 100 && errors.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect((errors[0] as Error & { code?: string }).code).toBe('57P01');
      // new connections take their place
      expect(await store.db.selectFrom('conversations').select('id').execute()).toEqual([]);
      expect(await store.write.run((tx) => tx.selectFrom('conversations').select('id').execute())).toEqual([]);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

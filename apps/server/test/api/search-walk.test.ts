// History search gives the same pages whichever way the store finds them (docs/architecture.md "Lists and
// search"): a rare term from the index, a common one by walking the list in its order, a term
// common in the index but rare in History from the walk and then the index. Each is checked against a
// brute-force filter over a generated set of a few thousand conversations (ties on history_at, reopened
// conversations, bot turns and system lines that are not indexed, names, variables, accents), cursor by
// cursor to the end, as the admin and through `agentId=`. Real HTTP, on SQLite and on PostgreSQL.
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetentionSettings } from '../../src/domain/retention.js';
import { RARE_ROWS } from '../../src/store/search.js';
import { writeSetting } from '../../src/store/settings.js';
import type { ConversationAgentsTable, EndUsersTable, MessagesTable, NewConversation } from '../../src/store/schema.js';
import { call, login } from '../support/http.js';
import { makeAgent } from '../support/flows.js';
import { postgresAvailable } from '../support/postgres.js';
import { conversationRow } from '../support/rows.js';
import { startOnStore, type TestServer } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);

/** what the index does to text and query: any case, accents folded */
const fold = (t: string) => t.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** a small deterministic generator (mulberry32) */
function rng(seed: number) {
  let a = seed;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

interface Made {
  id: string;
  historyAt: number | null;
  /** what a search may match: indexed message texts, the user's name and e-mail, variable values */
  texts: string[];
  handledAt: number | null;
}

const N = 5000;
const BASE = Date.parse('2026-03-01T00:00:00Z');

describe.each(STORES)('history search pages on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let agentId: string;
  const made: Made[] = [];

  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    agentId = (await makeAgent(s.url, admin, { skills: ['general'] })).id;
    // the idle close would move the generated bot conversations into History while the test runs
    await s.baton.deps.store.write.run((tx) => writeSetting(tx, 'retention', { ...defaultRetentionSettings(), idleCloseHours: null }, Date.now()));
    const r = rng(24);
    const users: Insertable<EndUsersTable>[] = [];
    for (let i = 0; i < 300; i++) {
      const name = r.next() < 0.3 ? r.pick(['Jan Janssens', 'Marie Jänssens']) : r.pick(['Piet Peeters', 'Ann Maes', null]);
      users.push({ id: `walk-u-${i}`, external_id: null, name, email: r.next() < 0.5 ? `user${i}@example.org` : null, created_at: BASE - 86_400_000, verified_id: null });
    }
    const conversations: NewConversation[] = [];
    const messages: Insertable<MessagesTable>[] = [];
    const handlers: Insertable<ConversationAgentsTable>[] = [];
    for (let i = 0; i < N; i++) {
      const id = `walk-${String(i).padStart(5, '0')}-${Math.floor(r.next() * 1e6)}`;
      const inHistory = r.next() < 0.68;
      // groups of three share a history_at, in shuffled insert order (ties broken by id)
      const historyAt = inHistory ? BASE + Math.floor(r.next() * N * 0.25) * 1000 : null;
      const reopened = inHistory && r.next() < 0.1;
      const user = r.next() < 0.7 ? r.pick(users) : null;
      const texts: string[] = [];
      if (user) texts.push(`${user.name ?? ''} ${user.email ?? ''}`);
      const variables = r.next() < 0.08 ? { name: r.pick(['Janssens', 'Peeters']), order: `ORD-${i}` } : {};
      texts.push(...Object.values(variables));
      let seq = 0;
      const created = (historyAt ?? BASE + i * 1000) - 600_000;
      const line = (author_type: string, text: string, extra: Partial<Insertable<MessagesTable>> = {}) => {
        seq++;
        messages.push({ id: `${id}-m${seq}`, conversation_id: id, seq, author_type, author_id: null, author_name: null, text, body: null, event: null, internal: 0, idempotency_key: null, created_at: created + seq * 1000, ...extra });
      };
      // bot turns and system lines are not indexed, whatever they say
      line('bot', 'Hello, Janssens family! I am the bot of botonlyterm');
      for (let k = 0; k < 3; k++) {
        const text = r.pick(['my name is janssens', 'JÄNSSENS here', 'I moved to the Kerkstraat', 'hello', 'invoice question', 'paper not delivered']);
        const say = !inHistory && r.next() < 0.85 ? `${text} botonlyterm` : text;
        line('user', say);
        texts.push(say);
      }
      line('system', 'janssens was handed over', { event: 'conversation.offloaded' });
      if (r.next() < 0.3) {
        const note = r.pick(['note: call Janssens back', 'note: refund approved']);
        line('agent', note, { internal: 1 });
        texts.push(note);
      }
      // a few old History conversations carry the term that is otherwise only outside History
      if (inHistory && historyAt! < BASE + 60_000 && r.next() < 0.1) {
        line('user', 'BOTONLYTERM from long ago');
        texts.push('BOTONLYTERM from long ago');
      }
      // reopened: back with the bot after it entered History, with a message written since
      if (reopened) {
        line('user', 'janssens again after the reopen', { created_at: historyAt! + 5000 });
        texts.push('janssens again after the reopen');
      }
      conversations.push(
        conversationRow(id, {
          status: !inHistory || reopened ? 'bot' : 'closed',
          end_user_id: user?.id ?? null,
          variables: JSON.stringify(variables),
          created_at: created,
          updated_at: reopened ? historyAt! + 5000 : (historyAt ?? created),
          closed_at: inHistory && !reopened ? historyAt : null,
          history_at: historyAt,
          last_seq: seq,
        }),
      );
      const handledAt = inHistory && r.next() < 0.6 ? historyAt! - Math.floor(r.next() * 3) * 1000 : null;
      if (handledAt !== null) handlers.push({ agent_id: agentId, conversation_id: id, handled_at: handledAt });
      made.push({ id, historyAt, texts, handledAt });
    }
    const chunks = <T>(xs: T[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
    await s.baton.deps.store.write.run(async (tx) => {
      for (const part of chunks(users, 500)) await tx.insertInto('end_users').values(part).execute();
      for (const part of chunks(conversations, 400)) await tx.insertInto('conversations').values(part).execute();
      for (const part of chunks(messages, 1000)) await tx.insertInto('messages').values(part).execute();
      for (const part of chunks(handlers, 1000)) await tx.insertInto('conversation_agents').values(part).execute();
    });
  }, 240_000);
  afterAll(async () => {
    await s?.close();
  });

  /** every page of a query, cursor by cursor */
  async function walk(query: string, limit: number, maxPages = Infinity): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = '';
    for (let pages = 0; cursor !== null && pages < maxPages; pages++) {
      const res = await call(s.url, 'GET', `/api/v1/agent/conversations?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const page = res.body as { conversations: Array<{ id: string }>; nextCursor: string | null };
      if (page.nextCursor !== null) expect(page.conversations).toHaveLength(limit);
      seen.push(...page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    }
    return seen;
  }
  const matches = (m: Made, q: string) => m.texts.some((t) => fold(t).includes(fold(q)));
  const byKey = (key: (m: Made) => number | null) => (a: Made, b: Made) => key(b)! - key(a)! || (a.id < b.id ? 1 : -1);
  const history = (q: string) => made.filter((m) => m.historyAt !== null && matches(m, q)).sort(byKey((m) => m.historyAt)).map((m) => m.id);
  const handled = (q: string) => made.filter((m) => m.handledAt !== null && matches(m, q)).sort(byKey((m) => m.handledAt)).map((m) => m.id);
  const indexRows = async (q: string) => Number((await s.baton.deps.store.search.countUpTo(q, RARE_ROWS).execute(s.baton.deps.store.reads)).rows[0]!.n);

  it('a common term: every page as a filter over all of History gives it, to the end', async () => {
    expect(await indexRows('janssens')).toBeGreaterThan(RARE_ROWS);
    const expected = history('janssens');
    expect(expected.length).toBeGreaterThan(1000);
    expect(await walk('status=closed&q=janssens', 50)).toEqual(expected);
    expect(await walk('status=closed&q=J%C3%84NSSENS', 7, 6)).toEqual(expected.slice(0, 42));
    expect(await walk(`status=closed&agentId=${agentId}&q=janssens`, 50)).toEqual(handled('janssens'));
  }, 240_000);

  it('a rare term and a term with no match', async () => {
    const expected = history('ORD-12');
    expect(expected.length).toBeGreaterThan(0);
    expect(await walk('status=closed&q=ord-12', 3)).toEqual(expected);
    expect(await walk('status=closed&q=nomatchzz', 50)).toEqual([]);
  }, 120_000);

  it('a term common outside History but rare in it: the walk, then the index for the rest', async () => {
    expect(await indexRows('botonlyterm')).toBeGreaterThan(RARE_ROWS);
    const expected = history('botonlyterm');
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(50);
    expect(await walk('status=closed&q=botonlyterm', 4)).toEqual(expected);
    expect(await walk(`status=closed&agentId=${agentId}&q=botonlyterm`, 50)).toEqual(handled('botonlyterm'));
  }, 120_000);
});

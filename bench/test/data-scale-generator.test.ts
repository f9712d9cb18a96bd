// The data-scale benchmark's generator, small: what it writes through the store is the mix it
// promises, consistent (seqs, events beside their transcript lines, agents' load), on both stores.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../apps/server/src/store/database.js';
import { freshDatabase, postgresAvailable } from '../../apps/server/test/support/postgres.js';
import { generate, LIVE, MIX, type ScaleFixture } from '../data-scale/generate.js';

const SCALE = 200;
const share = (kind: string) => Math.round(MIX.find(([k]) => k === kind)![1] * SCALE);

describe.each(['sqlite', 'postgres'] as const)('data-scale generator (%s)', (dialect) => {
  let fx: ScaleFixture;
  let store: Store;
  let cleanup = async () => {};

  beforeAll(async () => {
    let target: { dataDir?: string; databaseUrl?: string };
    if (dialect === 'postgres') {
      if (!(await postgresAvailable())) return;
      const db = await freshDatabase();
      target = { databaseUrl: db.url };
      cleanup = db.drop;
    } else {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baton-gen-'));
      target = { dataDir: dir };
      cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
    }
    fx = await generate({ scale: SCALE, ...target });
    store = await openStore({ dataDir: target.dataDir ?? '', databaseUrl: target.databaseUrl });
  });
  afterAll(async () => {
    await store?.close();
    await cleanup();
  });

  const counts = async (table: 'conversations' | 'conversation_events', column: 'status' | 'type') => {
    const rows = await sql<{ k: string; n: number }>`select ${sql.ref(column)} as k, count(*) as n from ${sql.table(table)} group by ${sql.ref(column)}`.execute(store.db);
    return Object.fromEntries(rows.rows.map((r) => [r.k, Number(r.n)]));
  };
  const one = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(store.db)).rows[0]!.n);

  it('stores the mix: conversations by status and events by type', async (ctx) => {
    if (!store) return ctx.skip();
    const live = LIVE.waiting + LIVE.chats + 1;
    const handovers = share('explicit') + share('address') + share('handback') + share('cancelled') + share('transferred');
    expect(await counts('conversations', 'status')).toEqual({
      bot: share('bot') + share('handback') + share('cancelled'),
      closed: share('ended') + share('explicit') + share('address') + share('transferred'),
      offloaded: LIVE.waiting,
      agent: LIVE.chats + 1,
    });
    expect(await counts('conversation_events', 'type')).toEqual({
      'conversation.offloaded': handovers + live,
      'conversation.assigned': handovers - share('cancelled') + LIVE.chats + 1,
      'conversation.closed': share('explicit') + share('address') + share('transferred'),
      'conversation.ended': share('ended'),
      'conversation.cancelled': share('cancelled'),
      'conversation.handed_back': share('handback'),
      'conversation.transferred': share('transferred'),
      'conversation.started': SCALE + live,
    });
    expect(fx.counts.byStatus).toEqual(await counts('conversations', 'status'));
    expect(fx.counts.events).toEqual(await counts('conversation_events', 'type'));
  });

  it('writes whole transcripts: every seq once, a line per event, 13 messages a conversation on average', async (ctx) => {
    if (!store) return ctx.skip();
    const messages = await one(sql<{ n: number }>`select count(*) as n from messages`);
    expect(messages).toBe(fx.counts.messages);
    // every event has its line but the start, which has none
    const { 'conversation.started': started, ...lined } = fx.counts.events;
    expect(started).toBeGreaterThan(0);
    expect(await one(sql<{ n: number }>`select count(*) as n from messages where event is not null`)).toBe(Object.values(lined).reduce((a, b) => a + b, 0));
    // last_seq is the number of messages, numbered 1..n
    expect(await one(sql<{ n: number }>`select count(*) as n from conversations c where c.last_seq <> (select count(*) from messages m where m.conversation_id = c.id)`)).toBe(0);
    expect(await one(sql<{ n: number }>`select max(seq) as n from messages where conversation_id = ${fx.long.id}`)).toBe(LIVE.longMessages);
    const resolved = messages - (await one(sql<{ n: number }>`select count(*) as n from messages m join conversations c on c.id = m.conversation_id where c.status in ('offloaded', 'agent')`));
    expect(resolved / SCALE).toBeGreaterThan(11);
    expect(resolved / SCALE).toBeLessThan(15);
  });

  it('keeps what the server keeps: handlers, waiting timers, agents’ load, nothing left for the bot to answer', async (ctx) => {
    if (!store) return ctx.skip();
    expect(await one(sql<{ n: number }>`select count(*) as n from conversation_agents`)).toBe(fx.counts.conversationAgents);
    expect(await one(sql<{ n: number }>`select count(*) as n from timers where kind = 'waiting_timeout'`)).toBe(LIVE.waiting);
    // active_chats is kept by the triggers on conversations (migration 006)
    const load = await one(sql<{ n: number }>`select active_chats as n from agents where id = ${fx.agents.a1.id}`);
    expect(load).toBe(await one(sql<{ n: number }>`select count(*) as n from conversations where status = 'agent' and assignee_id = ${fx.agents.a1.id}`));
    expect(load).toBeGreaterThan(0);
    // no user message after the bot's last turn in a bot conversation (start-up recovery finds nothing)
    expect(await one(sql<{ n: number }>`select count(*) as n from conversations c where c.status = 'bot' and exists (select 1 from messages m where m.conversation_id = c.id and m.seq > c.bot_seq and m.author_type = 'user')`)).toBe(0);
    expect(fx.chats).toHaveLength(LIVE.chats);
    expect(await one(sql<{ n: number }>`select count(*) as n from end_users where verified_id is not null`)).toBeGreaterThan(0);
  });
});

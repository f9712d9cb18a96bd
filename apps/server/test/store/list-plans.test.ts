// The lists' SQLite query plans (docs/architecture.md "Lists and search"): each list walks an index in
// its own order and stops at the page. A change that makes one read a whole status and sort it (USE
// TEMP B-TREE FOR ORDER BY) or scan a table fails here, however small the test data.
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationListQuery } from '@baton/proto';
import { contactConversationPage, listAgentConversations, supervisorOverview } from '../../src/commands/agent-queries.js';
import { listContactNotes } from '../../src/store/contact-notes.js';
import { listCanned } from '../../src/commands/canned-responses.js';
import { listDeliveries } from '../../src/commands/list-deliveries.js';
import { countFollowupsFor, listFollowupsFor } from '../../src/commands/followups.js';
import type { Deps } from '../../src/deps.js';
import type { AgentRow, Database } from '../../src/store/schema.js';
import { RARE_ROWS } from '../../src/store/search.js';
import { INDEX_PENDING } from '../../src/store/sqlite/search-batch.js';
import { conversationRow } from '../support/rows.js';
import { login } from '../support/http.js';
import { makeAgent } from '../support/flows.js';
import { startTestServer, type TestServer } from '../support/server.js';

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

describe('list query plans on SQLite', () => {
  let s: TestServer;
  let file: SQLite.Database;
  let deps: Deps;
  let admin: AgentRow;
  let agent: AgentRow;
  const captured: CompiledQuery[] = [];

  beforeAll(async () => {
    s = await startTestServer();
    const a = await makeAgent(s.url, await login(s.url), { skills: ['general'], languages: ['en'] });
    // the lists' reads, captured on a connection of their own to the same file
    file = new SQLite(path.join(s.dataDir, 'baton.sqlite'), { readonly: true });
    const reads = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }), log: (e) => void (e.level === 'query' && captured.push(e.query)) });
    deps = { ...s.baton.deps, store: { ...s.baton.deps.store, reads } };
    admin = await s.baton.deps.store.db.selectFrom('agents').selectAll().where('role', '=', 'admin').executeTakeFirstOrThrow();
    agent = await s.baton.deps.store.db.selectFrom('agents').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    // a search runs its page query only when the index has matches: a rare term (kerkstraat), and a
    // common one (janssens, more index rows than RARE_ROWS) that walks the list
    await s.baton.deps.store.write.run(async (tx) => {
      await tx.insertInto('conversations').values(conversationRow('plan-c', { status: 'closed', history_at: 1, closed_at: 1, last_seq: RARE_ROWS + 501 })).execute();
      const line = (seq: number, text: string) => ({ id: `plan-m${seq}`, conversation_id: 'plan-c', seq, author_type: 'user', author_id: null, author_name: null, text, body: null, event: null, internal: 0, idempotency_key: null, created_at: 1 });
      await tx.insertInto('messages').values(line(1, 'Kerkstraat 1')).execute();
      for (let seq = 2; seq < RARE_ROWS + 502; seq += 500) await tx.insertInto('messages').values(Array.from({ length: 500 }, (_, k) => line(seq + k, 'Janssens'))).execute();
    });
  });
  afterAll(async () => {
    file?.close();
    await s?.close();
  });

  /** every plan step of the statements `read` ran, as `detail` lines with their enclosing steps */
  async function plans(read: () => Promise<unknown>): Promise<Array<{ detail: string; path: string[] }>> {
    captured.length = 0;
    await read();
    expect(captured.length).toBeGreaterThan(0);
    return captured.flatMap((q) => {
      const rows = file.prepare(`explain query plan ${q.sql}`).all(...(q.parameters as unknown[])) as PlanRow[];
      const byId = new Map(rows.map((r) => [r.id, r]));
      const ancestors = (r: PlanRow): string[] => (byId.get(r.parent) ? [...ancestors(byId.get(r.parent)!), byId.get(r.parent)!.detail] : []);
      return rows.map((r) => ({ detail: r.detail, path: ancestors(r) }));
    });
  }

  /**
   * no scan of conversations, and of another table only the walk of an index in the list's order (or
   * of agents, a team being small by nature; a search reads its matches once, a common term's walk its
   * window of conversations, `w`, bounded by the window's LIMIT); no sort in the part that picks the page (a search may
   * sort its matches, the queue window its queue)
   */
  function expectIndexed(steps: Array<{ detail: string; path: string[] }>, sortsMatches = false) {
    const scans = steps.filter((p) => /^SCAN /.test(p.detail) && !/^SCAN (page|\(subquery-\d+\)|agents$|(s|search_index) VIRTUAL TABLE INDEX|hit$|w$|wf$|(?!c |w |conversations )\w+ USING (COVERING )?INDEX)/.test(p.detail));
    expect(scans.map((p) => p.detail)).toEqual([]);
    const sorts = steps.filter((p) => !sortsMatches && p.detail.includes('TEMP B-TREE') && p.path.includes('CO-ROUTINE page') && !p.path.some((x) => x.startsWith('LIST SUBQUERY')));
    expect(sorts.map((p) => `${p.path.join(' > ')} > ${p.detail}`)).toEqual([]);
    return steps.map((p) => p.detail).join('\n');
  }

  const cursor = (list: string) => Buffer.from(JSON.stringify([list, 1_700_000_000_000, 'x'])).toString('base64url');
  const list = (who: () => AgentRow, f: Partial<ConversationListQuery>) => () => listAgentConversations(deps, who(), { status: 'closed', limit: 100, ...f });
  const cases: Array<[string, () => Promise<unknown>, RegExp, boolean?]> = [
    // History walks history_at (migration 017): what closed or an agent handled, whatever its status now
    ['history (supervisor)', list(() => admin, {}), /conversations_history_idx \(history_at>\?\)/],
    ['history, next page', list(() => admin, { cursor: cursor('history') }), /conversations_history_idx \(history_at>\? AND \(history_at,id\)<\(\?,\?\)\)/],
    ['history from/to', list(() => admin, { from: '2026-01-01', to: '2026-02-01' }), /conversations_history_idx \(history_at>\?\)/],
    ['bot list', list(() => admin, { status: 'bot' }), /conversations_status_updated_idx/],
    ['history by tag', list(() => admin, { tag: 'address_change' }), /conversation_tags/],
    ['history by agent', list(() => admin, { agentId: 'someone' }), /conversation_agents_recent_idx \(agent_id=\?\)/],
    ['a plain agent’s history, next page', list(() => agent, { cursor: cursor('handled') }), /conversation_agents_recent_idx \(agent_id=\? AND \(handled_at,conversation_id\)<\(\?,\?\)\)/],
    // a rare term (at most RARE_ROWS index rows): its matches drive the page and are sorted, never History
    ['history search', list(() => admin, { q: 'kerkstraat' }), /VIRTUAL TABLE INDEX 0:M[^]*USE TEMP B-TREE FOR ORDER BY/, true],
    // a common term walks history_at's index a window at a time; FTS5 reads only the rowids from the
    // window's oldest conversation's first index row on (migration 024)
    ['history search, a common term', list(() => admin, { q: 'janssens' }), /conversations_history_idx[^]*VIRTUAL TABLE INDEX 0:M1>[^]*search_rows_conversation_idx/],
    ['queue (supervisor)', list(() => admin, { status: 'offloaded' }), /conversations_status_idx \(status=\?\)/],
    ['queue (plain agent), next page', list(() => agent, { status: 'offloaded', cursor: cursor('queue') }), /conversations_status_idx \(status=\? AND \(queued_at,id\)>\(\?,\?\)\)/],
    ['live chats (all)', list(() => admin, { status: 'agent', scope: 'all' }), /conversations_status_updated_idx/],
    ['overview', () => supervisorOverview(deps), /conversations_status_idx \(status=\?\)/],
    ['deliveries', () => listDeliveries(deps, { limit: 100, cursor: cursor('deliveries') }), /outbox_created_idx \(\(created_at,id\)<\(\?,\?\)\)/],
    ['canned responses', () => listCanned(deps, { limit: 100 }), /canned_responses/],
    ['a contact’s conversations, next page', () => contactConversationPage(deps, admin, ['u-1'], { limit: 100, cursor: cursor('contact') }), /conversations_end_user_idx \(end_user_id=\? AND \(created_at,id\)<\(\?,\?\)\)/],
    ['a contact’s conversations (plain agent)', () => contactConversationPage(deps, agent, ['u-1'], { limit: 100 }), /conversations_end_user_idx \(end_user_id=\?\)/],
    ['a contact’s notes, next page', () => listContactNotes(deps.store.reads, 'u-1', 'n-1', 50), /contact_notes_user_idx \(user_id=\? AND id<\?\)/],
    ['follow-ups (supervisor)', () => listFollowupsFor(deps, admin, { status: 'open', limit: 50 }), /followups_status_idx \(status=\?\)/],
    ['follow-ups, next page', () => listFollowupsFor(deps, admin, { status: 'open', limit: 50, cursor: cursor('followups:open') }), /followups_status_idx \(status=\? AND \(created_at,id\)>\(\?,\?\)\)/],
    ['done follow-ups by reason', () => listFollowupsFor(deps, admin, { status: 'done', reason: 'timeout', limit: 50 }), /followups_reason_idx \(status=\? AND reason=\?\)/],
    ['follow-ups by skill', () => listFollowupsFor(deps, admin, { status: 'open', skill: 'billing', limit: 50 }), /followups_skill_idx \(status=\? AND skill=\?\)/],
    ['my follow-ups', () => listFollowupsFor(deps, agent, { status: 'open', assignee: 'me', limit: 50 }), /followups_assignee_idx \(assignee_id=\? AND status=\?\)/],
    ['a plain agent’s follow-ups', () => listFollowupsFor(deps, agent, { status: 'open', limit: 50 }), /followups_(status|skill)_idx/],
    ['the follow-up badge', () => countFollowupsFor(deps, agent), /followups_(status|skill)_idx/],
  ];
  for (const [name, read, uses, sortsMatches] of cases) {
    it(`${name}: an index in the list's order`, async () => {
      const plan = expectIndexed(await plans(read), sortsMatches);
      if (process.env.PRINT_PLANS) console.log(name, plan);
      expect(plan).toMatch(uses);
    });
  }

  it("the writer's search batch (migration 016) looks up only the batch's rows", () => {
    const steps = (file.prepare(`explain query plan ${INDEX_PENDING}`).all() as PlanRow[]).map((r) => r.detail);
    expect(steps).toEqual(['SEARCH p USING INTEGER PRIMARY KEY (rowid>?)', 'SEARCH r USING INTEGER PRIMARY KEY (rowid=?)', 'SEARCH m USING INDEX sqlite_autoindex_messages_1 (id=?)']);
  });
});

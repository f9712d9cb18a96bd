// Migration 017 on a database that already holds conversations: each conversation an agent handled
// gets its latest episode from the row and its last end event, and History's key (history_at) is set
// for what closed or was handed back, on SQLite and PostgreSQL.
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/database.js';
import type { Database } from '../../src/store/schema.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { conversationRow } from '../support/rows.js';
import { tempDir } from '../support/temp.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);

describe.each(STORES)('episodes of existing data on %s', (store) => {
  it('are backfilled by migration 017', async () => {
    const pgDb = store === 'postgres' ? await freshDatabase() : undefined;
    const db = new Kysely<Database>({
      dialect: pgDb ? new PostgresDialect({ pool: new pg.Pool({ connectionString: pgDb.url }) }) : new SqliteDialect({ database: new SQLite(path.join(tempDir(), 'e.sqlite')) }),
    });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
      expect((await migrator.migrateTo('015-retention')).error).toBeUndefined();
      await db
        .insertInto('agents')
        .values({ id: 'a1', email: 'ada@example.com', name: 'Ada', password_hash: 'x', role: 'agent', skills: '[]', languages: '[]', max_concurrent: 3, status: 'offline', last_seen_at: null, created_at: 1, updated_at: 1, deleted_at: null })
        .execute();
      const handover = (trigger: string, requestedAt: number, skill = 'general') => JSON.stringify({ reason: 'r', trigger, providerId: 'desk', requestedAt, skill });
      await db
        .insertInto('conversations')
        .values([
          // with Ada now
          conversationRow('live', { status: 'agent', skill: 'general', assignee_id: 'a1', assignee_name: 'Ada', assigned_at: 100, queued_at: 50, handover: handover('explicit', 50), handled_by: '["a1"]' }),
          // Ada had it when the user ended it
          conversationRow('ended', { status: 'closed', skill: 'general', assignee_id: 'a1', assignee_name: 'Ada', assigned_at: 200, closed_at: 300, handover: handover('frustration', 150), handled_by: '["a1"]' }),
          // handed back, with the bot again
          conversationRow('back', { status: 'bot', handover: handover('explicit', 400, 'billing'), handled_by: '["a1"]', updated_at: 900 }),
          // the bot's alone
          conversationRow('bot-closed', { status: 'closed', closed_at: 600, updated_at: 600 }),
          conversationRow('bot-open', {}),
        ])
        .execute();
      const event = (id: string, conversation_id: string, type: string, created_at: number) => ({ id, conversation_id, type, agent_id: 'a1', data: null, created_at });
      await db
        .insertInto('conversation_events')
        .values([event('e1', 'ended', 'conversation.assigned', 200), event('e2', 'ended', 'conversation.ended', 300), event('e3', 'back', 'conversation.assigned', 420), event('e4', 'back', 'conversation.handed_back', 500)])
        .execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();

      const episodes = await db.selectFrom('conversation_episodes').selectAll().orderBy('conversation_id').execute();
      const num = (v: unknown) => (v === null ? null : Number(v));
      expect(episodes.map((e) => ({ ...e, requested_at: num(e.requested_at), accepted_at: num(e.accepted_at), ended_at: num(e.ended_at), number: num(e.number) }))).toEqual([
        { conversation_id: 'back', number: 1, agent_id: 'a1', agent_name: 'Ada', trigger: 'explicit', skill: 'billing', requested_at: 400, accepted_at: 500, ended_at: 500, ended_how: 'handed_back', ended_by: 'agent', rating_score: null, rating_comment: null, rated_at: null },
        { conversation_id: 'ended', number: 1, agent_id: 'a1', agent_name: 'Ada', trigger: 'frustration', skill: 'general', requested_at: 150, accepted_at: 200, ended_at: 300, ended_how: 'closed', ended_by: 'user', rating_score: null, rating_comment: null, rated_at: null },
        { conversation_id: 'live', number: 1, agent_id: 'a1', agent_name: 'Ada', trigger: 'explicit', skill: 'general', requested_at: 50, accepted_at: 100, ended_at: null, ended_how: null, ended_by: null, rating_score: null, rating_comment: null, rated_at: null },
      ]);
      const history = await db.selectFrom('conversations').select(['id', 'history_at']).orderBy('id').execute();
      expect(history.map((h) => [h.id, num(h.history_at)])).toEqual([
        ['back', 500],
        ['bot-closed', 600],
        ['bot-open', null],
        ['ended', 300],
        ['live', null],
      ]);
    } finally {
      await db.destroy();
      await pgDb?.drop();
    }
  }, 60_000);
});

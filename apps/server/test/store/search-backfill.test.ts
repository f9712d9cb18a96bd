// Migrations 012 and 013 on a database that already holds conversations: the tags and the search
// index are filled from what is there (bot turns and system lines left out), on SQLite and PostgreSQL.
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/database.js';
import { postgresSearch } from '../../src/store/postgres/search.js';
import type { Database } from '../../src/store/schema.js';
import type { ConversationSearch } from '../../src/store/search.js';
import { sqliteSearch } from '../../src/store/sqlite/search.js';
import { freshDatabase, postgresAvailable } from '../support/postgres.js';
import { conversationRow } from '../support/rows.js';
import { tempDir } from '../support/temp.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);

describe.each(STORES)('search and tags of existing data on %s', (store) => {
  it('are filled by the migrations', async () => {
    const pgDb = store === 'postgres' ? await freshDatabase() : undefined;
    const db = new Kysely<Database>({
      dialect: pgDb ? new PostgresDialect({ pool: new pg.Pool({ connectionString: pgDb.url }) }) : new SqliteDialect({ database: new SQLite(path.join(tempDir(), 'b.sqlite')) }),
    });
    const search: ConversationSearch = pgDb ? postgresSearch : sqliteSearch;
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
      expect((await migrator.migrateTo('011-channel-signature-scheme')).error).toBeUndefined();
      await db.insertInto('end_users').values({ id: 'u1', external_id: null, name: 'Zoë Van Damme', email: 'zoe@example.be', created_at: 1, verified_id: null }).execute();
      await db
        .insertInto('conversations')
        .values(conversationRow('c1', { status: 'closed', end_user_id: 'u1', tags: '["vip","address_change"]', variables: JSON.stringify({ new_address: 'Veldstraat 12, 9000 Gent', nested: { code: 'PROMO-77' } }) }))
        .execute();
      await db.insertInto('conversations').values(conversationRow('c2', { tags: 'not json', variables: 'not json either' })).execute();
      const message = (id: string, author_type: string, text: string | null, event: string | null = null) => ({ id, conversation_id: 'c1', seq: Number(id.slice(1)), author_type, author_id: null, author_name: null, text, body: null, event, internal: 0, idempotency_key: null, created_at: 1 });
      await db
        .insertInto('messages')
        .values([message('m1', 'bot', 'Welcome to the demo bot'), message('m2', 'user', 'My parcel never came'), message('m3', 'agent', 'Ticket T-31337 opened'), message('m4', 'system', null, 'conversation.closed')])
        .execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();

      const found = async (q: string) => (await sql<{ id: string }>`select id from conversations where id in ${search.conversationIds(q)}`.execute(db)).rows.map((r) => r.id);
      for (const q of ['parcel never', 't-31337', 'zoe van', 'zoe@example', 'veldstraat 12', 'promo-77']) expect(await found(q), q).toEqual(['c1']);
      expect(await found('welcome to the demo')).toEqual([]);
      const tags = await db.selectFrom('conversation_tags').select(['conversation_id', 'tag']).orderBy('tag').execute();
      expect(tags).toEqual([
        { conversation_id: 'c1', tag: 'address_change' },
        { conversation_id: 'c1', tag: 'vip' },
      ]);
      // a row written after the migration is indexed by its trigger, malformed JSON or not
      await db.updateTable('conversations').set({ variables: '{"x":"late-value"}', tags: '["late"]' }).where('id', '=', 'c2').execute();
      expect(await found('late-value')).toEqual(['c2']);
    } finally {
      await db.destroy();
      await pgDb?.drop();
    }
  }, 60_000);
});

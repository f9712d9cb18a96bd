import { sql } from 'kysely';
import { it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { freshDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp.js';
it('migrates', async () => {
  const s = await openStore({ dataDir: tempDir(), sqliteSynchronous: 'NORMAL' });
  console.log((await sql`select name from sqlite_master where type='trigger'`.execute(s.db)).rows);
  await s.close();
  const d = await freshDatabase();
  const p = await openStore({ dataDir: tempDir(), databaseUrl: d.url });
  console.log((await sql`select baton_search_fold('Jéanssens ÉCOLE') as f, baton_variable_values('{"a":"Zoë","b":{"c":12}}') as v`.execute(p.db)).rows);
  await p.close(); await d.drop();
}, 60000);

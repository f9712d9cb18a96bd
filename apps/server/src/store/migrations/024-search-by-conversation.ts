import { PostgresAdapter, sql, type Kysely } from 'kysely';

// A common term's History page without reading every match (bench/NOTES.md, "Search round"). The
// list is walked newest first a window of conversations at a time, and only the index rows that can
// belong to the window are read. On SQLite those are found by rowid: a conversation's index rows are
// all at or above the smallest of them (`search_rows (conversation_id, id)`, new here), and FTS5 reads
// a rowid range of a phrase without the rest. So every index row must belong to a conversation:
// migration 013 indexed an end user's name and e-mail once per user, a row as old as the contact;
// it is now one row per conversation of the user (owner `n:<conversation>`), written when the
// conversation gets its user and again when the user's name or e-mail changes.
// PostgreSQL needs nothing: its walk tests each conversation's own rows (postgres/search.ts).
const USER_TEXT = (r: string) => `trim(coalesce(${r}.name, '') || ' ' || coalesce(${r}.email, ''))`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return;
  const run = (text: string) => sql.raw(text).execute(db);
  await run('create index search_rows_conversation_idx on search_rows (conversation_id, id)');

  await run('drop trigger end_users_search_insert');
  await run('drop trigger end_users_search_update');
  await run('drop trigger end_users_search_delete');
  await run("delete from search_index where rowid in (select id from search_rows where owner like 'u:%')");
  await run("delete from search_rows where owner like 'u:%'");

  // one conversation's row of its user's name and e-mail
  const add = (c: string) => `
    insert into search_rows (owner, conversation_id, end_user_id) select 'n:' || ${c}.id, ${c}.id, u.id from end_users u where u.id = ${c}.end_user_id and length(${USER_TEXT('u')}) > 0;
    insert into search_index (rowid, text) select r.id, ${USER_TEXT('u')} from search_rows r cross join end_users u on u.id = r.end_user_id where r.owner = 'n:' || ${c}.id;`;
  const remove = (id: string) => `
    delete from search_index where rowid = (select id from search_rows where owner = 'n:' || ${id});
    delete from search_rows where owner = 'n:' || ${id};`;
  await run(`create trigger conversations_user_search_insert after insert on conversations when new.end_user_id is not null begin ${add('new')} end`);
  await run(`create trigger conversations_user_search_update after update of end_user_id on conversations when old.end_user_id is not new.end_user_id begin ${remove('old.id')} ${add('new')} end`);
  await run(`create trigger conversations_user_search_delete after delete on conversations begin ${remove('old.id')} end`);

  // a user's rows, one per conversation of theirs (conversations_end_user_idx finds them)
  const removeUser = (u: string) => `
    delete from search_index where rowid in (select r.id from conversations c cross join search_rows r on r.owner = 'n:' || c.id where c.end_user_id = ${u}.id);
    delete from search_rows where owner in (select 'n:' || c.id from conversations c where c.end_user_id = ${u}.id);`;
  const addUser = (u: string) => `
    insert into search_rows (owner, conversation_id, end_user_id) select 'n:' || c.id, c.id, ${u}.id from conversations c where c.end_user_id = ${u}.id and length(${USER_TEXT(u)}) > 0;
    insert into search_index (rowid, text) select r.id, ${USER_TEXT(u)} from conversations c cross join search_rows r on r.owner = 'n:' || c.id where c.end_user_id = ${u}.id;`;
  await run(`create trigger end_users_search_update after update of name, email on end_users when old.name is not new.name or old.email is not new.email begin ${removeUser('old')} ${addUser('new')} end`);
  await run(`create trigger end_users_search_delete after delete on end_users begin ${removeUser('old')} end`);

  // what is already there
  await run(`insert into search_rows (owner, conversation_id, end_user_id) select 'n:' || c.id, c.id, u.id from conversations c cross join end_users u on u.id = c.end_user_id where length(${USER_TEXT('u')}) > 0`);
  await run(`insert into search_index (rowid, text) select r.id, ${USER_TEXT('u')} from search_rows r cross join end_users u on u.id = r.end_user_id where r.owner like 'n:%'`);
}

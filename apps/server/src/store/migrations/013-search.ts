import { PostgresAdapter, sql, type Kysely } from 'kysely';

// History search (`q`): substrings of 3 characters or more, any case, accents folded, in any language
// (trigrams need no word splitting, so names, e-mail addresses, postcodes and partial words match in
// mixed-language conversations). What is indexed:
// - user and agent messages, internal notes included (agents search their notes); never bot turns or
//   system lines: the same template text in every conversation bloats the index and makes common
//   words match everything;
// - the end user's name and e-mail address;
// - the values of the conversation's variables.
// The index follows every insert, update and delete of those rows inside the writing transaction,
// whichever path writes them (the SQLite writer thread's batches, PostgreSQL's batch statements,
// retention deletes).
//
// SQLite: one FTS5 trigram index, contentless (no second copy of the text), whose rowids are those of
// `search_rows` (what a row of the index belongs to: owner `m:<message>`, `u:<end user>` or
// `v:<conversation>`). Triggers keep both.
// PostgreSQL: pg_trgm GIN indexes on the folded text: partial expression indexes on messages and end
// users (kept by PostgreSQL itself), and `conversation_search` (a conversation's variable values,
// kept by a trigger only when they change, so the frequent updates of a conversation row never touch
// a GIN index).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return postgres(db);
  return sqlite(db);
}

const INDEXED_MESSAGE = (r: string) => `${r}.event is null and ${r}.author_type in ('user', 'agent') and length(${r}.text) > 0`;
const USER_TEXT = (r: string) => `trim(coalesce(${r}.name, '') || ' ' || coalesce(${r}.email, ''))`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function sqlite(db: Kysely<any>): Promise<void> {
  const run = (text: string) => sql.raw(text).execute(db);
  await run('create table search_rows (id integer primary key, owner text not null unique, conversation_id text, end_user_id text)');
  await run("create virtual table search_index using fts5(text, content='', contentless_delete=1, tokenize='trigram case_sensitive 0 remove_diacritics 1')");

  const variableValues = (r: string) =>
    `(select group_concat(value, ' ') from json_tree(case when json_valid(${r}.variables) then ${r}.variables else '{}' end) where type in ('text', 'integer', 'real'))`;
  const sources = [
    { table: 'messages', prefix: 'm:', columns: ['text', 'event', 'author_type'], ref: (r: string) => [`${r}.conversation_id`, 'null'], text: (r: string) => `${r}.text`, when: INDEXED_MESSAGE },
    { table: 'end_users', prefix: 'u:', columns: ['name', 'email'], ref: (r: string) => ['null', `${r}.id`], text: USER_TEXT, when: (r: string) => `length(${USER_TEXT(r)}) > 0` },
    { table: 'conversations', prefix: 'v:', columns: ['variables'], ref: (r: string) => [`${r}.id`, 'null'], text: variableValues, when: (r: string) => `length(${variableValues(r)}) > 0` },
  ];
  for (const s of sources) {
    const owner = (r: string) => `'${s.prefix}' || ${r}.id`;
    const remove = `
      delete from search_index where rowid = (select id from search_rows where owner = ${owner('old')});
      delete from search_rows where owner = ${owner('old')};`;
    const add = `
      insert into search_rows (owner, conversation_id, end_user_id) select ${owner('new')}, ${s.ref('new').join(', ')} where ${s.when('new')};
      insert into search_index (rowid, text) select id, ${s.text('new')} from search_rows where owner = ${owner('new')};`;
    const changed = s.columns.map((c) => `old.${c} is not new.${c}`).join(' or ');
    await run(`create trigger ${s.table}_search_insert after insert on ${s.table} when ${s.when('new')} begin ${add} end`);
    await run(`create trigger ${s.table}_search_update after update of ${s.columns.join(', ')} on ${s.table} when ${changed} begin ${remove} ${add} end`);
    // a bot turn or system line never had a row: its delete skips the probe
    await run(`create trigger ${s.table}_search_delete after delete on ${s.table}${s.table === 'messages' ? ` when ${INDEXED_MESSAGE('old')}` : ''} begin ${remove} end`);
    // what is already there
    await run(`insert into search_rows (owner, conversation_id, end_user_id) select ${owner('x')}, ${s.ref('x').join(', ')} from ${s.table} x where ${s.when('x')}`);
    await run(`insert into search_index (rowid, text) select r.id, ${s.text('x')} from search_rows r join ${s.table} x on x.id = substr(r.owner, 3) where r.owner like '${s.prefix}%'`);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function postgres(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create extension if not exists unaccent`.execute(db);
  const { rows } = await sql<{ schema: string }>`select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace where e.extname = 'unaccent'`.execute(db);
  const schema = sql.id(rows[0]!.schema);
  // unaccent() is only STABLE (its dictionary could change); naming the dictionary makes the fold
  // IMMUTABLE, as an index expression must be
  await sql`
    create or replace function baton_search_fold(t text) returns text language sql immutable parallel safe strict
    as $$ select lower(${schema}.unaccent(${sql.lit(`${rows[0]!.schema}.unaccent`)}::regdictionary, t)) $$
  `.execute(db);
  await sql.raw(`create index messages_search_idx on messages using gin (baton_search_fold(text) gin_trgm_ops) where ${INDEXED_MESSAGE('messages')}`).execute(db);
  await sql.raw(`create index end_users_search_idx on end_users using gin (baton_search_fold(${USER_TEXT('end_users')}) gin_trgm_ops)`).execute(db);

  await sql`create table conversation_search (conversation_id text primary key, text text not null)`.execute(db);
  await sql`create index conversation_search_idx on conversation_search using gin (text gin_trgm_ops)`.execute(db);
  // the folded values of every variable (nested ones too); text that is not JSON counts as none (a
  // trigger must never fail the write it follows)
  await sql`
    create or replace function baton_variable_values(v text) returns text language plpgsql immutable parallel safe as $$
    declare doc jsonb;
    begin
      begin doc := v::jsonb; exception when others then return null; end;
      return (select baton_search_fold(string_agg(x #>> '{}', ' ')) from jsonb_path_query(doc, 'strict $.**') x where jsonb_typeof(x) in ('string', 'number'));
    end $$
  `.execute(db);
  await sql`
    create or replace function baton_conversation_search() returns trigger language plpgsql as $$
    declare t text;
    begin
      if tg_op <> 'INSERT' then delete from conversation_search where conversation_id = old.id; end if;
      if tg_op = 'DELETE' then return null; end if;
      t := baton_variable_values(new.variables);
      if length(t) > 0 then insert into conversation_search (conversation_id, text) values (new.id, t); end if;
      return null;
    end $$
  `.execute(db);
  await sql`create trigger conversations_search_insert after insert on conversations for each row when (new.variables <> '{}') execute function baton_conversation_search()`.execute(db);
  await sql`create trigger conversations_search_update after update of variables on conversations for each row when (old.variables is distinct from new.variables) execute function baton_conversation_search()`.execute(db);
  await sql`create trigger conversations_search_delete after delete on conversations for each row execute function baton_conversation_search()`.execute(db);
  await sql`
    insert into conversation_search (conversation_id, text)
    select id, t from (select id, baton_variable_values(variables) as t from conversations where variables <> '{}') x where length(t) > 0
  `.execute(db);
}

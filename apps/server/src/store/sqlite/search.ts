// SQLite's history search: the FTS5 trigram index of migration 013, its rows mapped to conversations
// by search_rows (messages, variables, and since migration 024 the user's name and e-mail once per
// conversation).
import { sql } from 'kysely';
import type { ConversationSearch } from '../search.js';

/** one FTS5 phrase: its trigrams in a row, which is the substring (quotes doubled inside) */
const phrase = (q: string) => `"${q.replace(/"/g, '""')}"`;

export const sqliteSearch: ConversationSearch = {
  conversationIds(q) {
    // every index row belongs to a conversation (migration 024); the index is matched once
    return sql<string>`(select r.conversation_id from (select rowid as id from search_index where search_index match ${phrase(q)}) hit cross join search_rows r on r.id = hit.id)`;
  },
  matchIn(q, column, listFirst) {
    // `|| ''` makes the column an expression no index answers, so the list's index drives the walk
    return listFirst ? sql<boolean>`${sql.ref(column)} || '' in ${this.conversationIds(q)}` : sql<boolean>`${sql.ref(column)} in ${this.conversationIds(q)}`;
  },
  countUpTo(q, cap) {
    // FTS5 produces matches one by one, so the limit stops a common term early
    return sql<{ n: number }>`select count(*) as n from (select 1 from search_index where search_index match ${phrase(q)} limit ${cap + 1})`;
  },
  rowMatch(q, alias, window) {
    // A conversation's index rows are all at or above the smallest of them, so the window's rows are
    // at or above the smallest of its conversations' (one probe of search_rows_conversation_idx each),
    // and FTS5 reads that rowid range of the phrase only: the matches since the window's oldest
    // conversation began, not every match (migration 024).
    return sql<boolean>`${sql.ref(`${alias}.id`)} in (
      select r.conversation_id from (
        select rowid as id from search_index where search_index match ${phrase(q)}
        and rowid >= (select min((select min(f.id) from search_rows f where f.conversation_id = wf.id)) from ${window} as wf)
      ) hit cross join search_rows r on r.id = hit.id)`;
  },
};

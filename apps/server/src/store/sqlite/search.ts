// SQLite's history search: the FTS5 trigram index of migration 013, its rows mapped to conversations
// (messages, variables) or end users (name, e-mail) by search_rows.
import { sql } from 'kysely';
import type { ConversationSearch } from '../search.js';

/** one FTS5 phrase: its trigrams in a row, which is the substring (quotes doubled inside) */
const phrase = (q: string) => `"${q.replace(/"/g, '""')}"`;

export const sqliteSearch: ConversationSearch = {
  conversationIds(q) {
    // The index is matched once (a common word's trigram lists are long, and a union of two matches read
    // them twice); each match stands for its conversation, or an end user's for each of theirs.
    return sql<string>`(
      with hit(id) as materialized (select rowid from search_index where search_index match ${phrase(q)})
      select r.conversation_id from hit cross join search_rows r on r.id = hit.id where r.conversation_id is not null
      union all
      select c.id from hit cross join search_rows r on r.id = hit.id cross join conversations c on c.end_user_id = r.end_user_id where r.end_user_id is not null)`;
  },
  countUpTo(q, cap) {
    // FTS5 produces matches one by one, so the limit stops a common term early
    return sql<{ n: number }>`select count(*) as n from (select 1 from search_index where search_index match ${phrase(q)} limit ${cap + 1})`;
  },
  rowMatch: null,
};

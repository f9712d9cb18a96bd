// SQLite's history search: the FTS5 trigram index of migration 013, its rows mapped to conversations
// (messages, variables) or end users (name, e-mail) by search_rows.
import { sql } from 'kysely';
import type { ConversationSearch } from '../search.js';

export const sqliteSearch: ConversationSearch = {
  conversationIds(q) {
    // one FTS5 phrase: its trigrams in a row, which is the substring (quotes doubled inside)
    const phrase = `"${q.replace(/"/g, '""')}"`;
    return sql<string>`(
      select r.conversation_id from search_index s join search_rows r on r.id = s.rowid
      where search_index match ${phrase} and r.conversation_id is not null
      union
      select c.id from search_index s join search_rows r on r.id = s.rowid join conversations c on c.end_user_id = r.end_user_id
      where search_index match ${phrase} and r.end_user_id is not null)`;
  },
};

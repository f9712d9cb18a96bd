// PostgreSQL's history search: LIKE on the folded text, answered by the pg_trgm GIN indexes of
// migration 013 (each predicate repeats its index's expression and partial condition, or the planner
// cannot use it).
import { sql } from 'kysely';
import type { ConversationSearch } from '../search.js';

export const postgresSearch: ConversationSearch = {
  conversationIds(q) {
    const pattern = sql`'%' || replace(replace(replace(baton_search_fold(${q}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
    return sql<string>`(
      select m.conversation_id from messages m
      where baton_search_fold(m.text) like ${pattern} and m.event is null and m.author_type in ('user', 'agent') and length(m.text) > 0
      union
      select c.id from end_users u join conversations c on c.end_user_id = u.id
      where baton_search_fold(trim(coalesce(u.name, '') || ' ' || coalesce(u.email, ''))) like ${pattern}
      union
      select s.conversation_id from conversation_search s where s.text like ${pattern})`;
  },
};

// History search (`q`, migration 013): which conversations a query matches, as a subquery of their
// ids that a list puts in its WHERE. Each dialect answers it from its own index (sqlite/search.ts,
// postgres/search.ts) with the same meaning: the query, trimmed, is a substring (any case, accents
// folded) of a user or agent message or note, the end user's name or e-mail address, or a variable's
// value.
import type { RawBuilder } from 'kysely';

/** Trigrams: a shorter query cannot be answered from the index (SEARCH_TOO_SHORT). */
export const MIN_SEARCH_LENGTH = 3;

export interface ConversationSearch {
  /** `(select id …)` of every matching conversation, parenthesized for an IN; `q` is trimmed and at least MIN_SEARCH_LENGTH characters */
  conversationIds(q: string): RawBuilder<string>;
}

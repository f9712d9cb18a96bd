// History search (`q`, migration 013): which conversations a query matches. Each dialect answers from
// its own index (sqlite/search.ts, postgres/search.ts) with the same meaning: the query, trimmed, is a
// substring (any case, accents folded) of a user or agent message or note, the end user's name or
// e-mail address, or a variable's value.
//
// A list with `q` asks in one of two ways (commands/agent-queries.ts): a rare term's few matches from
// the index (`conversationIds`, in the list's WHERE), or, for a term whose index rows outnumber
// RARE_ROWS, a walk of the list in its own order testing each conversation (`rowMatch`), so the cost
// follows the page instead of the tens of thousands of conversations a common name matches.
import type { Expression, RawBuilder } from 'kysely';

/** Trigrams: a shorter query cannot be answered from the index (SEARCH_TOO_SHORT). */
export const MIN_SEARCH_LENGTH = 3;

/** a term with at most this many matching index rows is looked up in the index; more, and the list is walked */
export const RARE_ROWS = 500;

export interface ConversationSearch {
  /** `(select id …)` of every matching conversation, parenthesized for an IN; `q` is trimmed and at least MIN_SEARCH_LENGTH characters */
  conversationIds(q: string): RawBuilder<string>;
  /**
   * `column in conversationIds(q)`; `listFirst`: the list's own index must drive the statement, not the
   * matches (SQLite's planner, without statistics, otherwise reads every match and sorts them)
   */
  matchIn(q: string, column: string, listFirst: boolean): RawBuilder<boolean>;
  /** `select … as n`: the index rows that match `q`, counted up to `cap + 1` (a common term stops there) */
  countUpTo(q: string, cap: number): RawBuilder<{ n: number | string }>;
  /**
   * Whether the conversation row `alias` of `window` (a subquery of the conversations walked, with `id`
   * and `end_user_id`) matches `q`, reading only the index rows that can belong to the window
   */
  rowMatch(q: string, alias: string, window: Expression<unknown>): RawBuilder<boolean>;
}

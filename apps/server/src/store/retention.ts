// What retention and erasure do to the rows: the one list of tables that hold a conversation's data,
// the batches the retention jobs take (each through an index of migration 015), and the job lease.
import { sql } from 'kysely';
import { indexedBy, rowLock } from './hot.js';
import type { Tx } from './types.js';

/** What anonymizing does to a table's rows of a conversation: keep them, delete them, or rewrite them. */
export type AnonymizeRule = 'keep' | 'delete' | ((tx: Tx, conversationIds: readonly string[]) => Promise<void>);

/** The text an anonymized message shows instead of what was said. */
export const ANONYMIZED_TEXT = '[anonymized]';

/**
 * EVERY table with rows of a conversation, by the column naming it (besides `conversations` itself and
 * `end_users`, which the functions below handle). Deleting a conversation — retention or a contact's
 * erasure — deletes its rows from each; anonymizing applies each table's rule. A table added to the
 * schema that holds conversation data belongs here: test/api/retention.test.ts reads every table of
 * the database after an erasure and fails on any row still naming the contact.
 */
export const CONVERSATION_DATA: ReadonlyArray<{ table: string; column: string; anonymize: AnonymizeRule }> = [
  { table: 'messages', column: 'conversation_id', anonymize: scrubMessages },
  // analytics: event names, times, agents, skills, triggers (the bot's words, not the user's)
  { table: 'conversation_events', column: 'conversation_id', anonymize: 'keep' },
  // which agents handled it: their history keeps the (anonymized) conversation
  { table: 'conversation_agents', column: 'conversation_id', anonymize: 'keep' },
  { table: 'timers', column: 'conversation_id', anonymize: 'delete' },
  // delivered provider events carry the transcript and the contact
  { table: 'outbox', column: 'conversation_id', anonymize: 'delete' },
  { table: 'provider_state', column: 'conversation_id', anonymize: 'delete' },
  // tags are the bot's and agents' labels, not what the user said (emptied with the conversation by a trigger too)
  { table: 'conversation_tags', column: 'conversation_id', anonymize: 'keep' },
  // files users and agents sent (migration 020): what they are is personal data, bytes and names alike
  { table: 'attachments', column: 'conversation_id', anonymize: 'delete' },
  // what a channel's service reported for each message sent (statuses, the service's message ids)
  { table: 'channel_message_status', column: 'conversation_id', anonymize: 'delete' },
  // who handled it when, and the rating: the comment is what the user wrote (migration 017)
  { table: 'conversation_episodes', column: 'conversation_id', anonymize: scrubEpisodes },
  // follow-ups (migration 019) hold the user's e-mail and question: anonymizing removes them
  { table: 'followups', column: 'conversation_id', anonymize: 'delete' },
  // the e-mail threads' Message-IDs and subjects (migration 022): the subject is the user's words
  { table: 'email_threads', column: 'conversation_id', anonymize: 'delete' },
  // the search index (search_rows + search_index on SQLite, conversation_search on PostgreSQL, migration
  // 013) follows the messages, contacts and variables by triggers: it is not listed here
];

/**
 * Messages keep their rows, authors' roles, seqs and times (counts and timings for analytics); what
 * people said (text, buttons, postbacks) is replaced, and a user message's author is cleared. System
 * lines keep their text: Baton writes it from the transition, not from what anyone said.
 */
async function scrubMessages(tx: Tx, ids: readonly string[]): Promise<void> {
  await sql`
    update messages set
      text = case when text is null then null else cast(${ANONYMIZED_TEXT} as text) end,
      body = null,
      idempotency_key = null,
      author_id = case when author_type = 'user' then null else author_id end,
      author_name = case when author_type = 'user' then null else author_name end
    where conversation_id in (${sql.join(ids)}) and event is null
  `.execute(tx);
}

/** Episodes keep agents, times and scores (CSAT); the user's comment goes. */
async function scrubEpisodes(tx: Tx, ids: readonly string[]): Promise<void> {
  await sql`update conversation_episodes set rating_comment = null where conversation_id in (${sql.join(ids)}) and rating_comment is not null`.execute(tx);
}

/** A batch of conversations to work on, with their contacts (to remove once no conversation is left). */
export interface Picked {
  id: string;
  end_user_id: string | null;
}

/** Open conversations in `status` whose last activity is before `before`, oldest first. */
export async function pickIdle(tx: Tx, status: string, before: number, limit: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('conversations')
    .select('id')
    .where('status', '=', status)
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Closed conversations not yet anonymized, closed before `before`: the partial index holds only these.
 * The picks lock their rows (PostgreSQL): a user reopening one meanwhile waits, and is then left out.
 */
export async function pickToAnonymize(tx: Tx, before: number, limit: number): Promise<Picked[]> {
  // the literals repeat the partial index's condition, so both databases know it applies
  const r = await sql<Picked>`
    select id, end_user_id from conversations${sql.raw(indexedBy(tx, 'conversations_anonymize_idx'))}
    where status = 'closed' and anonymized_at is null and updated_at < ${before}
    order by updated_at limit ${limit}${sql.raw(rowLock(tx))}
  `.execute(tx);
  return r.rows;
}

/** Closed conversations closed before `before`, oldest first. */
export async function pickToDelete(tx: Tx, before: number, limit: number): Promise<Picked[]> {
  const r = await sql<Picked>`
    select id, end_user_id from conversations where status = 'closed' and updated_at < ${before}
    order by updated_at limit ${limit}${sql.raw(rowLock(tx))}
  `.execute(tx);
  return r.rows;
}

/** Deletes the conversations and every row of theirs in CONVERSATION_DATA; answers how many messages went. */
export async function deleteConversations(tx: Tx, ids: readonly string[]): Promise<{ messages: number }> {
  if (ids.length === 0) return { messages: 0 };
  let messages = 0;
  for (const d of CONVERSATION_DATA) {
    const r = await sql`delete from ${sql.table(d.table)} where ${sql.ref(d.column)} in (${sql.join(ids)})`.execute(tx);
    if (d.table === 'messages') messages = Number(r.numAffectedRows ?? 0);
  }
  await tx.deleteFrom('conversations').where('id', 'in', ids).execute();
  return { messages };
}

/**
 * Anonymizes the conversations: each table's rule, then the row itself — variables, bot state and
 * handover gone, the contact detached, the user's token revoked (nobody reopens an anonymized one).
 * Status, times, language, skill, tags and assignee stay for analytics and the agents' history.
 */
export async function anonymizeConversations(tx: Tx, ids: readonly string[], now: number): Promise<void> {
  if (ids.length === 0) return;
  for (const d of CONVERSATION_DATA) {
    if (d.anonymize === 'keep') continue;
    if (d.anonymize === 'delete') await sql`delete from ${sql.table(d.table)} where ${sql.ref(d.column)} in (${sql.join(ids)})`.execute(tx);
    else await d.anonymize(tx, ids);
  }
  await sql`
    update conversations set variables = '{}', bot_state = null, handover = null, end_user_id = null,
      token_hash = 'revoked:' || id, anonymized_at = ${now}
    where id in (${sql.join(ids)})
  `.execute(tx);
}

/** Deletes the contacts among `ids` that no conversation refers to any more; answers how many. */
export async function deleteOrphanContacts(tx: Tx, ids: readonly (string | null)[]): Promise<number> {
  const some = [...new Set(ids.filter((x): x is string => x !== null))];
  if (some.length === 0) return 0;
  const r = await tx
    .deleteFrom('end_users')
    .where('id', 'in', some)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('conversations').select('id').whereRef('conversations.end_user_id', '=', 'end_users.id'))))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Takes (or renews) the named lease for `holder` until `until`: true when this holder has it now. A
 * lease another holder let lapse is taken over.
 */
export async function takeLease(tx: Tx, name: string, holder: string, now: number, until: number): Promise<boolean> {
  await tx
    .insertInto('job_leases')
    .values({ name, holder, lease_until: until })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, lease_until: until })
        .where((eb) => eb.or([eb('job_leases.holder', '=', holder), eb('job_leases.lease_until', '<', now)])),
    )
    .execute();
  const row = await tx.selectFrom('job_leases').select('holder').where('name', '=', name).executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(tx: Tx, name: string, holder: string): Promise<void> {
  await tx.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
}

// Reads for the desk: the queue routed to me, my chats, searchable history, one conversation with
// its full transcript, the user's earlier conversations, and the supervisor overview. Every list is
// one statement whatever its length (its page of ids in the list's index order, then each row with its
// end user, last message and queue position joined) and pages with a keyset cursor (page-cursor.ts).
import type { AgentConversation, AgentConversationDetail, Episode, AgentLoad, Colleague, ConversationListQuery, ConversationPage, PageQuery, SupervisorOverview } from '@baton/proto';
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { routableTo } from '../domain/routing.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentAgentConversation, presentMessage } from '../presenters/conversation.js';
import { findConversation, listMessages } from '../store/conversations.js';
import { fromJson } from '../store/json.js';
import { recentWaits } from '../store/queue.js';
import type { AgentRow, ConversationsTable, Database, EpisodeRow, MessageRow } from '../store/schema.js';
import { listEpisodes } from '../store/episodes.js';
import { presentEpisode } from '../presenters/episode.js';
import { MIN_SEARCH_LENGTH, RARE_ROWS } from '../store/search.js';
import { presentAgent } from './auth.js';
import { MAX_AGENTS } from './list-agents.js';
import { assertCanView, isSupervisor } from './agent-access.js';
import { after, decodeCursor, pageOf, type Keyset, type Position } from './page-cursor.js';

/** conversations a common term's search walks, window after window, before it asks the index for the rest */
const WALK_WINDOWS = [600, 2400];

/** What a list asks for (proto's ConversationListQuery, parsed). */
export type ListFilter = ConversationListQuery;

// each list's order, and the cursors it gives and takes
const QUEUE: Keyset = { list: 'queue', direction: 'asc' };
const UPDATED: Keyset = { list: 'updated', direction: 'desc' };
const HANDLED: Keyset = { list: 'handled', direction: 'desc' };
const USER_HISTORY: Keyset = { list: 'user-history', direction: 'desc' };
/** History: by when a conversation last closed or an agent's episode ended (migration 017) */
const HISTORY: Keyset = { list: 'history', direction: 'desc' };

/** A page of conversation ids (and their sort keys) in the list's order. */
type PageIds = SelectQueryBuilder<Database & { c: ConversationsTable }, 'c', { id: string; sort_key: number }>;

/**
 * The conversations of a page as the desk shows them, in one statement: each row with its end user,
 * its last message (the newest non-event message, one index probe per row) and, for a queue, its
 * place among everyone waiting for its skill (a window over the queue) and an estimated wait (one read
 * of recent waits for the whole page).
 */
async function presentPage(deps: Deps, db: Kysely<Database>, ids: PageIds, keyset: Keyset, withQueue: boolean, withEpisode = false): Promise<Array<{ conversation: AgentConversation; sortKey: number }>> {
  const rows = await db
    .selectFrom(ids.as('page'))
    .innerJoin('conversations as c', 'c.id', 'page.id')
    .leftJoin('end_users as u', 'u.id', 'c.end_user_id')
    .leftJoin('messages as lm', (join) =>
      join.on('lm.id', '=', sql<string>`(select m.id from messages m where m.conversation_id = c.id and m.event is null order by m.seq desc limit 1)`),
    )
    // a list that shows queue positions: each one's rank in a window over the queue
    .$if(withQueue, (qb) =>
      qb
        .leftJoin(
          (eb) =>
            eb
              .selectFrom('conversations as w')
              .select(['w.id', sql<number>`row_number() over (partition by w.skill order by w.queued_at, w.id)`.as('position')])
              .where('w.status', '=', 'offloaded')
              .as('qp'),
          (join) => join.onRef('qp.id', '=', 'c.id'),
        )
        .select('qp.position as q_position'),
    )
    // History shows each row's latest episode: one probe of the episodes' primary key per row
    .$if(withEpisode, (qb) =>
      qb
        .leftJoin('conversation_episodes as ep', (join) =>
          join.onRef('ep.conversation_id', '=', 'c.id').on('ep.number', '=', sql<number>`(select max(e2.number) from conversation_episodes e2 where e2.conversation_id = c.id)`),
        )
        .select(EPISODE_COLUMNS),
    )
    .selectAll('c')
    .select(['page.sort_key', 'u.id as u_id', 'u.external_id as u_external_id', 'u.name as u_name', 'u.email as u_email', 'u.verified_id as u_verified_id', 'u.given_by_user as u_given_by_user'])
    .select(['lm.id as lm_id', 'lm.conversation_id as lm_conversation_id', 'lm.seq as lm_seq', 'lm.author_type as lm_author_type', 'lm.author_id as lm_author_id', 'lm.author_name as lm_author_name'])
    .select(['lm.text as lm_text', 'lm.body as lm_body', 'lm.event as lm_event', 'lm.internal as lm_internal', 'lm.idempotency_key as lm_idempotency_key', 'lm.created_at as lm_created_at'])
    .orderBy('page.sort_key', keyset.direction)
    .orderBy('page.id', keyset.direction)
    .execute();
  const now = deps.clock.now();
  const perPosition = withQueue && rows.some((r) => r.status === 'offloaded') ? await recentWaits(db) : undefined;
  return rows.map((r) => {
    const position = r.q_position === undefined || r.q_position === null ? null : Number(r.q_position);
    const lastMessage: MessageRow | null =
      r.lm_id === null
        ? null
        : {
            id: r.lm_id,
            conversation_id: r.lm_conversation_id!,
            seq: r.lm_seq!,
            author_type: r.lm_author_type!,
            author_id: r.lm_author_id,
            author_name: r.lm_author_name,
            text: r.lm_text,
            body: r.lm_body,
            event: r.lm_event,
            internal: r.lm_internal!,
            idempotency_key: r.lm_idempotency_key,
            created_at: Number(r.lm_created_at),
          };
    const conversation = presentAgentConversation(r, {
      now,
      queue: { position, estimatedWaitSeconds: position !== null && perPosition ? Math.round(perPosition(r.skill) * position) : null },
      user: { id: r.u_external_id ?? r.u_id ?? null, name: r.u_name ?? null, email: r.u_email ?? null, verified: Boolean(r.u_verified_id), ...(r.u_given_by_user ? { givenByUser: true } : {}) },
      lastMessage,
    });
    if (withEpisode) conversation.lastEpisode = episodeOfRow(r as unknown as EpisodeColumns);
    return { conversation, sortKey: Number(r.sort_key) };
  });
}

const EPISODE_COLUMNS = [
  'ep.number as ep_number',
  'ep.agent_id as ep_agent_id',
  'ep.agent_name as ep_agent_name',
  'ep.trigger as ep_trigger',
  'ep.skill as ep_skill',
  'ep.requested_at as ep_requested_at',
  'ep.accepted_at as ep_accepted_at',
  'ep.ended_at as ep_ended_at',
  'ep.ended_how as ep_ended_how',
  'ep.ended_by as ep_ended_by',
  'ep.rating_score as ep_rating_score',
  'ep.rating_comment as ep_rating_comment',
  'ep.rated_at as ep_rated_at',
] as const;
type EpisodeColumns = { [K in keyof EpisodeRow as `ep_${K & string}`]: EpisodeRow[K] | null } & { c_id?: string };

function episodeOfRow(r: EpisodeColumns): Episode | null {
  if (r.ep_number === null || r.ep_accepted_at === null) return null;
  return presentEpisode({
    conversation_id: '',
    number: r.ep_number,
    agent_id: r.ep_agent_id,
    agent_name: r.ep_agent_name,
    trigger: r.ep_trigger,
    skill: r.ep_skill,
    requested_at: r.ep_requested_at === null ? null : Number(r.ep_requested_at),
    accepted_at: Number(r.ep_accepted_at),
    ended_at: r.ep_ended_at === null ? null : Number(r.ep_ended_at),
    ended_how: r.ep_ended_how,
    ended_by: r.ep_ended_by,
    rating_score: r.ep_rating_score,
    rating_comment: r.ep_rating_comment,
    rated_at: r.ep_rated_at === null ? null : Number(r.ep_rated_at),
  });
}

/** A list's page: `limit` conversations and the cursor of the next page (null after the last). */
async function listPage(deps: Deps, ids: PageIds, keyset: Keyset, limit: number, withQueue = false, withEpisode = false): Promise<ConversationPage> {
  const rows = await presentPage(deps, deps.store.reads, ids.limit(limit + 1), keyset, withQueue, withEpisode);
  const { items, nextCursor } = pageOf(keyset, rows, limit, (r) => ({ key: r.sortKey, id: r.conversation.id }));
  return { conversations: items.map((r) => r.conversation), nextCursor };
}

/** `q` as searched: trimmed; undefined when empty; SEARCH_TOO_SHORT below what the index can answer. */
function searchText(q: string | undefined): string | undefined {
  const text = q?.trim();
  if (!text) return undefined;
  if ([...text].length < MIN_SEARCH_LENGTH) throw new AppError('SEARCH_TOO_SHORT', `Search for at least ${MIN_SEARCH_LENGTH} characters`);
  return text;
}

export async function listAgentConversations(deps: Deps, agent: AgentRow, f: ListFilter): Promise<ConversationPage> {
  const supervisor = isSupervisor(agent);
  const all = f.scope === 'all' && supervisor;
  const q = searchText(f.q);
  // a plain agent's bot and closed lists hold only what they handled (agent-access.ts), the latest
  // first: a walk of their own rows of conversation_agents that stops at the page, at any table size;
  // `agentId=` walks that agent's rows the same way
  const handledOnly = (f.status === 'bot' || f.status === 'closed') && !supervisor;
  const handler = f.agentId ?? (handledOnly ? agent.id : undefined);
  // History holds what closed and what an agent handled, whatever happened since (a reopen, a hand-back)
  const history = f.status === 'closed';
  const keyset = f.status === 'offloaded' ? QUEUE : handler ? HANDLED : history ? HISTORY : UPDATED;
  const at = decodeCursor(keyset, f.cursor);

  let ids = history ? deps.store.reads.selectFrom('conversations as c').where('c.history_at', 'is not', null) : deps.store.reads.selectFrom('conversations as c').where('c.status', '=', f.status);
  if (f.status === 'agent' && !all) ids = ids.where('c.assignee_id', '=', agent.id);
  if (handler) ids = ids.innerJoin('conversation_agents as ca', 'ca.conversation_id', 'c.id').where('ca.agent_id', '=', handler);
  if (handledOnly && handler !== agent.id) {
    ids = ids.where((eb) => eb.exists(eb.selectFrom('conversation_agents as mine').select('mine.agent_id').where('mine.agent_id', '=', agent.id).whereRef('mine.conversation_id', '=', 'c.id')));
  }
  if (f.status === 'offloaded' && !supervisor) {
    // the queue routed to me: speaksAndKnows (domain/routing.ts) as a filter, so `limit` is a page
    const { skills, languages } = routableTo({ skills: fromJson<string[]>(agent.skills, []), languages: fromJson<string[]>(agent.languages, []) });
    if (skills) ids = ids.where(sql<string>`coalesce(c.skill, 'general')`, 'in', skills);
    if (languages) ids = ids.where('c.language', 'in', languages);
  }
  if (f.skill) ids = ids.where('c.skill', '=', f.skill);
  if (f.tag) ids = ids.where((eb) => eb.exists(eb.selectFrom('conversation_tags as t').select('t.tag').whereRef('t.conversation_id', '=', 'c.id').where('t.tag', '=', f.tag!)));
  if (f.from) ids = ids.where('c.updated_at', '>=', Date.parse(f.from));
  if (f.to) ids = ids.where('c.created_at', '<=', Date.parse(f.to) + (f.to.length <= 10 ? 86_399_999 : 0));
  const [key, id] =
    keyset === QUEUE ? ['c.queued_at', 'c.id'] : keyset === HANDLED ? ['ca.handled_at', 'ca.conversation_id'] : keyset === HISTORY ? ['c.history_at', 'c.id'] : ['c.updated_at', 'c.id'];
  const from = (pos: Position | undefined) => (pos ? ids.where(after(keyset, key, id, pos)) : ids);
  const ordered = (list: typeof ids) =>
    list
      .select([sql.ref<string>(id).as('id'), sql.ref<number>(key).as('sort_key')])
      .orderBy(sql.ref(key), keyset.direction)
      .orderBy(sql.ref(id), keyset.direction);
  if (!q) return listPage(deps, ordered(from(at)), keyset, f.limit, f.status === 'offloaded', history);

  // a rare term's few matches drive the page (their sort is bounded by RARE_ROWS); after a walk, the
  // rest of History drives it (a common term's matches are what must not be read in full)
  const matching = (list: typeof ids, listFirst: boolean) => list.where(deps.store.search.matchIn(q, 'c.id', listFirst));
  const search = deps.store.search;
  const rows = Number((await search.countUpTo(q, RARE_ROWS).execute(deps.store.reads)).rows[0]?.n ?? 0);
  if (rows === 0) return { conversations: [], nextCursor: null };
  if (rows <= RARE_ROWS) return listPage(deps, ordered(matching(from(at), false)), keyset, f.limit, f.status === 'offloaded', history);

  // A common term: the newest matches are found by walking the list in its order, a window of
  // conversations at a time (rowMatch reads only the index rows that can belong to the window); a term common
  // in the index but rare in this list gets the rest of its page from the index, after what was walked.
  const found: string[] = [];
  let pos = at;
  let walked = false;
  for (const size of WALK_WINDOWS) {
    const need = f.limit + 1 - found.length;
    const window = ordered(from(pos)).select(sql.ref<string | null>('c.end_user_id').as('end_user_id')).limit(size);
    // the window's last conversation (none: the list ended inside the window), where the next one starts
    const [hits, last] = await Promise.all([
      deps.store.reads.selectFrom(window.as('w')).select('w.id').where(search.rowMatch(q, 'w', window)).orderBy('w.sort_key', keyset.direction).orderBy('w.id', keyset.direction).limit(need).execute(),
      ordered(from(pos)).offset(size - 1).limit(1).executeTakeFirst(),
    ]);
    found.push(...hits.map((h) => h.id));
    if (found.length > f.limit || !last) {
      walked = true;
      break;
    }
    pos = { key: Number(last.sort_key), id: last.id };
  }
  if (!walked) {
    const rest = await ordered(matching(from(pos), history && !handler)).limit(f.limit + 1 - found.length).execute();
    found.push(...rest.map((r) => r.id));
  }
  if (found.length === 0) return { conversations: [], nextCursor: null };
  return listPage(deps, ordered(from(at).where(sql.ref<string>(id), 'in', found)), keyset, f.limit, f.status === 'offloaded', history);
}

export async function agentConversationDetail(deps: Deps, agent: AgentRow, id: string): Promise<AgentConversationDetail> {
  const row = await findConversation(deps.store.db, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  assertCanView(agent, row);
  const one = deps.store.db.selectFrom('conversations as c').where('c.id', '=', id).select(['c.id', sql<number>`0`.as('sort_key')]);
  const [conversation] = await presentPage(deps, deps.store.db, one, UPDATED, row.status === 'offloaded', true);
  if (!conversation) throw new AppError('CONVERSATION_NOT_FOUND');
  const messages = (await listMessages(deps.store.db, id, { limit: 5000, includeInternal: true })).map(presentMessage);
  const episodes = (await listEpisodes(deps.store.db, id)).map(presentEpisode);
  return { conversation: conversation.conversation, messages, episodes };
}

/**
 * The user's earlier conversations, the latest first: only for a verified identity (a claimed id or
 * e-mail links nothing), and for a plain agent only those they handled themselves.
 */
export async function userHistory(deps: Deps, agent: AgentRow, id: string, page: PageQuery): Promise<ConversationPage> {
  const db = deps.store.db;
  const row = await findConversation(db, id);
  if (!row) throw new AppError('CONVERSATION_NOT_FOUND');
  assertCanView(agent, row);
  const at = decodeCursor(USER_HISTORY, page.cursor);
  if (!row.end_user_id) return { conversations: [], nextCursor: null };
  const user = await db.selectFrom('end_users').select('verified_id').where('id', '=', row.end_user_id).executeTakeFirst();
  if (!user?.verified_id) return { conversations: [], nextCursor: null };
  let ids = deps.store.reads.selectFrom('conversations as c').where('c.end_user_id', '=', row.end_user_id).where('c.id', '!=', id);
  if (!isSupervisor(agent)) {
    ids = ids.where((eb) => eb.exists(eb.selectFrom('conversation_agents as ca').select('ca.agent_id').where('ca.agent_id', '=', agent.id).whereRef('ca.conversation_id', '=', 'c.id')));
  }
  if (at) ids = ids.where(after(USER_HISTORY, 'c.created_at', 'c.id', at));
  const sorted = ids.select(['c.id', 'c.created_at as sort_key']).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc');
  return listPage(deps, sorted, USER_HISTORY, page.limit);
}

/** The overview shows at most this many waiting and live conversations (its totals count them all). */
const OVERVIEW_LIMIT = 500;

export async function supervisorOverview(deps: Deps): Promise<SupervisorOverview> {
  const db = deps.store.reads;
  const byStatus = (status: string, key: 'queued_at' | 'assigned_at') =>
    db.selectFrom('conversations as c').where('c.status', '=', status).select(['c.id', sql.ref<number>(`c.${key}`).as('sort_key')]).orderBy(`c.${key}`).orderBy('c.id').limit(OVERVIEW_LIMIT);
  const ASSIGNED: Keyset = { list: 'live', direction: 'asc' };
  const [queue, live, totals, agents] = await Promise.all([
    presentPage(deps, db, byStatus('offloaded', 'queued_at'), QUEUE, true),
    presentPage(deps, db, byStatus('agent', 'assigned_at'), ASSIGNED, false),
    db
      .selectFrom('conversations')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['offloaded', 'agent'])
      .groupBy('status')
      .execute(),
    agentsWithLoad(deps),
  ]);
  const total = (status: string) => Number(totals.find((t) => t.status === status)?.n ?? 0);
  return {
    queue: queue.map((r) => r.conversation),
    live: live.map((r) => r.conversation),
    agents,
    totals: { queue: total('offloaded'), live: total('agent') },
  };
}

/** Every agent (by name) with the number of live chats they own. */
async function agentsWithLoad(deps: Deps): Promise<AgentLoad[]> {
  const db = deps.store.reads;
  const agents = await db.selectFrom('agents').selectAll().where('deleted_at', 'is', null).orderBy('name').limit(MAX_AGENTS).execute();
  return agents.map((a) => ({ agent: presentAgent(a), activeChats: Number(a.active_chats) }));
}

/** Colleagues for a transfer, any role: status, skills and load, by name; never e-mail addresses. */
export async function listColleagues(deps: Deps): Promise<{ agents: Colleague[] }> {
  const agents = await agentsWithLoad(deps);
  return { agents: agents.map(({ agent: { email: _email, createdAt: _created, ...agent }, activeChats }) => ({ agent, activeChats })) };
}

const CONTACT: Keyset = { list: 'contact', direction: 'desc' };

/**
 * A contact's conversations across channels, the latest first: those of their verified identity rows,
 * by `(end_user_id, created_at, id)` (migration 012); a plain agent sees only those they handled.
 */
export async function contactConversationPage(deps: Deps, agent: AgentRow, endUserIds: readonly string[], page: PageQuery): Promise<ConversationPage> {
  const at = decodeCursor(CONTACT, page.cursor);
  if (endUserIds.length === 0) return { conversations: [], nextCursor: null };
  let ids = deps.store.reads.selectFrom('conversations as c').where('c.end_user_id', 'in', endUserIds);
  if (!isSupervisor(agent)) {
    ids = ids.where((eb) => eb.exists(eb.selectFrom('conversation_agents as ca').select('ca.agent_id').where('ca.agent_id', '=', agent.id).whereRef('ca.conversation_id', '=', 'c.id')));
  }
  if (at) ids = ids.where(after(CONTACT, 'c.created_at', 'c.id', at));
  const sorted = ids.select(['c.id', 'c.created_at as sort_key']).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc');
  return listPage(deps, sorted, CONTACT, page.limit);
}

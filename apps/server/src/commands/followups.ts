// Follow-ups (DESIGN §10.3): created in the bot turn whose followup step collected the e-mail and the
// question; listed, assigned, answered and closed by agents. Who may do what is decided here: agents
// with the follow-up's skill and language (or the one it is assigned to), supervisors and admins.
import type { FollowupReason, FollowupStatus, FollowupAssignBody, FollowupCount, FollowupList, FollowupListQuery, FollowupReplyResult, FollowupView } from '@baton/proto';
import type { FollowupRequest } from '../domain/bot/types.js';
import { routableTo, speaksAndKnows } from '../domain/routing.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentMessage } from '../presenters/conversation.js';
import { presentFollowup } from '../presenters/followup.js';
import { appendMessage } from '../store/conversations.js';
import { findFollowup, insertFollowup, updateFollowup } from '../store/followups.js';
import { fromJson } from '../store/json.js';
import type { AgentRow, ConversationRow, FollowupRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { commit, type AfterCommit } from './after-commit.js';
import { isSupervisor } from './agent-access.js';
import { lockOrThrow, systemLine } from './conversation-events.js';
import { after, decodeCursor, pageOf, type Keyset, type Position } from './page-cursor.js';
import { providerEvent } from './provider-events.js';
import { chooseProvider } from './request-handover.js';
import { mustTransition } from './transition.js';

/** the desk's badge counts this far ("99+"), so counting stays a bounded index walk */
const BADGE_CAP = 100;

/** Every desk reads its badge again (a count on an index, capped): cheaper than deciding here who may see it. */
const followupsUpdated = (row: FollowupRow) => ({ type: 'followups.updated' as const, followupId: row.id, status: row.status as FollowupStatus });

/**
 * In the bot turn's transaction: the follow-up row, a transcript line for agents, and
 * `followup.requested` for the provider that would have taken the handover (the desk needs none).
 */
export async function createFollowup(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, req: FollowupRequest): Promise<FollowupRow> {
  const now = deps.clock.now();
  const skill = req.skill ?? conv.skill ?? 'general';
  const row = await insertFollowup(tx, { conversationId: conv.id, reason: req.reason, email: req.email, question: req.question.slice(0, 4000), language: conv.language, skill }, now);
  await systemLine(deps, tx, out, conv.id, {
    event: 'followup.created',
    text: `Follow-up left (${req.reason}): ${req.email ?? 'no e-mail'} — skill ${skill}`,
    visibleToUser: false,
    data: { followupId: row.id, reason: req.reason, skill },
  });
  const settings = await deps.settings.offloading(tx);
  const provider = chooseProvider(settings, undefined, skill, conv.channel_id);
  const followup = { id: row.id, reason: req.reason, email: row.email, question: row.question, language: row.language, skill, createdAt: new Date(now).toISOString() };
  await providerEvent(deps, tx, out, { ...conv, provider_id: provider.id }, 'followup.requested', { followup });
  out.publish(followupsUpdated(row));
  return row;
}

/** Open follow-ups first in line first (the one waiting longest on top); done ones newest first. */
const followupKeyset = (status: FollowupStatus): Keyset => ({ list: `followups:${status}`, direction: status === 'open' ? 'asc' : 'desc' });

interface FollowupFilter {
  status: FollowupStatus;
  reason?: FollowupReason;
  skill?: string;
  assigneeId?: string;
  /** a plain agent: only these skills and languages (null: any), or what is assigned to them */
  visibleTo?: { agentId: string; skills: string[] | null; languages: string[] | null };
}

/**
 * One page (`limit + 1` rows, for pageOf): every filter is an equality on a leading column of one of
 * 019's indexes, and the rows come in its (created_at, id) order from the cursor on.
 */
async function listFollowups(db: Tx, f: FollowupFilter, at: Position | undefined, limit: number): Promise<FollowupRow[]> {
  const keyset = followupKeyset(f.status);
  let q = db.selectFrom('followups').selectAll().where('status', '=', f.status);
  if (f.reason) q = q.where('reason', '=', f.reason);
  if (f.skill) q = q.where('skill', '=', f.skill);
  if (f.assigneeId) q = q.where('assignee_id', '=', f.assigneeId);
  const v = f.visibleTo;
  if (v && (v.skills || v.languages)) {
    q = q.where((eb) => {
      const mine = [];
      if (v.skills) mine.push(eb('skill', 'in', v.skills.length ? v.skills : ['']));
      if (v.languages) mine.push(eb('language', 'in', v.languages.length ? v.languages : ['']));
      return eb.or([eb.and(mine), eb('assignee_id', '=', v.agentId)]);
    });
  }
  if (at) q = q.where(after(keyset, 'created_at', 'id', at));
  const dir = keyset.direction;
  return q.orderBy('created_at', dir).orderBy('id', dir).limit(limit + 1).execute();
}

/** Open follow-ups counted up to `cap` (the badge): a bounded walk of the status index, never a full count. */
async function countOpenFollowups(db: Tx, visibleTo: FollowupFilter['visibleTo'], cap: number): Promise<number> {
  const page = await listFollowups(db, { status: 'open', visibleTo }, undefined, cap - 1);
  return page.length;
}

function visibility(agent: AgentRow): FollowupFilter['visibleTo'] {
  if (isSupervisor(agent)) return undefined;
  const { skills, languages } = routableTo({ skills: fromJson(agent.skills, []), languages: fromJson(agent.languages, []) });
  return { agentId: agent.id, skills, languages };
}

/** may this agent see and answer this follow-up? */
function assertCanHandle(agent: AgentRow, f: FollowupRow): void {
  if (isSupervisor(agent) || f.assignee_id === agent.id) return;
  if (speaksAndKnows({ skills: fromJson(agent.skills, []), languages: fromJson(agent.languages, []) }, { skill: f.skill, language: f.language })) return;
  // someone who may not see it learns nothing about it
  throw new AppError('FOLLOWUP_NOT_FOUND');
}

export async function listFollowupsFor(deps: Deps, agent: AgentRow, q: FollowupListQuery): Promise<FollowupList> {
  const keyset = followupKeyset(q.status);
  const at = decodeCursor(keyset, q.cursor);
  const assigneeId = q.assignee === 'me' ? agent.id : q.assignee;
  const rows = await listFollowups(deps.store.reads, { status: q.status, reason: q.reason, skill: q.skill, assigneeId, visibleTo: visibility(agent) }, at, q.limit);
  const page = pageOf(keyset, rows, q.limit, (r) => ({ key: Number(r.created_at), id: r.id }));
  return { followups: page.items.map(presentFollowup), nextCursor: page.nextCursor };
}

export async function countFollowupsFor(deps: Deps, agent: AgentRow): Promise<FollowupCount> {
  const n = await countOpenFollowups(deps.store.reads, visibility(agent), BADGE_CAP);
  return { open: Math.min(n, BADGE_CAP - 1), capped: n >= BADGE_CAP };
}

async function loadFor(deps: Deps, tx: Tx, agent: AgentRow, id: string): Promise<FollowupRow> {
  const f = await findFollowup(tx, id);
  if (!f) throw new AppError('FOLLOWUP_NOT_FOUND');
  assertCanHandle(agent, f);
  return f;
}

/** To the caller, or (supervisors and admins) to another agent who may handle it. */
export async function assignFollowup(deps: Deps, agent: AgentRow, id: string, body: FollowupAssignBody): Promise<FollowupView> {
  return commit(deps, async (tx, out) => {
    const f = await loadFor(deps, tx, agent, id);
    if (f.status === 'done') throw new AppError('FOLLOWUP_DONE');
    let to: AgentRow = agent;
    if (body.agentId && body.agentId !== agent.id) {
      if (!isSupervisor(agent)) throw new AppError('FORBIDDEN', 'Only supervisors and admins assign follow-ups to others');
      const target = await tx.selectFrom('agents').selectAll().where('id', '=', body.agentId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!target) throw new AppError('AGENT_NOT_FOUND');
      assertCanHandle(target, f);
      to = target;
    }
    const row = await updateFollowup(tx, f.id, { assignee_id: to.id, assignee_name: to.name }, deps.clock.now());
    out.publish(followupsUpdated(row!));
    return { followup: presentFollowup(row!) };
  });
}

function replySubject(language: string): string {
  return ({ nl: 'Antwoord op je vraag', fr: 'Réponse à votre question' } as Record<string, string>)[language] ?? 'Reply to your question';
}

/** The answer as the user reads it by e-mail: the reply, then their own question quoted. */
function replyMail(f: FollowupRow, text: string, agentName: string) {
  const quoted = f.question.split('\n').map((l) => `> ${l}`).join('\n');
  return { to: f.email!, subject: replySubject(f.language), text: `${text}\n\n— ${agentName}\n\n${quoted}\n`, headers: { 'X-Baton-Followup': f.id }, conversationId: f.conversation_id };
}

/**
 * An agent message in the user's conversation (whatever its status, which does not change), delivered
 * like any message (widget, channel outbox, a waiting provider) and e-mailed when the mailer is set
 * up and the e-mail is known. The follow-up is assigned to whoever answered.
 */
export async function replyToFollowup(deps: Deps, agent: AgentRow, id: string, text: string): Promise<FollowupReplyResult> {
  const known = await findFollowup(deps.store.db, id);
  if (!known) throw new AppError('FOLLOWUP_NOT_FOUND');
  return commit(deps, async (tx, out) => {
    const f = await loadFor(deps, tx, agent, id);
    if (f.status === 'done') throw new AppError('FOLLOWUP_DONE');
    const conv = await lockOrThrow(deps, tx, f.conversation_id);
    const { effects } = mustTransition(conv, 'followup.reply');
    const now = deps.clock.now();
    const row = await appendMessage(tx, { conversationId: conv.id, authorType: 'agent', authorId: agent.id, authorName: agent.name, text }, now);
    out.count(() => deps.metrics.messages.inc({ author: 'agent' }));
    const message = presentMessage(row);
    out.publish({ type: 'message.created', conversationId: conv.id, message });
    if (effects.includes('deliver_to_agent')) await providerEvent(deps, tx, out, conv, 'message.created', { message });
    const emailed = Boolean(deps.mailer && f.email);
    if (emailed) await deps.mailer!.send(replyMail(f, text, agent.name), tx);
    const updated = await updateFollowup(tx, f.id, f.assignee_id ? {} : { assignee_id: agent.id, assignee_name: agent.name }, now);
    out.publish(followupsUpdated(updated!));
    return { followup: presentFollowup(updated!), emailed };
  }, known.conversation_id);
}

export async function markFollowupDone(deps: Deps, agent: AgentRow, id: string): Promise<FollowupView> {
  return commit(deps, async (tx, out) => {
    const f = await loadFor(deps, tx, agent, id);
    // done twice is done: the answer is the same
    if (f.status === 'done') return { followup: presentFollowup(f) };
    const now = deps.clock.now();
    const row = await updateFollowup(tx, f.id, { status: 'done', done_at: now, done_by: agent.id, ...(f.assignee_id ? {} : { assignee_id: agent.id, assignee_name: agent.name }) }, now);
    out.publish(followupsUpdated(row!));
    return { followup: presentFollowup(row!) };
  });
}

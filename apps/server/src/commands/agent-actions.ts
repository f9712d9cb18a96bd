// What an agent does with a conversation: accept, reply (or note), type, transfer, hand back, close.
import type { AgentMessageBody } from '@baton/proto';
import { routableTo, speaksAndKnows } from '../domain/routing.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { TypingThrottle } from '../domain/typing-throttle.js';
import { presentMessage } from '../presenters/conversation.js';
import { activeChatsOf } from '../store/agents.js';
import { appendMessage, findConversation } from '../store/conversations.js';
import { fromJson, toJson } from '../store/json.js';
import type { AgentRow, ConversationRow } from '../store/schema.js';
import { clearTimer } from '../store/timers.js';
import type { Tx } from '../store/write-queue.js';
import { commit, type AfterCommit } from './after-commit.js';
import { assertCanView, assertOwner, assertOwnerOrSupervisor, isSupervisor } from './agent-access.js';
import { claimForAgent } from './assign.js';
import { readBotState, writeBotState } from './bot-state.js';
import { announceConversation, announceQueue, lockOrThrow } from './conversation-events.js';
import { providerEvent } from './provider-events.js';
import { newSortableId } from '../tokens.js';
import { carryAttachments } from './attachments.js';
import { applyTransition, mustTransition } from './transition.js';

export async function acceptConversation(deps: Deps, agent: AgentRow, conversationId: string) {
  await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    if (conv.status === 'agent' && conv.assignee_id === agent.id) return; // idempotent
    if (conv.status === 'agent') {
      // a supervisor may take over someone's live chat; everyone else lost the race
      if (!isSupervisor(agent)) throw new AppError('ALREADY_ASSIGNED');
      mustTransition(conv, 'agent.transfer.agent');
      await claimForAgent(deps, tx, out, conv, agent, 'agent.transfer.agent', 'takeover');
      out.agentsFreed.add(conv.assignee_id!);
      return;
    }
    mustTransition(conv, 'agent.accept');
    if (!isSupervisor(agent)) {
      assertCanView(agent, conv);
      const skills = fromJson<string[]>(agent.skills, []);
      if (!speaksAndKnows({ skills, languages: fromJson(agent.languages, []) }, conv)) throw new AppError('FORBIDDEN', 'This conversation needs another skill or language');
      if ((await activeChatsOf(tx, agent.id)) >= agent.max_concurrent) {
        throw new AppError('AGENT_UNAVAILABLE', `You already have ${agent.max_concurrent} chats (your maximum)`);
      }
    }
    await claimForAgent(deps, tx, out, conv, agent, 'agent.accept', 'accept');
  }, conversationId);
}

export interface Actor {
  id: string;
  name: string;
}

/** Appends an agent message (or note) and announces it; permission checks are the caller's. */
export async function appendAgentMessage(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, actor: Actor, body: AgentMessageBody) {
  if (!body.internal) mustTransition(conv, 'agent.message');
  // files uploaded to this conversation and not sent yet: this message claims them
  const id = newSortableId();
  const attachments = body.attachments?.length ? await carryAttachments(tx, conv.id, body.attachments, id) : undefined;
  const row = await appendMessage(
    tx,
    {
      id,
      attachments,
      conversationId: conv.id,
      authorType: 'agent',
      authorId: actor.id,
      authorName: actor.name,
      text: body.text || null,
      buttons: body.buttons,
      cards: body.cards,
      internal: body.internal,
    },
    deps.clock.now(),
  );
  out.count(() => deps.metrics.messages.inc({ author: body.internal ? 'note' : 'agent' }));
  const message = presentMessage(row);
  out.publish({ type: 'message.created', conversationId: conv.id, message });
  return message;
}

export async function agentMessage(deps: Deps, agent: AgentRow, conversationId: string, body: AgentMessageBody) {
  return commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    // internal notes: anyone who may see the conversation, in any status; replies: the owner only
    if (body.internal) assertCanView(agent, conv);
    else assertOwner(agent, conv);
    return appendAgentMessage(deps, tx, out, conv, agent, body);
  }, conversationId);
}

/** `throttle` drops repeats and an `off` that ends nothing, as on the sockets (typing floods, security.md §13) */
export async function agentTyping(deps: Deps, agent: AgentRow, conversationId: string, on: boolean, throttle: TypingThrottle): Promise<void> {
  const conv = await findConversation(deps.store.db, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  assertOwner(agent, conv);
  if (!throttle.pass(`${agent.id}:${conversationId}`, on, deps.clock.now())) return;
  deps.bus.publish({ type: 'typing', conversationId, author: { type: 'agent', id: agent.id, name: agent.name }, on });
}

export async function transferConversation(deps: Deps, agent: AgentRow, conversationId: string, to: { agentId: string } | { skill: string }) {
  await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    if (conv.status === 'offloaded' && isSupervisor(agent)) {
      // a supervisor may route a waiting conversation directly
    } else {
      assertOwnerOrSupervisor(agent, conv);
    }
    const now = deps.clock.now();
    if ('agentId' in to) {
      const target = await tx.selectFrom('agents').selectAll().where('id', '=', to.agentId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!target) throw new AppError('AGENT_NOT_FOUND');
      if (target.id === conv.assignee_id) return;
      if (target.status === 'offline') throw new AppError('AGENT_UNAVAILABLE', `${target.name} is offline`);
      mustTransition(conv, 'agent.transfer.agent');
      const previous = conv.assignee_id;
      await claimForAgent(deps, tx, out, conv, target, 'agent.transfer.agent', 'transfer');
      if (previous) out.agentsFreed.add(previous);
      return;
    }
    const previous = conv.assignee_id;
    const { effects } = await applyTransition(deps, tx, out, conv, 'agent.transfer.skill', {
      patch: { skill: to.skill, assignee_id: null, assigned_at: null, queued_at: conv.queued_at ?? now },
      line: { text: `Transferred to the ${to.skill} team by ${agent.name}`, visibleToUser: true, agentId: agent.id, data: { from: previous, skill: to.skill, by: agent.id } },
      now,
    });
    await announceConversation(tx, out, conversationId);
    if (effects.includes('requeue')) {
      announceQueue(out, to.skill);
      out.routed.add(conversationId);
    }
    if (previous) out.agentsFreed.add(previous);
  }, conversationId);
}

export async function assertDialog(deps: Deps, conversationId: string, dialog: string | undefined): Promise<void> {
  if (!dialog) return;
  const conv = await findConversation(deps.store.db, conversationId);
  if (!conv) throw new AppError('CONVERSATION_NOT_FOUND');
  const bot = await deps.bots.get(conv.bot_id);
  if (!bot.runtime.hasDialog(dialog)) throw new AppError('DIALOG_NOT_FOUND', `The bot has no dialog "${dialog}"`);
}

/** Back to the bot, optionally at a dialog with variables set (the bot runs it after commit). */
export async function applyHandback(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, actor: Actor, body: { dialog?: string; variables?: Record<string, unknown> }) {
  const variables = { ...fromJson<Record<string, unknown>>(conv.variables, {}), ...(body.variables ?? {}) };
  const state = readBotState(conv.bot_state);
  const { effects } = await applyTransition(deps, tx, out, conv, 'agent.handback', {
    patch: {
      assignee_id: null,
      assignee_name: null,
      queued_at: null,
      variables: toJson(variables),
      bot_seq: conv.last_seq,
      bot_state: writeBotState({ ...state, pendingDialog: body.dialog ?? null }),
      // the bot's state changed: a turn computed before this one must not apply
      bot_version: conv.bot_version + 1,
    },
    line: {
      text: `${actor.name} handed the conversation back to the bot`,
      visibleToUser: true,
      agentId: actor.id,
      data: { agentId: conv.assignee_id, dialog: body.dialog ?? null, variables: Object.keys(body.variables ?? {}) },
    },
  });
  await announceConversation(tx, out, conv.id);
  if (effects.includes('resume_bot')) out.botTurns.add(conv.id);
  if (conv.assignee_id) out.agentsFreed.add(conv.assignee_id);
}

export async function handBack(deps: Deps, agent: AgentRow, conversationId: string, body: { dialog?: string; variables?: Record<string, unknown> }) {
  await assertDialog(deps, conversationId, body.dialog);
  await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    assertOwnerOrSupervisor(agent, conv);
    await applyHandback(deps, tx, out, conv, agent, body);
  }, conversationId);
}

export async function applyClose(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, actor: Actor) {
  const now = deps.clock.now();
  const { effects } = await applyTransition(deps, tx, out, conv, 'agent.close', {
    patch: { closed_at: now, queued_at: null },
    line: { text: `${actor.name} closed the conversation`, visibleToUser: true, agentId: actor.id, data: { agentId: conv.assignee_id } },
    now,
  });
  if (effects.includes('stop_waiting_timer')) await clearTimer(tx, conv.id);
  await announceConversation(tx, out, conv.id);
  if (conv.status === 'offloaded') announceQueue(out, conv.skill);
  if (conv.assignee_id) out.agentsFreed.add(conv.assignee_id);
}

export async function closeConversation(deps: Deps, agent: AgentRow, conversationId: string) {
  await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    if (!(conv.status === 'offloaded' && isSupervisor(agent))) assertOwnerOrSupervisor(agent, conv);
    await applyClose(deps, tx, out, conv, agent);
    await providerEvent(deps, tx, out, conv, 'conversation.closed', {});
  }, conversationId);
}

export async function setAgentStatus(deps: Deps, agentId: string, status: 'online' | 'away' | 'offline') {
  const now = deps.clock.now();
  await deps.store.write.run((tx) => tx.updateTable('agents').set({ status, updated_at: now, last_seen_at: now }).where('id', '=', agentId).execute());
  deps.bus.publish({ type: 'agent.status', agentId, status });
  if (status === 'online') deps.routing.agentAvailable(agentId);
  await announceWaitsFor(deps, agentId);
}

/**
 * Someone came online or left: the users waiting for their skills hear whether anyone can take them
 * now (an honest estimate, or none). A wildcard agent touches every skill that has a queue.
 */
async function announceWaitsFor(deps: Deps, agentId: string): Promise<void> {
  const row = await deps.store.db.selectFrom('agents').select('skills').where('id', '=', agentId).executeTakeFirst();
  const { skills } = routableTo({ skills: fromJson(row?.skills, []), languages: [] });
  const waiting = skills ?? (await deps.store.db.selectFrom('conversations').select('skill').where('status', '=', 'offloaded').groupBy('skill').limit(100).execute()).map((r) => r.skill);
  for (const skill of waiting) deps.queueAnnouncer.soon(skill);
}

// Desk routing after commit: in auto mode a newly queued conversation goes to the least-busy
// eligible online agent; an agent who comes online or frees a slot gets the oldest waiting match.
// Broadcast mode leaves conversations in the queue for the first accept. Overflow moves a
// conversation nobody took to the fallback skill after the configured wait.
import type { OffloadingSettings } from '@baton/proto';
import { speaksAndKnows } from '../domain/routing.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { bestAgentFor, routableAgents } from '../store/agents.js';
import { lockConversation, updateConversation } from '../store/conversations.js';
import type { ConversationRow, TimerRow } from '../store/schema.js';
import { setTimer } from '../store/timers.js';
import type { Tx } from '../store/write-queue.js';
import { commit, type AfterCommit } from './after-commit.js';
import { claimForAgent } from './assign.js';
import { announceConversation, announceQueue, lockOrThrow, systemLine } from './conversation-events.js';

export type RoutingSettings = ReturnType<typeof routingOf>;

export function routingOf(s: OffloadingSettings) {
  return { mode: s.routing?.mode ?? 'auto', overflowAfterSeconds: s.routing?.overflowAfterSeconds ?? null, overflowSkill: s.routing?.overflowSkill ?? null, providers: s.providers };
}

async function routingSettings(deps: Deps) {
  return routingOf(await deps.settings.offloading());
}

function isDesk(providers: { id: string; type: string }[], providerId: string | null): boolean {
  return providers.find((p) => p.id === providerId)?.type === 'desk';
}

/**
 * In the caller's transaction: the least-busy eligible online agent gets the waiting desk conversation
 * now. `conv` is the row as this transaction has left it (status offloaded). Returns the agent's id.
 */
export async function assignNow(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow): Promise<string | undefined> {
  const agent = await bestAgentFor(tx, { skill: conv.skill, language: conv.language });
  if (!agent) return undefined;
  await claimForAgent(deps, tx, out, conv, agent, 'agent.accept', 'auto');
  return agent.id;
}

/**
 * A desk conversation enters (or is still in) the queue: in auto mode it is assigned right away when
 * someone can take it; otherwise it waits, with an overflow timer when an overflow skill is set.
 */
export async function routeInTx(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, rs: RoutingSettings): Promise<string | undefined> {
  if (conv.status !== 'offloaded' || !isDesk(rs.providers, conv.provider_id)) return undefined;
  const agentId = rs.mode === 'auto' ? await assignNow(deps, tx, out, conv) : undefined;
  if (!agentId && rs.overflowAfterSeconds && rs.overflowSkill && conv.skill !== rs.overflowSkill) {
    const now = deps.clock.now();
    await setTimer(tx, { conversationId: conv.id, kind: 'overflow', dueAt: (conv.queued_at ?? now) + rs.overflowAfterSeconds * 1000 }, now);
    out.kicks.add('timers');
  }
  return agentId;
}

/** Try to auto-assign one waiting conversation (after a transfer to a skill, an overflow, a free slot). */
export async function routeConversation(deps: Deps, conversationId: string): Promise<string | undefined> {
  const rs = await routingSettings(deps);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await commit(deps, async (tx, out) => {
        const conv = await lockConversation(tx, conversationId);
        return conv ? routeInTx(deps, tx, out, conv, rs) : undefined;
      }, conversationId);
    } catch (err) {
      if (err instanceof AppError && err.code === 'ALREADY_ASSIGNED') return undefined;
      if (attempt === 2) throw err;
    }
  }
  return undefined;
}

/** An agent came online or finished a chat: offer them the oldest waiting conversations they match. */
export async function routeToAgent(deps: Deps, agentId: string): Promise<void> {
  const rs = await routingSettings(deps);
  if (rs.mode !== 'auto') return;
  const agents = await routableAgents(deps.store.db, false);
  const me = agents.find((a) => a.id === agentId);
  if (!me || me.status !== 'online') return;
  const waiting = await deps.store.db
    .selectFrom('conversations')
    .select(['id', 'skill', 'language', 'provider_id'])
    .where('status', '=', 'offloaded')
    .orderBy('queued_at')
    .limit(200)
    .execute();
  let free = me.maxConcurrent - me.activeChats;
  for (const w of waiting) {
    if (free <= 0) return;
    if (!isDesk(rs.providers, w.provider_id) || !speaksAndKnows(me, w)) continue;
    if ((await routeConversation(deps, w.id)) === agentId) free--;
  }
}

/** Overflow timer: still waiting after the configured time → the fallback skill. */
export async function overflow(deps: Deps, timer: TimerRow): Promise<void> {
  const rs = await routingSettings(deps);
  if (!rs.overflowSkill) return;
  const moved = await commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, timer.conversation_id);
    if (conv.status !== 'offloaded' || conv.skill === rs.overflowSkill) return false;
    await updateConversation(tx, conv.id, { skill: rs.overflowSkill }, deps.clock.now());
    await systemLine(deps, tx, out, conv.id, {
      event: 'conversation.overflowed',
      text: `Nobody with skill ${conv.skill ?? 'general'} took the conversation: moved to ${rs.overflowSkill}`,
      visibleToUser: false,
      data: { from: conv.skill, to: rs.overflowSkill },
    });
    await announceConversation(tx, out, conv.id);
    announceQueue(out, conv.skill);
    return true;
  }, timer.conversation_id);
  if (moved) await routeConversation(deps, timer.conversation_id);
}

export function createRouting(getDeps: () => Deps) {
  const log = (err: unknown) => getDeps().log.error({ err }, 'routing failed');
  return {
    route(conversationId: string) {
      void routeConversation(getDeps(), conversationId).catch(log);
    },
    agentAvailable(agentId: string) {
      void routeToAgent(getDeps(), agentId).catch(log);
    },
  };
}

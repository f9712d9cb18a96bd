// Giving a waiting conversation to an agent: one conditional write, so under any number of
// concurrent accepts (or auto-assignments on several instances) exactly one agent wins.
import type { ConversationEvent } from '../domain/conversation-machine.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ConversationRow } from '../store/schema.js';
import { fromJson } from '../store/json.js';
import { recordHandler } from '../store/agents.js';
import { clearTimer } from '../store/timers.js';
import type { Tx } from '../store/write-queue.js';
import type { AfterCommit } from './after-commit.js';
import { handledBy } from './agent-access.js';
import { announceQueue, announceRow } from './conversation-events.js';
import { applyTransition } from './transition.js';

export async function claimForAgent(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  conv: ConversationRow,
  agent: { id: string; name: string },
  event: Extract<ConversationEvent, 'agent.accept' | 'agent.transfer.agent'>,
  how: 'accept' | 'auto' | 'transfer' | 'takeover' | 'provider',
): Promise<ConversationRow> {
  const now = deps.clock.now();
  const fromStatus = conv.status;
  const requestedAt = fromJson<{ requestedAt?: number } | null>(conv.handover, null)?.requestedAt ?? conv.queued_at ?? now;
  const waitSeconds = fromStatus === 'offloaded' ? Math.max(0, Math.round((now - requestedAt) / 1000)) : null;
  // the agents who handled it may read it later (agent-access.ts): on the row and in the indexed table
  const before = handledBy(conv);
  const handled = before.includes(agent.id) ? undefined : JSON.stringify([...before, agent.id]);
  // conditional on the status and owner this command saw: of concurrent claims, exactly one updates the row
  const claim = await applyTransition(deps, tx, out, conv, event, {
    patch: { assignee_id: agent.id, assignee_name: agent.name, assigned_at: now, handled_by: handled },
    line: (t) => ({
      text: t.name === 'conversation.transferred' ? `${agent.name} took over the conversation` : `${agent.name} joined the conversation`,
      visibleToUser: true,
      agentId: agent.id,
      data: { agentId: agent.id, agentName: agent.name, how, waitSeconds, skill: conv.skill, language: conv.language, from: conv.assignee_id },
    }),
    expectOwner: conv.assignee_id,
    now,
  });
  if (claim.lost || !claim.row) throw new AppError('ALREADY_ASSIGNED');
  await recordHandler(tx, agent.id, conv.id, now);
  if (claim.effects.includes('stop_waiting_timer')) await clearTimer(tx, conv.id);
  if (waitSeconds !== null) out.count(() => deps.metrics.waitSeconds.observe(waitSeconds));
  await announceRow(tx, out, claim.row);
  if (fromStatus === 'offloaded') announceQueue(out, conv.skill);
  return claim.row;
}

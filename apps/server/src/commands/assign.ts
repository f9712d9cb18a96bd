// Giving a waiting conversation to an agent: one conditional UPDATE, so under any number of
// concurrent accepts (or auto-assignments on several instances) exactly one agent wins.
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ConversationRow } from '../store/schema.js';
import { fromJson } from '../store/json.js';
import { hot } from '../store/hot.js';
import { clearTimer } from '../store/timers.js';
import type { Tx } from '../store/write-queue.js';
import type { AfterCommit } from './after-commit.js';
import { announceConversation, announceQueue, systemLine } from './conversation-events.js';

export async function claimForAgent(
  deps: Deps,
  tx: Tx,
  out: AfterCommit,
  conv: ConversationRow,
  agent: { id: string; name: string },
  how: 'accept' | 'auto' | 'transfer' | 'takeover' | 'provider',
): Promise<void> {
  const now = deps.clock.now();
  const fromStatus = conv.status;
  // conditional on the state this command saw: of concurrent claims, exactly one updates the row
  const r = await hot(
    tx,
    "update conversations set status = 'agent', assignee_id = ?, assignee_name = ?, assigned_at = ?, updated_at = ? where id = ? and status = ? and " +
      (conv.assignee_id === null ? 'assignee_id is null' : 'assignee_id = ?'),
    [agent.id, agent.name, now, now, conv.id, fromStatus, ...(conv.assignee_id === null ? [] : [conv.assignee_id])],
  );
  if (Number(r.numAffectedRows ?? 0) !== 1) throw new AppError('ALREADY_ASSIGNED');
  await clearTimer(tx, conv.id);
  const requestedAt = fromJson<{ requestedAt?: number } | null>(conv.handover, null)?.requestedAt ?? conv.queued_at ?? now;
  const waitSeconds = fromStatus === 'offloaded' ? Math.max(0, Math.round((now - requestedAt) / 1000)) : null;
  if (waitSeconds !== null) deps.metrics.waitSeconds.observe(waitSeconds);
  const transferred = fromStatus === 'agent';
  await systemLine(deps, tx, out, conv.id, {
    event: transferred ? 'conversation.transferred' : 'conversation.assigned',
    text: transferred ? `${agent.name} took over the conversation` : `${agent.name} joined the conversation`,
    visibleToUser: true,
    agentId: agent.id,
    data: { agentId: agent.id, agentName: agent.name, how, waitSeconds, skill: conv.skill, language: conv.language, from: conv.assignee_id },
  });
  await announceConversation(tx, out, conv.id);
  if (fromStatus === 'offloaded') announceQueue(out, conv.skill);
}

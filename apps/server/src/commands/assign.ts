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
import { handledBy } from './agent-access.js';
import { announceQueue, announceRow, systemLine } from './conversation-events.js';

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
  const requestedAt = fromJson<{ requestedAt?: number } | null>(conv.handover, null)?.requestedAt ?? conv.queued_at ?? now;
  const waitSeconds = fromStatus === 'offloaded' ? Math.max(0, Math.round((now - requestedAt) / 1000)) : null;
  const transferred = fromStatus === 'agent';
  // the line first, so the claimed row below already counts it (its view is announced as is); a
  // refused claim rolls the line back with the transaction
  await systemLine(deps, tx, out, conv.id, {
    event: transferred ? 'conversation.transferred' : 'conversation.assigned',
    text: transferred ? `${agent.name} took over the conversation` : `${agent.name} joined the conversation`,
    visibleToUser: true,
    agentId: agent.id,
    data: { agentId: agent.id, agentName: agent.name, how, waitSeconds, skill: conv.skill, language: conv.language, from: conv.assignee_id },
  });
  // the agents who handled it may read it later (agent-access.ts): on the row and in the indexed table
  const before = handledBy(conv);
  const handled = before.includes(agent.id) ? null : JSON.stringify([...before, agent.id]);
  // conditional on the state this command saw: of concurrent claims, exactly one updates the row
  const [claimed] = (
    await hot<ConversationRow>(
      tx,
      "update conversations set status = 'agent', assignee_id = ?, assignee_name = ?, assigned_at = ?, updated_at = ?, handled_by = coalesce(?, handled_by) where id = ? and status = ? and " +
        (conv.assignee_id === null ? 'assignee_id is null' : 'assignee_id = ?') +
        ' returning *',
      [agent.id, agent.name, now, now, handled, conv.id, fromStatus, ...(conv.assignee_id === null ? [] : [conv.assignee_id])],
    )
  ).rows;
  if (!claimed) throw new AppError('ALREADY_ASSIGNED');
  await hot(tx, 'insert into conversation_agents (agent_id, conversation_id, handled_at) values (?, ?, ?) on conflict (agent_id, conversation_id) do update set handled_at = excluded.handled_at', [agent.id, conv.id, now]);
  await clearTimer(tx, conv.id);
  if (waitSeconds !== null) out.count(() => deps.metrics.waitSeconds.observe(waitSeconds));
  await announceRow(tx, out, claimed);
  if (fromStatus === 'offloaded') announceQueue(out, conv.skill);
}

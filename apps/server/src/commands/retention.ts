// One batch of a retention pass (domain/retention.ts): close idle conversations through the state
// machine, or anonymize or delete closed ones. Each batch is short transactions and picks its
// conversations through an index by what is left to do, so a run stopped anywhere resumes where it
// stopped and never does a conversation twice (workers/retention.ts runs the batches).
import type { Deps } from '../deps.js';
import type { RetentionPass } from '../domain/retention.js';
import type { RetentionAction } from '../metrics.js';
import { lockConversation } from '../store/conversations.js';
import { foldedUntil } from '../store/analytics.js';
import { anonymizeConversations, deleteConversations, deleteOrphanContacts, pickIdle, pickToAnonymize, pickToDelete } from '../store/retention.js';
import { commit } from './after-commit.js';
import { announceConversation } from './conversation-events.js';
import { cancelHandover } from './request-handover.js';
import { applyTransition } from './transition.js';

type ClosePass = Extract<RetentionPass, { action: 'close' }>;

export interface BatchResult {
  /** conversations the batch picked */
  picked: number;
  /** of those, the ones it changed (a conversation that came back to life meanwhile is left alone) */
  done: number;
}

/** Closes one idle conversation through the machine: the user sees the line, the widget the status. */
export async function closeIdleConversation(deps: Deps, conversationId: string, pass: ClosePass): Promise<boolean> {
  return commit(deps, async (tx, out) => {
    const conv = await lockConversation(tx, conversationId);
    // gone, moved on, or active again since it was picked: nothing to do
    if (!conv || conv.status !== pass.from || conv.updated_at >= pass.before) return false;
    const now = deps.clock.now();
    const idle = 'hours' in pass.after ? `${pass.after.hours} hours` : `${pass.after.days} days`;
    const { effects } = await applyTransition(deps, tx, out, conv, 'idle.close', {
      patch: { closed_at: now, queued_at: null },
      line: { text: `The conversation was closed after ${idle} without activity`, visibleToUser: true, data: pass.after },
      now,
    });
    if (effects.includes('cancel_handover')) await cancelHandover(deps, tx, out, conv, 'idle');
    if (conv.status === 'agent' && conv.assignee_id) out.agentsFreed.add(conv.assignee_id);
    await announceConversation(tx, out, conversationId);
    out.count(() => deps.metrics.retentionConversations.inc({ action: 'closed' satisfies RetentionAction }));
    return true;
  }, conversationId);
}

export async function retentionBatch(deps: Deps, pass: RetentionPass, limit: number): Promise<BatchResult> {
  if (pass.action === 'close') {
    const ids = await pickIdle(deps.store.reads, pass.from, pass.before, limit);
    // one job per conversation in its own lane: the write queue commits those of a tick together
    const closed = await Promise.all(
      ids.map((id) =>
        closeIdleConversation(deps, id, pass).catch((err) => {
          deps.log.error({ err, conversationId: id }, 'retention could not close an idle conversation');
          return false;
        }),
      ),
    );
    return { picked: ids.length, done: closed.filter(Boolean).length };
  }
  const now = deps.clock.now();
  const done = await deps.store.write.run(async (tx) => {
    // a conversation is deleted with its events only once the analytics fold has counted them (the
    // rollup keeps the figures after the rows are gone); the fold catches up within minutes
    const picked = pass.action === 'anonymize' ? await pickToAnonymize(tx, pass.before, limit) : await pickToDelete(tx, Math.min(pass.before, await foldedUntil(tx)), limit);
    const ids = picked.map((p) => p.id);
    if (pass.action === 'anonymize') await anonymizeConversations(tx, ids, now);
    else await deleteConversations(tx, ids);
    // a contact left without conversations is personal data kept for nothing
    await deleteOrphanContacts(tx, picked.map((p) => p.end_user_id));
    return ids.length;
  });
  if (done) deps.metrics.retentionConversations.inc({ action: pass.action === 'anonymize' ? 'anonymized' : 'deleted' }, done);
  return { picked: done, done };
}

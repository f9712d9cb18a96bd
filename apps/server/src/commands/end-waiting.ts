// The user stops waiting (cancel), the waiting timer fires, or the provider refuses: back to the
// bot, which runs the system dialog the transition names.
import { dialogOf } from '../domain/conversation-machine.js';
import { systemDialogOverrides } from '../domain/offloading-settings.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { findConversation } from '../store/conversations.js';
import { commit } from './after-commit.js';
import { readBotState, writeBotState } from './bot-state.js';
import { announceConversation, lockOrThrow } from './conversation-events.js';
import { cancelHandover } from './request-handover.js';
import { applyTransition, mustTransition } from './transition.js';

const WHY = {
  'wait.cancel': { reason: 'cancelled', text: 'The user stopped waiting for an agent' },
  'wait.timeout': { reason: 'timeout', text: 'Nobody accepted the conversation in time' },
  'provider.refuse': { reason: 'refused', text: 'The offloading provider refused the handover' },
} as const;

export async function endWaiting(
  deps: Deps,
  conversationId: string,
  why: keyof typeof WHY,
  opts: { detail?: string; ifStatus?: 'offloaded' } = {},
): Promise<{ changed: boolean }> {
  const w = WHY[why];
  const current = await findConversation(deps.store.db, conversationId);
  if (!current) throw new AppError('CONVERSATION_NOT_FOUND');
  // loaded before the transaction: inside it, SQLite's only connection belongs to the job
  const bot = await deps.bots.get(current.bot_id);
  const overrides = systemDialogOverrides(await deps.settings.offloading());
  return commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    // a timer that fires after an agent accepted is stale: nothing to do
    if (opts.ifStatus && conv.status !== opts.ifStatus) return { changed: false };
    const { effects } = mustTransition(conv, why);
    const now = deps.clock.now();
    if (effects.includes('cancel_handover')) await cancelHandover(deps, tx, out, conv, w.reason);
    // the refused case falls back to the closed dialog when the bot has no dedicated one
    const named = dialogOf(effects);
    // settings.dialogs may name another dialog for it (the runtime runs that one when the bot has it)
    const has = (d: string) => bot.runtime.hasDialog(d) || Boolean(overrides[d] && bot.runtime.hasDialog(overrides[d]));
    const dialog = named && has(named) ? named : why === 'provider.refuse' && has('offloading_closed') ? 'offloading_closed' : null;
    const state = readBotState(conv.bot_state);
    // after a timeout the user may leave a message for the skill they waited for
    const pendingWhy = why === 'wait.timeout' ? { reason: 'timeout' as const, skill: conv.skill } : null;
    await applyTransition(deps, tx, out, conv, why, {
      // bot_version: a turn the bot computed while the user waited must not apply over this state
      patch: { queued_at: null, bot_seq: conv.last_seq, bot_state: writeBotState({ ...state, pendingDialog: dialog, pendingWhy }), bot_version: conv.bot_version + 1 },
      line: { text: opts.detail ? `${w.text}: ${opts.detail}` : w.text, visibleToUser: false, data: { detail: opts.detail ?? null } },
      now,
    });
    await announceConversation(tx, out, conversationId);
    out.botTurns.add(conversationId);
    return { changed: true };
  }, conversationId);
}

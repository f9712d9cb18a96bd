// What the core keeps around the runtime's opaque state: whether the welcome ran and a dialog the
// core asked for (hand back, cancel, timeout) that the bot has not run yet. Stored in one JSON column
// so the request survives a restart.
import type { FollowupContext } from '../domain/bot/types.js';
import { fromJson, toJson } from '../store/json.js';

export interface BotStateEnvelope {
  runtime: unknown;
  welcomed: boolean;
  pendingDialog?: string | null;
  /** the bot has not understood a message of this conversation before (analytics counts the first apart) */
  missed?: boolean;
  /** why the pending dialog runs, when the user may leave a message there (the wait timed out) */
  pendingWhy?: FollowupContext | null;
}

export function readBotState(text: string | null): BotStateEnvelope {
  const s = fromJson<Partial<BotStateEnvelope> | null>(text, null);
  return { runtime: s?.runtime ?? null, welcomed: s?.welcomed ?? false, pendingDialog: s?.pendingDialog ?? null, ...(s?.missed ? { missed: true } : {}), ...(s?.pendingWhy ? { pendingWhy: s.pendingWhy } : {}) };
}

export function writeBotState(s: BotStateEnvelope): string {
  return toJson(s);
}

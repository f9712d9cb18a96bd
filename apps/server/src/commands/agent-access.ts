// Who may see and act on a conversation. Checked in the commands, never only in a UI.
import { speaksAndKnows } from '../domain/routing.js';
import { AppError } from '../errors.js';
import { fromJson } from '../store/json.js';
import type { AgentRow, ConversationRow } from '../store/schema.js';

export const isSupervisor = (a: AgentRow) => a.role === 'admin' || a.role === 'supervisor';

/** Every agent the conversation was ever assigned to (kept by assign.ts claimForAgent). */
export function handledBy(conv: Pick<ConversationRow, 'handled_by'>): string[] {
  return fromJson<string[]>(conv.handled_by, []);
}

/**
 * Who sees what (docs/security.md): a plain agent reads a conversation routed to them (waiting for their
 * skill and language), theirs, or one they handled before; conversations still with the bot, and
 * others' chats and history, are for supervisors and admins. Synchronous on the row, so the REST
 * reads and the socket's subscribe apply the same rule. Lists apply it in SQL (agent-queries.ts).
 */
export function assertCanView(agent: AgentRow, conv: ConversationRow): void {
  if (isSupervisor(agent)) return;
  if (conv.assignee_id === agent.id) return;
  if (conv.status === 'offloaded' && speaksAndKnows({ skills: fromJson(agent.skills, []), languages: fromJson(agent.languages, []) }, conv)) return;
  if (handledBy(conv).includes(agent.id)) return;
  throw new AppError('FORBIDDEN', 'This conversation is not routed to you');
}

/** Acting on a live chat: its owner only (a supervisor takes over first). */
export function assertOwner(agent: AgentRow, conv: ConversationRow): void {
  if (conv.status !== 'agent') throw new AppError(conv.status === 'closed' ? 'CONVERSATION_CLOSED' : 'NOT_WITH_AGENT');
  if (conv.assignee_id !== agent.id) throw new AppError('NOT_OWNER');
}

/** Owner, or a supervisor managing someone else's chat (transfer, close, hand back). */
export function assertOwnerOrSupervisor(agent: AgentRow, conv: ConversationRow): void {
  if (isSupervisor(agent) && conv.status === 'agent') return;
  assertOwner(agent, conv);
}

/**
 * Tagging (wrap-up): the chat's owner, an agent who handled it (after close too), or a supervisor or
 * admin. Seeing a waiting conversation in one's queue is not enough: it is not theirs yet.
 */
export function assertCanTag(agent: AgentRow, conv: ConversationRow): void {
  if (isSupervisor(agent)) return;
  if (conv.status === 'agent' && conv.assignee_id === agent.id) return;
  if (handledBy(conv).includes(agent.id)) return;
  throw new AppError('FORBIDDEN', 'Only the agent who has or had this conversation, or a supervisor, may tag it');
}

// Pure bookkeeping for what the desk shows: merging transcripts that arrive twice (REST and socket),
// folding socket updates into list rows, ordering the queue, and finding newly queued chats.
import type { AgentConversation, Conversation, Message } from '@baton/proto';

/** Merge messages by id, ordered by seq; a later copy of the same id wins. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return existing;
  const byId = new Map<string, Message>();
  for (const m of existing) byId.set(m.id, m);
  let changed = false;
  for (const m of incoming) {
    if (byId.get(m.id) !== m) changed = true;
    byId.set(m.id, m);
  }
  if (!changed) return existing;
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** A socket `conversation.updated` carries the channel view; keep the agent-only fields we had. */
export function applyUpdate(current: AgentConversation, update: Conversation): AgentConversation {
  if (current.id !== update.id) return current;
  return { ...current, ...update };
}

/** Queue order: longest waiting first (the oldest handover request). */
export function sortQueue(list: AgentConversation[]): AgentConversation[] {
  const key = (c: AgentConversation) => Date.parse(c.handover?.requestedAt ?? c.updatedAt) || 0;
  return [...list].sort((a, b) => key(a) - key(b));
}

/** My chats: the most recently active first. */
export function sortByActivity(list: AgentConversation[]): AgentConversation[] {
  const key = (c: AgentConversation) => Date.parse(c.lastMessage?.createdAt ?? c.updatedAt) || 0;
  return [...list].sort((a, b) => key(b) - key(a));
}

/** Ids in `next` that were not in `previous`: the chats worth a notification. */
export function newIds(previous: readonly { id: string }[], next: readonly { id: string }[]): string[] {
  const seen = new Set(previous.map((c) => c.id));
  return next.filter((c) => !seen.has(c.id)).map((c) => c.id);
}

/** j/k navigation: the id `step` rows away from `current`, clamped to the list; first row when none is open. */
export function stepSelection(ids: readonly string[], current: string | undefined, step: 1 | -1): string | undefined {
  if (ids.length === 0) return undefined;
  const i = current ? ids.indexOf(current) : -1;
  if (i === -1) return step === 1 ? ids[0] : ids[ids.length - 1];
  return ids[Math.max(0, Math.min(ids.length - 1, i + step))];
}

/** The name to show for the end user of a conversation. */
export function userLabel(c: Pick<AgentConversation, 'user' | 'id'>): string {
  return c.user?.name || c.user?.email || `Visitor ${c.id.slice(-4).toUpperCase()}`;
}

/** One line of preview for a list row; notes and events read differently from spoken turns. */
export function previewOf(m: Message | null | undefined): string {
  if (!m) return '';
  if (m.event) return `• ${m.text ?? m.event}`;
  const who = m.author.type === 'user' ? '' : m.author.type === 'bot' ? 'Bot: ' : m.internal ? 'Note: ' : 'You: ';
  const body = m.text || (m.cards?.length ? `[${m.cards.length} card${m.cards.length > 1 ? 's' : ''}]` : m.buttons?.length ? `[${m.buttons.map((b) => b.title).join(' | ')}]` : m.postback ?? '');
  return who + body;
}

/** Whether I may write to the user: I own the live chat. */
export function isMine(c: Pick<AgentConversation, 'status' | 'assignee'>, agentId: string): boolean {
  return c.status === 'agent' && c.assignee?.id === agentId;
}

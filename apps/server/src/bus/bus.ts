// Typed domain events, published after commit. memory.ts serves one instance; redis.ts carries the
// same events across instances. Subscribers never see an event of a rolled-back transaction.
import type { AgentStatus, Author, Conversation, ConversationStatus, FollowupStatus, Message } from '@baton/proto';

export type BusEvent =
  /** clientMessageId: the idempotency key the user sent it with (the sending socket is acked instead) */
  | { type: 'message.created'; conversationId: string; message: Message; clientMessageId?: string; updated?: boolean }
  | { type: 'conversation.updated'; conversationId: string; conversation: Conversation }
  | { type: 'typing'; conversationId: string; author: Author; on: boolean }
  | { type: 'queue.updated'; conversationId: string; status: ConversationStatus; skill?: string | null; language?: string }
  | { type: 'agent.status'; agentId: string; status: AgentStatus }
  /** a follow-up was left, assigned, answered or done: the desks read their badge again */
  | { type: 'followups.updated'; followupId: string; status: FollowupStatus }
  | { type: 'settings.changed'; key: string }
  | { type: 'bot.changed'; botId: string }
  | { type: 'work.available'; kind: 'outbox' | 'timers' | 'bot'; conversationId?: string }
  /**
   * An agent's sessions ended (tokenHash: only that one, on logout) or its role changed: every
   * instance closes the agent's sockets at once (ws/agent-socket.ts)
   */
  | { type: 'session.revoked'; agentId: string; tokenHash?: string; reason: 'logout' | 'deleted' | 'role' | 'password' };

export type BusHandler = (event: BusEvent) => void;

export interface Bus {
  publish(event: BusEvent): void;
  subscribe(handler: BusHandler): () => void;
  close(): Promise<void>;
}

// The only code that shapes conversations and messages for the outside.
import type { AgentConversation, Button, Card, Conversation, Handover, HandoverTrigger, Message, TranscriptEvent } from '@baton/proto';
import { fromJson } from '../store/json.js';
import { presentAttachment, type CarriedAttachment } from './attachment.js';
import type { ConversationRow, MessageRow } from '../store/schema.js';
import type { QueueInfo } from '../store/types.js';

/**
 * The rows a commit writes share one timestamp and the presenter is on the relay's hot path: the last
 * one formatted is remembered. One entry of a pure function, so app instances sharing this module
 * cannot see each other's state through it.
 */
const iso = ((): ((ms: number) => string) => {
  let lastMs = Number.NaN;
  let lastIso = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  };
})();

export type { QueueInfo } from '../store/types.js';

export function presentConversation(
  row: ConversationRow,
  extra: { queue?: QueueInfo } = {},
): Conversation {
  const waiting = row.status === 'offloaded';
  return {
    id: row.id,
    status: row.status as Conversation['status'],
    language: row.language,
    botId: row.bot_id,
    skill: row.skill,
    queuePosition: waiting ? (extra.queue?.position ?? null) : null,
    estimatedWaitSeconds: waiting ? (extra.queue?.estimatedWaitSeconds ?? null) : null,
    ...(waiting && extra.queue?.agentsAvailable !== undefined ? { agentsAvailable: extra.queue.agentsAvailable } : {}),
    assignee: row.assignee_id ? { id: row.assignee_id, name: row.assignee_name ?? 'Agent' } : null,
    lastSeq: row.last_seq,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

interface StoredHandover {
  reason: string;
  trigger?: HandoverTrigger;
  dialog?: string | null;
  providerId: string;
  requestedAt: number;
  note?: string | null;
}

export function presentHandover(row: ConversationRow, now: number): Handover | null {
  const h = fromJson<StoredHandover | null>(row.handover, null);
  if (!h) return null;
  const end = row.assigned_at ?? (row.status === 'offloaded' ? now : (row.updated_at ?? now));
  return {
    reason: h.reason,
    trigger: h.trigger,
    dialog: h.dialog ?? null,
    providerId: h.providerId,
    requestedAt: iso(h.requestedAt),
    waitingSeconds: Math.max(0, Math.round((end - h.requestedAt) / 1000)),
    note: h.note ?? null,
  };
}

export function presentAgentConversation(
  row: ConversationRow,
  extra: {
    queue?: QueueInfo;
    user?: AgentConversation['user'];
    lastMessage?: MessageRow | null;
    now: number;
  },
): AgentConversation {
  return {
    ...presentConversation(row, extra),
    tags: fromJson<string[]>(row.tags, []),
    variables: fromJson(row.variables, {}),
    handover: presentHandover(row, extra.now),
    user: extra.user ?? { id: null, name: null, email: null, verified: false },
    lastMessage: extra.lastMessage ? presentMessage(extra.lastMessage) : null,
    providerId: row.provider_id,
  };
}

export function presentMessage(row: MessageRow): Message {
  const body = fromJson<{ buttons?: Button[]; cards?: Card[]; postback?: string; attachments?: CarriedAttachment[] }>(row.body, {});
  const author: Message['author'] = { type: row.author_type as Message['author']['type'] };
  if (row.author_id) author.id = row.author_id;
  if (row.author_name) author.name = row.author_name;
  const m: Message = { id: row.id, conversationId: row.conversation_id, seq: row.seq, author, createdAt: iso(row.created_at) };
  if (row.text !== null) m.text = row.text;
  if (body.buttons) m.buttons = body.buttons;
  if (body.cards) m.cards = body.cards;
  if (body.postback) m.postback = body.postback;
  if (body.attachments?.length) m.attachments = body.attachments.map(presentAttachment);
  // only systemLine writes the column, with a TranscriptEvent
  if (row.event) m.event = row.event as TranscriptEvent;
  if (row.internal) m.internal = true;
  return m;
}

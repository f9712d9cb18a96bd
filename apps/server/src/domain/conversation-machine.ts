// The conversation state machine as one table. Commands change a status only through it
// (commands/transition.ts writes `to` and records `name`); owner checks (who may act) live in the commands.
import type { ConversationStatus, TranscriptEvent } from '@baton/proto';
import type { ErrorCode } from '../errors.js';

export const CONVERSATION_EVENTS = [
  'offload.disabled',
  'offload.closed',
  /** open, but nobody eligible is online and routing.closeWhenNoAgents is on */
  'offload.no_agent',
  'offload.open',
  'user.message',
  'bot.message',
  'agent.accept',
  'wait.cancel',
  'wait.timeout',
  'provider.refuse',
  'agent.message',
  'agent.handback',
  'agent.close',
  'agent.transfer.agent',
  'agent.transfer.skill',
  'user.end',
  /** retention: idle past the configured hours or days (commands/retention.ts) */
  'idle.close',
  /** an agent answers a follow-up the user left: a message in any status, which it does not change */
  'followup.reply',
] as const;
export type ConversationEvent = (typeof CONVERSATION_EVENTS)[number];
export const STATUSES: readonly ConversationStatus[] = ['bot', 'offloaded', 'agent', 'closed'];

/** Where every conversation starts: with the bot. */
export const INITIAL_STATUS: ConversationStatus = 'bot';

/** Effects the command (or, for the offload dialogs, the bot runtime) carries out with the transition. */
export type Effect =
  | 'run_dialog:offloading_disabled'
  | 'run_dialog:offloading_closed'
  | 'run_dialog:offloading_no_agent'
  | 'run_dialog:offloading_opened'
  | 'run_dialog:offloading_cancelled'
  | 'run_dialog:offloading_timeout'
  | 'run_dialog:offloading_refused'
  | 'request_handover'
  | 'start_waiting_timer'
  | 'stop_waiting_timer'
  /** leaves the queue: the waiting timer is stopped and the provider told */
  | 'cancel_handover'
  | 'bot_answers'
  | 'deliver_to_agent'
  | 'requeue'
  | 'resume_bot'
  | 'reopen';

/** The system dialog a `run_dialog:*` effect names, if any. */
export function dialogOf(effects: readonly Effect[]): string | undefined {
  for (const e of effects) if (e.startsWith('run_dialog:')) return e.slice('run_dialog:'.length);
  return undefined;
}

export interface Allowed {
  to: ConversationStatus;
  effects: readonly Effect[];
  /** the stable transcript/analytics event name of the transition */
  name: TranscriptEvent;
}

export type Transition = ({ ok: true } & Allowed) | { ok: false; code: ErrorCode };

type Row = Partial<Record<ConversationEvent, Allowed>>;

const TABLE: Record<ConversationStatus, Row> = {
  bot: {
    'offload.disabled': { to: 'bot', effects: ['run_dialog:offloading_disabled'], name: 'offload.disabled' },
    'offload.closed': { to: 'bot', effects: ['run_dialog:offloading_closed'], name: 'offload.closed' },
    'offload.no_agent': { to: 'bot', effects: ['run_dialog:offloading_no_agent'], name: 'offload.no_agent' },
    'offload.open': {
      to: 'offloaded',
      effects: ['run_dialog:offloading_opened', 'request_handover', 'start_waiting_timer'],
      name: 'conversation.offloaded',
    },
    'user.message': { to: 'bot', effects: ['bot_answers'], name: 'message.user' },
    'bot.message': { to: 'bot', effects: [], name: 'message.bot' },
    'user.end': { to: 'closed', effects: [], name: 'conversation.ended' },
    'idle.close': { to: 'closed', effects: [], name: 'conversation.idle_closed' },
    'followup.reply': { to: 'bot', effects: [], name: 'message.agent' },
  },
  offloaded: {
    'user.message': { to: 'offloaded', effects: ['bot_answers', 'deliver_to_agent'], name: 'message.user' },
    'bot.message': { to: 'offloaded', effects: ['deliver_to_agent'], name: 'message.bot' },
    // reaching the offload plugin again while waiting: no second request
    'offload.open': { to: 'offloaded', effects: ['run_dialog:offloading_opened'], name: 'offload.already_waiting' },
    'offload.disabled': { to: 'offloaded', effects: ['run_dialog:offloading_opened'], name: 'offload.already_waiting' },
    'offload.closed': { to: 'offloaded', effects: ['run_dialog:offloading_opened'], name: 'offload.already_waiting' },
    'offload.no_agent': { to: 'offloaded', effects: ['run_dialog:offloading_opened'], name: 'offload.already_waiting' },
    'agent.accept': { to: 'agent', effects: ['stop_waiting_timer'], name: 'conversation.assigned' },
    'agent.transfer.agent': { to: 'agent', effects: ['stop_waiting_timer'], name: 'conversation.assigned' },
    'agent.transfer.skill': { to: 'offloaded', effects: ['requeue'], name: 'conversation.transferred' },
    'wait.cancel': { to: 'bot', effects: ['cancel_handover', 'run_dialog:offloading_cancelled'], name: 'conversation.cancelled' },
    'wait.timeout': { to: 'bot', effects: ['cancel_handover', 'run_dialog:offloading_timeout'], name: 'conversation.timed_out' },
    'provider.refuse': { to: 'bot', effects: ['cancel_handover', 'run_dialog:offloading_refused'], name: 'conversation.refused' },
    // the provider hears `conversation.closed` from the close command, not a cancelled handover
    'agent.close': { to: 'closed', effects: ['stop_waiting_timer'], name: 'conversation.closed' },
    'user.end': { to: 'closed', effects: ['cancel_handover'], name: 'conversation.ended' },
    'idle.close': { to: 'closed', effects: ['cancel_handover'], name: 'conversation.idle_closed' },
    'followup.reply': { to: 'offloaded', effects: ['deliver_to_agent'], name: 'message.agent' },
  },
  agent: {
    'user.message': { to: 'agent', effects: ['deliver_to_agent'], name: 'message.user' },
    'agent.message': { to: 'agent', effects: [], name: 'message.agent' },
    'agent.accept': { to: 'agent', effects: [], name: 'conversation.assigned' },
    'agent.handback': { to: 'bot', effects: ['resume_bot'], name: 'conversation.handed_back' },
    'agent.close': { to: 'closed', effects: [], name: 'conversation.closed' },
    'agent.transfer.agent': { to: 'agent', effects: [], name: 'conversation.transferred' },
    'agent.transfer.skill': { to: 'offloaded', effects: ['requeue'], name: 'conversation.transferred' },
    'user.end': { to: 'closed', effects: ['cancel_handover'], name: 'conversation.ended' },
    'idle.close': { to: 'closed', effects: ['cancel_handover'], name: 'conversation.idle_closed' },
    'followup.reply': { to: 'agent', effects: ['deliver_to_agent'], name: 'message.agent' },
  },
  closed: {
    'user.message': { to: 'bot', effects: ['reopen', 'bot_answers'], name: 'conversation.reopened' },
    'followup.reply': { to: 'closed', effects: [], name: 'message.agent' },
  },
};

/** Why an event is refused in a status: the most useful stable code for a client. */
function refusal(from: ConversationStatus, event: ConversationEvent): ErrorCode {
  if (from === 'closed') return 'CONVERSATION_CLOSED';
  if (event === 'bot.message' || event.startsWith('offload.')) return from === 'agent' ? 'BOT_SILENCED' : 'INVALID_TRANSITION';
  if (event === 'agent.accept' || event === 'wait.cancel' || event === 'wait.timeout' || event === 'provider.refuse') {
    return from === 'agent' ? 'ALREADY_ASSIGNED' : 'NOT_WAITING';
  }
  if (event === 'agent.message' || event === 'agent.handback') return 'NOT_WITH_AGENT';
  return 'INVALID_TRANSITION';
}

export function transition(from: ConversationStatus, event: ConversationEvent): Transition {
  const row = TABLE[from][event];
  return row ? { ok: true, ...row } : { ok: false, code: refusal(from, event) };
}

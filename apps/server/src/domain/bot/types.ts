// The seam between the conversation core and the bot: the core hands the runtime a snapshot of the
// conversation and one input, the runtime answers with a BotTurn. No I/O here; the runtime reaches the
// outside world (NLU, webhook plugin) only through the ports in BotPorts.
import type { Button, Card, ConversationStatus, FollowupReason, HandoverTrigger } from '@baton/proto';

export type VariableValue = string | number | boolean | null;
export type VariableMap = Record<string, VariableValue>;

/** What the offload plugin finds when it is reached, computed by the caller from settings + clock. */
export type OffloadAvailability = 'disabled' | 'closed' | 'open';

/** Why a handover was asked for (the four situations of the product text, plus others). */
export type OffloadTrigger = HandoverTrigger;

export interface BotContext {
  conversationId: string;
  status: ConversationStatus; // 'bot' or 'offloaded' (the runtime is never called while an agent owns it)
  language: string;
  /** locale given at creation, if any (the runtime may detect the language when absent) */
  localeGiven: boolean;
  variables: VariableMap;
  tags: string[];
  /** opaque JSON owned by the runtime (current dialog, pending question, retries…); null at start */
  state: unknown;
  now: Date;
  offloading: OffloadAvailability;
  /**
   * asked when the offload plugin is reached while offloading is open: true when nobody eligible for
   * the skill is online and the settings treat that as closed (routing.closeWhenNoAgents); absent: never
   */
  noAgentFor?: (skill: string) => Promise<boolean>;
  /**
   * asked after a handover is requested: true when nobody eligible for the skill is online and the user
   * has no other way to learn it (a channel: the widget shows its own banner); the bot then runs
   * `offloading_nobody_online` after the waiting message. Absent: never
   */
  nobodyOnlineFor?: (skill: string) => Promise<boolean>;
  /** settings.dialogs: the dialog to run instead of a system dialog (by the system dialog's name) */
  systemDialogs?: Readonly<Record<string, string>>;
  /** when offloading opens next, in the language (`{{offloading.nextOpen}}` in a closed dialog); absent: not known */
  nextOpening?: (language: string) => string;
}

/** Why the core asked for a dialog, when it is one after which the user may leave a message. */
export interface FollowupContext {
  reason: FollowupReason;
  skill: string | null;
}

/** A follow-up the followup step asks for: the core stores it, tells the providers and the desk. */
export interface FollowupRequest {
  reason: FollowupReason;
  skill: string | null;
  email: string | null;
  question: string;
}

export interface BotInput {
  text?: string;
  postback?: string;
  /** files the user's message carries (a `file` question takes the first) */
  attachments?: Array<{ id: string; name: string; contentType: string; url: string }>;
}

export interface OutgoingBotMessage {
  text?: string;
  buttons?: Button[];
  cards?: Card[];
}

export interface OffloadRequest {
  skill: string;
  tags: string[];
  variables: VariableMap;
  reason: string;
  trigger: OffloadTrigger;
  /** the dialog in which the offload plugin was reached */
  dialog: string;
  providerId?: string;
  note?: string;
}

export interface BotTurn {
  messages: OutgoingBotMessage[];
  state: unknown;
  /** the full variable map after the turn */
  variables: VariableMap;
  /** the full tag list after the turn */
  tags: string[];
  /** set when the runtime detected or switched the language */
  language?: string;
  /** set only when offloading was 'open' and the offload plugin was reached */
  offload?: OffloadRequest;
  /**
   * with `offload`: the index of the first message of the waiting (offloading opened) dialog; those
   * messages are said only if the user really waits (an agent assigned at once makes them untrue)
   */
  waitingFrom?: number;
  /** set when the offload plugin was reached while offloading was disabled or closed, or nobody was online (its dialog ran instead) */
  offloadBlocked?: 'disabled' | 'closed' | 'no_agent';
  /** set when a followup step was reached with a question */
  followup?: FollowupRequest;
  /** set when the user asked to stop waiting for an agent from within the bot (e.g. a "cancel" button) */
  cancelOffload?: boolean;
  /** the first dialog the turn ran (the evaluation and tests read where an input led) */
  dialog?: string;
  /** the bot did not understand the input (no intent, or a question's answer failed): counted in analytics */
  notUnderstood?: boolean;
  /** intent matched, for analytics and the transcript */
  intent?: { name: string; score: number } | null;
}

export interface BotRuntime {
  readonly botId: string;
  /** a new conversation: run the welcome dialog */
  welcome(ctx: BotContext): Promise<BotTurn>;
  /** one user input */
  respond(ctx: BotContext, input: BotInput): Promise<BotTurn>;
  /** run a named dialog (hand back to a dialog, waiting cancelled / timed out, system dialogs) */
  runDialog(ctx: BotContext, dialog: string, why?: FollowupContext): Promise<BotTurn>;
  /** does the bot have this dialog? (hand back validates its target) */
  hasDialog(dialog: string): boolean;
}

// Table types for Kysely. Timestamps are integer milliseconds since the epoch and JSON is stored as
// text, so one schema runs unchanged on SQLite and PostgreSQL.
import type { SignatureScheme } from '@baton/proto';
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface ConversationsTable {
  id: string;
  bot_id: string;
  channel_id: string | null;
  status: string;
  language: string;
  locale_given: number;
  skill: string | null;
  provider_id: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  end_user_id: string | null;
  token_hash: string;
  tags: string;
  variables: string;
  bot_state: string | null;
  /** optimistic version of bot_state: a bot turn computed on a stale snapshot is recomputed */
  bot_version: number;
  /** seq of the last user message the bot has processed (restart recovery) */
  bot_seq: number;
  handover: string | null;
  last_seq: number;
  queued_at: number | null;
  assigned_at: number | null;
  created_at: number;
  updated_at: number;
  closed_at: number | null;
  /** JSON array of every agent ever assigned (migration 009; the same set as conversation_agents) */
  handled_by: string | null;
  /** when retention anonymized it (migration 015): texts, contact and variables are gone */
  anonymized_at: Generated<number | null>;
  /** the user's latest message on a typed channel: WhatsApp's 24-hour window starts there (migration 021) */
  channel_inbound_at: Generated<number | null>;
  /** when it last entered History: it closed, or an agent's episode ended (migration 017; a reopen keeps it) */
  history_at: Generated<number | null>;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  author_type: string;
  author_id: string | null;
  author_name: string | null;
  text: string | null;
  body: string | null;
  event: string | null;
  internal: number;
  idempotency_key: string | null;
  created_at: number;
}

export interface EndUsersTable {
  id: string;
  external_id: string | null;
  name: string | null;
  email: string | null;
  created_at: number;
  /** `web:<id>` (userHash checked) or `channel:<channel>:<user>` (signed inbound); null: an unverified claim */
  verified_id: string | null;
  /** 1: name or e-mail came from what the user told the bot (migration 018), not from the site or a signed channel */
  given_by_user: Generated<number>;
}

export interface AgentsTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: string;
  skills: string;
  languages: string;
  max_concurrent: number;
  status: string;
  last_seen_at: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
  /** live chats (status agent) this agent owns, kept by triggers on conversations (migration 006) */
  active_chats: Generated<number>;
  /** the latest assignment's time (round-robin tie-break), kept by the same triggers */
  last_assigned_at: Generated<number>;
}

export interface SessionsTable {
  token_hash: string;
  agent_id: string;
  created_at: number;
  expires_at: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface BotsTable {
  id: string;
  name: string;
  source: string;
  format: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface ConversationEventsTable {
  id: string;
  conversation_id: string;
  type: string;
  agent_id: string | null;
  data: string | null;
  created_at: number;
}

/**
 * Analytics counters per hour and UTC day (migration 014); domain/analytics.ts names the metrics. The
 * month rows of 016 are no longer read or written (migration 023).
 */
export interface AnalyticsRollupTable {
  span: 'hour' | 'day' | 'month';
  bucket_start: number;
  metric: string;
  label: string;
  bin: number;
  total: number;
}

/** Every counter summed from the first folded day through the day ending at `day_end` (migration 023). */
export interface AnalyticsCumulativeTable {
  day_end: number;
  metric: string;
  label: string;
  bin: number;
  total: number;
}

/** The CSV export's rows of one folded UTC day, in the export's order (`seq`; migration 023). */
export interface AnalyticsDailyTable {
  day: number;
  seq: number;
  metric: string;
  key: string;
  count: number;
  p50: number | null;
  p90: number | null;
  average: number | null;
}

/**
 * The analytics fold's watermarks: 'rollup', every hour before `folded_until` is in analytics_rollup;
 * 'series', every day before it is in analytics_cumulative and analytics_daily.
 */
export interface AnalyticsFoldTable {
  name: string;
  folded_until: number;
  updated_at: number;
}

export interface OutboxTable {
  id: string;
  delivery_id: string;
  provider_id: string;
  event: string;
  conversation_id: string | null;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface TimersTable {
  id: string;
  conversation_id: string;
  kind: string;
  due_at: number;
  payload: string | null;
  lease_until: number | null;
  created_at: number;
}

export interface InboundEventsTable {
  id: string;
  provider_id: string;
  received_at: number;
}

export interface ProviderStateTable {
  conversation_id: string;
  provider_id: string;
  data: string;
  /** the provider's own id for this conversation, when it has one to look up by */
  external_id: string | null;
  updated_at: number;
}

export interface ChannelsTable {
  id: string;
  name: string;
  url: string;
  /** encrypted with BATON_SECRET_KEY */
  secret: string;
  /** encrypted; accepted next to `secret` during a rotation */
  previous_secret: string | null;
  /** how deliveries are signed: 'baton' or 'standard-webhooks' (migration 011) */
  signature_scheme: Generated<SignatureScheme>;
  /** 'webhook' or a messaging service (migration 021) */
  type: Generated<string>;
  /** a typed channel's settings as JSON, secret fields encrypted with BATON_SECRET_KEY (null for `webhook`) */
  config: string | null;
  bot_id: string | null;
  enabled: number;
  created_at: number;
  updated_at: number;
}

/** What a channel's service reported for a message Baton sent on it (migration 021). */
export interface ChannelMessageStatusTable {
  message_id: string;
  channel_id: string;
  conversation_id: string;
  /** the service's id for the sent message (WhatsApp's wamid, Telegram's message_id) */
  external_id: string | null;
  /** pending | sent | delivered | read | failed */
  status: string;
  error: string | null;
  updated_at: number;
}

/** A mail of an e-mail thread (the user's or Baton's) and the conversation of that thread (migration 022). */
export interface EmailThreadsTable {
  channel_id: string;
  /** the Message-ID without its angle brackets */
  mail_id: string;
  conversation_id: string;
  subject: string | null;
  created_at: number;
}

/** A claimed one-time token of a signed webhook (Mailgun's), until its signature could no longer be valid (migration 027). */
export interface WebhookTokensTable {
  /** `<channel id>:<token>` */
  key: string;
  expires_at: number;
}

/** Every agent a conversation was ever assigned to: what a plain agent handled (migration 009). */
export interface ConversationAgentsTable {
  agent_id: string;
  conversation_id: string;
  /** when the agent last took it (a plain agent's history is ordered by it) */
  handled_at: number;
}

/** One row per tag of a conversation, kept from `conversations.tags` by triggers (migration 012): `tag=` lists read it. */
export interface ConversationTagsTable {
  conversation_id: string;
  tag: string;
}

export interface CannedResponsesTable {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  created_at: number;
  updated_at: number;
}

/** One instance at a time runs a job shared by all (the retention passes): who holds it, until when (migration 015). */
export interface JobLeasesTable {
  name: string;
  holder: string;
  lease_until: number;
}

/** Admins' erasures, exports and retention changes (migration 015); never personal data. */
export interface AuditLogTable {
  /** time-ordered: the newest-first cursor */
  id: string;
  agent_id: string;
  agent_name: string;
  action: string;
  /** what it was about: `contact:<keyed hash>`, `settings:retention` */
  target: string | null;
  /** JSON: counts and setting values */
  detail: string;
  created_at: number;
}

/** A file sent in a conversation (migration 020); `message_id` is null until a message carries it. */
export interface AttachmentsTable {
  id: string;
  conversation_id: string;
  message_id: string | null;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
  bytes: Uint8Array;
  /** `user`, `agent:<id>`, `bot` or `channel:<id>` */
  uploaded_by: string;
  created_at: number;
}

/** One time an agent handled a conversation, with the user's rating of it (migration 017, commands/episodes.ts). */
export interface ConversationEpisodesTable {
  conversation_id: string;
  /** 1, 2 … in the conversation */
  number: number;
  agent_id: string | null;
  agent_name: string | null;
  trigger: string | null;
  skill: string | null;
  requested_at: number | null;
  accepted_at: number;
  ended_at: number | null;
  /** 'closed' | 'handed_back'; null while open */
  ended_how: string | null;
  /** who ended it: 'agent' | 'user' | 'idle' */
  ended_by: string | null;
  rating_score: number | null;
  rating_comment: string | null;
  rated_at: number | null;
}

/** Agents' notes on a contact (migration 018); `user_id` is the contact's user id as the desk shows it. */
export interface ContactNotesTable {
  /** time-ordered: the newest-first cursor */
  id: string;
  user_id: string;
  author_id: string;
  author_name: string;
  text: string;
  created_at: number;
}

/** A user nobody could take left an e-mail and a question (migration 019). */
export interface FollowupsTable {
  id: string;
  conversation_id: string;
  /** open | done */
  status: string;
  /** closed | timeout | no_agent */
  reason: string;
  email: string | null;
  question: string;
  language: string;
  skill: string;
  assignee_id: string | null;
  assignee_name: string | null;
  created_at: number;
  updated_at: number;
  done_at: number | null;
  done_by: string | null;
}

export interface Database {
  conversations: ConversationsTable;
  messages: MessagesTable;
  end_users: EndUsersTable;
  agents: AgentsTable;
  sessions: SessionsTable;
  settings: SettingsTable;
  bots: BotsTable;
  conversation_events: ConversationEventsTable;
  outbox: OutboxTable;
  timers: TimersTable;
  inbound_events: InboundEventsTable;
  canned_responses: CannedResponsesTable;
  provider_state: ProviderStateTable;
  channels: ChannelsTable;
  channel_message_status: ChannelMessageStatusTable;
  email_threads: EmailThreadsTable;
  webhook_tokens: WebhookTokensTable;
  conversation_agents: ConversationAgentsTable;
  job_leases: JobLeasesTable;
  audit_log: AuditLogTable;
  analytics_rollup: AnalyticsRollupTable;
  analytics_fold: AnalyticsFoldTable;
  analytics_cumulative: AnalyticsCumulativeTable;
  analytics_daily: AnalyticsDailyTable;
  conversation_tags: ConversationTagsTable;
  attachments: AttachmentsTable;
  conversation_episodes: ConversationEpisodesTable;
  contact_notes: ContactNotesTable;
  followups: FollowupsTable;
}

export type ConversationRow = Selectable<ConversationsTable>;
export type NewConversation = Insertable<ConversationsTable>;
export type ConversationUpdate = Updateable<ConversationsTable>;
export type MessageRow = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type AgentRow = Selectable<AgentsTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type TimerRow = Selectable<TimersTable>;
export type BotRow = Selectable<BotsTable>;
export type ChannelRow = Selectable<ChannelsTable>;
export type EndUserRow = Selectable<EndUsersTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type AttachmentRow = Selectable<AttachmentsTable>;
/** an attachment without its bytes: what lists, checks and the headers of a download need */
export type AttachmentMetaRow = Omit<AttachmentRow, 'bytes'>;
export type EpisodeRow = Selectable<ConversationEpisodesTable>;
export type ContactNoteRow = Selectable<ContactNotesTable>;
export type FollowupRow = Selectable<FollowupsTable>;
// Generated is re-exported for tables that later gain defaulted columns
export type { Generated };

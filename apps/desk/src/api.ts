// The desk's only door to the server: every REST call of docs/api.md (agent and admin side), typed.
// Auth rides on the httpOnly session cookie; writes carry X-Requested-With, the server's CSRF guard.
import type {
  Agent,
  AgentConversation,
  AgentConversationDetail,
  AgentLoad,
  AgentRole,
  AgentStatus,
  Analytics,
  BotDetail,
  BotDialogsResponse,
  BotInfo,
  BotProblem,
  Button,
  CannedResponse,
  Card,
  ChannelBody,
  ChannelPatch,
  ChannelStatusesResponse,
  ChannelTestResult,
  ChannelView,
  Colleague,
  ConversationListQuery,
  Delivery,
  DeliveryStatus,
  ErrorBody,
  ErrorCode,
  HandbackTarget,
  Message,
  OffloadingSettings,
  AuditEntry,
  AuditPage,
  ContactErasure,
  RetentionSettings,
  SupervisorOverview,
  Variables,
  Contact,
  ContactNote,
  ContactNoteResponse,
  ContactNotesResponse,
  ContactResponse,
  TagsResponse,
  Followup,
  FollowupCount,
  FollowupList,
  FollowupListQuery,
  FollowupReplyResult,
} from '@baton/proto';

export type {
  Agent,
  AgentConversation,
  AgentConversationDetail,
  AgentLoad,
  AgentRole,
  AgentStatus,
  Analytics,
  BotDetail,
  BotInfo,
  BotProblem,
  Button,
  CannedResponse,
  Card,
  Colleague,
  ChannelBody,
  ChannelPatch,
  ChannelView,
  Delivery,
  DeliveryStatus,
  HandbackTarget,
  Message,
  OffloadingSettings,
  AuditEntry,
  RetentionSettings,
  SupervisorOverview,
  Variables,
  Contact,
  ContactNote,
  Followup,
};

export type ConversationListStatus = 'offloaded' | 'agent' | 'closed';
/** the list query the server parses (proto), with the statuses the desk lists */
export type ConversationQuery = Partial<Omit<ConversationListQuery, 'status'>> & { status: ConversationListStatus };

export interface AgentInput {
  email: string;
  name: string;
  password?: string;
  role: AgentRole;
  skills: string[];
  languages: string[];
  maxConcurrent: number;
}

/** A code of the server's catalog, or the desk's own when no answer came (NETWORK) or it had no code. */
export type ApiErrorCode = ErrorCode | 'NETWORK' | `HTTP_${number}`;

/** A server refusal with its stable code, so screens can switch on `code` rather than on text. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

const BASE = '/api/v1';

/** Called on any 401 so the shell can drop back to the login page. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(fn: (() => void) | undefined) {
  onUnauthorized = fn;
}

interface RequestOptions {
  body?: unknown;
  /** raw text body (bot YAML) with its content type */
  raw?: { text: string; type: string };
  query?: Record<string, string | number | undefined>;
}

/** An API URL with its query (parameters left empty are left out). */
function urlOf(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${BASE}${path}?${s}` : BASE + path;
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Requested-With'] = 'baton-desk';
  let body: string | undefined;
  if (opts.raw) {
    headers['Content-Type'] = opts.raw.type;
    body = opts.raw.text;
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  const url = urlOf(path, opts.query);
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the Baton server. Check your connection.');
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) {
    const err = (json as Partial<ErrorBody> | undefined)?.error;
    if (res.status === 401 && !path.startsWith('/auth/login')) onUnauthorized?.();
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, err?.details);
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  // auth and presence
  login: (email: string, password: string) => request<{ token: string; agent: Agent; expiresAt: string }>('POST', '/auth/login', { body: { email, password } }),
  logout: () => request<{ ok: true }>('POST', '/auth/logout'),
  me: () => request<{ agent: Agent }>('GET', '/agent/me'),
  setStatus: (status: AgentStatus) => request<{ agent: Agent }>('PUT', '/agent/status', { body: { status } }),

  // conversations
  /** a page of a list: pass `nextCursor` back as `cursor` for the next (null: that was the last) */
  conversations: (q: ConversationQuery) =>
    request<{ conversations: AgentConversation[]; nextCursor: string | null }>('GET', '/agent/conversations', { query: { ...q } }),
  conversation: (id: string) => request<AgentConversationDetail>('GET', `/agent/conversations/${enc(id)}`),
  history: (id: string) => request<{ conversations: AgentConversation[]; nextCursor: string | null }>('GET', `/agent/conversations/${enc(id)}/history`),
  accept: (id: string) => request<AgentConversationDetail>('POST', `/agent/conversations/${enc(id)}/accept`),
  send: (id: string, body: { text?: string; buttons?: Button[]; cards?: Card[]; internal?: boolean; attachments?: string[] }) =>
    request<{ message: Message }>('POST', `/agent/conversations/${enc(id)}/messages`, { body }),
  typing: (id: string, on: boolean) => request<{ ok: true }>('POST', `/agent/conversations/${enc(id)}/typing`, { body: { on } }),
  transfer: (id: string, to: { agentId: string } | { skill: string }) => request<{ ok: true }>('POST', `/agent/conversations/${enc(id)}/transfer`, { body: to }),
  handBack: (id: string, body: { dialog?: string; variables?: Variables }) => request<{ ok: true }>('POST', `/agent/conversations/${enc(id)}/handback`, { body }),
  close: (id: string) => request<{ ok: true }>('POST', `/agent/conversations/${enc(id)}/close`),

  // canned responses
  cannedResponses: (cursor?: string) => request<{ cannedResponses: CannedResponse[]; nextCursor: string | null }>('GET', '/agent/canned-responses', { query: { cursor, limit: 500 } }),
  createCanned: (c: Omit<CannedResponse, 'id'>) => request<{ cannedResponse: CannedResponse }>('POST', '/canned-responses', { body: c }),
  updateCanned: (id: string, c: Omit<CannedResponse, 'id'>) => request<{ cannedResponse: CannedResponse }>('PUT', `/canned-responses/${enc(id)}`, { body: c }),
  deleteCanned: (id: string) => request<{ ok: true }>('DELETE', `/canned-responses/${enc(id)}`),

  // supervisors
  overview: () => request<SupervisorOverview>('GET', '/supervisor/overview'),
  /** colleagues with status and load, for every role (transfers) */
  colleagues: () => request<{ agents: Colleague[] }>('GET', '/agent/colleagues'),
  analytics: (from?: string, to?: string) => request<Analytics>('GET', '/analytics', { query: { from, to } }),
  /** the same figures day by day as a CSV download (a link: the browser sends the session cookie) */
  analyticsCsvUrl: (from?: string, to?: string) => urlOf('/analytics.csv', { from, to }),

  // admin: agents
  agents: () => request<{ agents: Agent[] }>('GET', '/agents'),
  createAgent: (a: AgentInput) => request<{ agent: Agent }>('POST', '/agents', { body: a }),
  updateAgent: (id: string, a: Partial<AgentInput>) => request<{ agent: Agent }>('PATCH', `/agents/${enc(id)}`, { body: a }),
  deleteAgent: (id: string) => request<{ ok: true }>('DELETE', `/agents/${enc(id)}`),

  // admin: settings and bots
  offloadingSettings: () => request<OffloadingSettings>('GET', '/settings/offloading'),
  saveOffloadingSettings: (s: OffloadingSettings) => request<OffloadingSettings>('PUT', '/settings/offloading', { body: s }),
  bots: () => request<{ bots: BotInfo[] }>('GET', '/bots'),
  bot: (id: string) => request<{ bot: BotDetail }>('GET', `/bots/${enc(id)}`),
  dialogs: (botId: string) => request<BotDialogsResponse>('GET', `/bots/${enc(botId)}/dialogs`),
  saveBot: (id: string, source: string) => request<{ bot: BotInfo }>('PUT', `/bots/${enc(id)}`, { raw: botBody(source) }),
  validateBot: (source: string) => request<{ ok: true }>('POST', '/bots/validate', { raw: botBody(source) }),

  // admin: retention, a contact's erasure and export, the audit log
  retentionSettings: () => request<RetentionSettings>('GET', '/settings/retention'),
  saveRetentionSettings: (s: RetentionSettings) => request<RetentionSettings>('PUT', '/settings/retention', { body: s }),
  eraseContact: (userId: string) => request<ContactErasure>('DELETE', `/contacts/${enc(userId)}`),
  /** a plain link: the export is a download the browser streams to disk (the session cookie authenticates a GET) */
  contactExportUrl: (userId: string) => `${BASE}/contacts/${enc(userId)}/export`,
  audit: (cursor?: string, limit = 50) => request<AuditPage>('GET', '/audit', { query: { cursor, limit } }),

  // admin: provider deliveries
  deliveries: (status?: DeliveryStatus, limit = 100, providerId?: string, cursor?: string) =>
    request<{ deliveries: Delivery[]; nextCursor: string | null }>('GET', '/providers/deliveries', { query: { status, limit, providerId, cursor } }),
  redeliver: (id: string) => request<{ ok: true }>('POST', `/providers/deliveries/${enc(id)}/redeliver`),

  // admin: channel webhooks (the secret is write-only: answers carry the mask)
  channels: () => request<{ channels: ChannelView[] }>('GET', '/channels'),
  createChannel: (c: ChannelBody) => request<{ channel: ChannelView }>('POST', '/channels', { body: c }),
  updateChannel: (id: string, c: ChannelPatch) => request<{ channel: ChannelView }>('PATCH', `/channels/${enc(id)}`, { body: c }),
  deleteChannel: (id: string) => request<{ ok: true }>('DELETE', `/channels/${enc(id)}`),
  testChannel: (id: string) => request<ChannelTestResult>('POST', `/channels/${enc(id)}/test`),
  channelStatuses: (conversationId: string) => request<ChannelStatusesResponse>('GET', `/agent/conversations/${enc(conversationId)}/channel-statuses`),

  // after the bot: agents' tags, a verified user's contact page and notes, transcripts
  addTag: (id: string, tag: string) => request<TagsResponse>('POST', `/agent/conversations/${enc(id)}/tags`, { body: { tag } }),
  removeTag: (id: string, tag: string) => request<TagsResponse>('DELETE', `/agent/conversations/${enc(id)}/tags/${enc(tag)}`),
  contact: (userId: string) => request<ContactResponse>('GET', `/contacts/${enc(userId)}`),
  contactConversations: (userId: string, cursor?: string, limit = 20) =>
    request<{ conversations: AgentConversation[]; nextCursor: string | null }>('GET', `/contacts/${enc(userId)}/conversations`, { query: { cursor, limit } }),
  contactNotes: (userId: string, cursor?: string, limit = 50) => request<ContactNotesResponse>('GET', `/contacts/${enc(userId)}/notes`, { query: { cursor, limit } }),
  addContactNote: (userId: string, text: string) => request<ContactNoteResponse>('POST', `/contacts/${enc(userId)}/notes`, { body: { text } }),
  deleteContactNote: (userId: string, noteId: string) => request<{ ok: true }>('DELETE', `/contacts/${enc(userId)}/notes/${enc(noteId)}`),
  /** a plain link: the file is a download (the session cookie authenticates a GET) */
  transcriptUrl: (id: string, format: 'txt' | 'html') => urlOf(`/agent/conversations/${enc(id)}/transcript`, { format }),

  // follow-ups: what users left when nobody could take the chat
  followups: (q: Partial<FollowupListQuery>) => request<FollowupList>('GET', '/agent/followups', { query: q }),
  followupCount: () => request<FollowupCount>('GET', '/agent/followups/count'),
  assignFollowup: (id: string, agentId?: string) => request<{ followup: Followup }>('POST', `/agent/followups/${enc(id)}/assign`, { body: agentId ? { agentId } : {} }),
  replyToFollowup: (id: string, text: string) => request<FollowupReplyResult>('POST', `/agent/followups/${enc(id)}/reply`, { body: { text } }),
  followupDone: (id: string) => request<{ followup: Followup }>('POST', `/agent/followups/${enc(id)}/done`),
};

/** YAML unless it plainly is JSON; the server sniffs the same way. */
function botBody(source: string): { text: string; type: string } {
  return { text: source, type: source.trimStart().startsWith('{') ? 'application/json' : 'application/yaml' };
}

/** The validation problems of a BOT_INVALID (or VALIDATION_FAILED) answer, when it carries any. */
export function problemsOf(err: unknown): BotProblem[] {
  if (!(err instanceof ApiError)) return [];
  const d = err.details as { problems?: BotProblem[]; issues?: { path?: unknown; message?: string }[] } | undefined;
  if (Array.isArray(d?.problems)) return d.problems;
  if (Array.isArray(d?.issues)) return d.issues.map((i) => ({ path: Array.isArray(i.path) ? i.path.join('.') : String(i.path ?? ''), message: i.message ?? '' }));
  return [];
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message || err.code;
  return err instanceof Error ? err.message : String(err);
}

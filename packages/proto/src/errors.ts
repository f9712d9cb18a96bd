// The error catalog: every error a client can see has a stable code and HTTP status here, so a
// client can switch on error.code; messages are for people and may change.
import { z } from 'zod';

export const ERROR_CATALOG = {
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  INVALID_CURSOR: { status: 400, message: 'The cursor is not one this list gave (pass nextCursor as it was given)' },
  SEARCH_TOO_SHORT: { status: 400, message: 'Search for at least 3 characters' },
  VALIDATION_FAILED: { status: 422, message: 'The request is not valid' },
  TEXT_TOO_LONG: { status: 422, message: 'The text is longer than 4000 characters' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported Content-Type' },
  UNAUTHORIZED: { status: 401, message: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, message: 'Email or password is wrong' },
  SESSION_EXPIRED: { status: 401, message: 'The session has expired; log in again' },
  FORBIDDEN: { status: 403, message: 'You may not do this' },
  CHANNEL_INBOUND_ONLY: { status: 403, message: 'Channel conversations are created only by the channel\'s signed inbound events' },
  ORIGIN_REJECTED: { status: 403, message: 'This origin may not open a cookie-authenticated socket' },
  IDENTITY_INVALID: { status: 401, message: 'userHash does not match user.id' },
  CSRF_REJECTED: { status: 403, message: 'Missing X-Requested-With header on a cookie-authenticated request' },
  NOT_OWNER: { status: 403, message: 'Only the agent who owns this conversation may do this' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  CONVERSATION_NOT_FOUND: { status: 404, message: 'Conversation not found' },
  CONTACT_NOT_FOUND: { status: 404, message: 'No contact has this user id' },
  FOLLOWUP_NOT_FOUND: { status: 404, message: 'Follow-up not found' },
  AGENT_NOT_FOUND: { status: 404, message: 'Agent not found' },
  BOT_NOT_FOUND: { status: 404, message: 'Bot not found' },
  DIALOG_NOT_FOUND: { status: 422, message: 'The bot has no such dialog' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  ALREADY_ASSIGNED: { status: 409, message: 'Another agent already owns this conversation' },
  INVALID_TRANSITION: { status: 409, message: 'The conversation cannot do this in its current status' },
  NOT_WAITING: { status: 409, message: 'The conversation is not waiting for an agent' },
  NOT_WITH_AGENT: { status: 409, message: 'No agent owns this conversation' },
  CONVERSATION_CLOSED: { status: 409, message: 'The conversation is closed' },
  BOT_SILENCED: { status: 409, message: 'The bot may not speak while an agent owns the conversation' },
  IDEMPOTENCY_KEY_REUSED: { status: 409, message: 'This Idempotency-Key was used for a different message' },
  EMAIL_TAKEN: { status: 409, message: 'An agent with this email already exists' },
  CONTACT_HAS_LIVE_CONVERSATIONS: { status: 409, message: 'The contact has conversations waiting for or with an agent; close them first' },
  LAST_ADMIN: { status: 409, message: 'The last admin cannot be removed or demoted' },
  FOLLOWUP_DONE: { status: 409, message: 'This follow-up is already done' },
  AGENT_UNAVAILABLE: { status: 409, message: 'The agent is not online or has no free capacity' },
  BOT_INVALID: { status: 422, message: 'The bot definition is not valid' },
  SETTINGS_INVALID: { status: 422, message: 'The settings are not valid' },
  URL_NOT_ALLOWED: { status: 422, message: 'Baton may not call this URL (loopback, private, link-local or non-http(s) target)' },
  PROVIDER_NOT_FOUND: { status: 422, message: 'No such offloading provider' },
  SIGNATURE_INVALID: { status: 401, message: 'Missing or invalid signature' },
  CONNECTION_SECRET_INVALID: { status: 403, message: 'Missing or wrong connection secret header' },
  TIMESTAMP_OUT_OF_WINDOW: { status: 401, message: 'Signature timestamp outside the 5-minute window' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; slow down and retry' },
  TOO_MANY_CONNECTIONS: { status: 429, message: 'Too many open sockets from this address' },
  NOT_READY: { status: 503, message: 'The service is not ready' },
  STORAGE_UNAVAILABLE: { status: 503, message: 'Storage is unavailable (e.g. the disk is full); nothing was stored, retry later' },
  QUERY_TIMEOUT: { status: 503, message: 'The query ran too long and was stopped; narrow it (a shorter range, more filters) or retry later' },
  STORAGE_BUSY: { status: 503, message: 'Too many slow reads are waiting; retry shortly' },
  SHUTTING_DOWN: { status: 503, message: 'The server is shutting down; retry shortly' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
export const ERROR_CODES = Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodes = z.enum(ERROR_CODES);

export const ErrorBody = z.object({
  error: z.object({ code: ErrorCodes, message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

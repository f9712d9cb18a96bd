// Plain values shared by server and clients, without zod: a client that needs only these (the desk
// needs the secret mask) imports '@baton/proto/constants' and does not bundle the schemas.
export const MAX_TEXT_LENGTH = 4000;
export const LANGUAGES = ['en', 'nl', 'fr'] as const;
/** what the API shows instead of a stored secret; sending it back keeps the secret */
export const SECRET_MASK = '********';
/**
 * How Baton signs a webhook delivery (and which signatures it accepts on the callbacks): its own
 * `X-Baton-Signature` (Stripe's format), or the `webhook-*` headers of Standard Webhooks.
 */
export const SIGNATURE_SCHEMES = ['baton', 'standard-webhooks'] as const;
export type SignatureScheme = (typeof SIGNATURE_SCHEMES)[number];
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Why the server closed a socket: the close code, with the reason (an error code such as
 * SESSION_REVOKED or ROLE_CHANGED) as the close reason. docs/api.md lists them.
 */
export const SocketClose = {
  /** no token, a refused one, an expired or revoked session, or the agent's role changed (reconnect) */
  UNAUTHORIZED: 4401,
  /** a cookie-authenticated socket opened from another origin than the desk's */
  ORIGIN_REJECTED: 4403,
  /** the client left more than WS_MAX_BUFFERED_BYTES unread */
  OUTPUT_OVERFLOW: 4008,
  /** the client kept sending frames beyond the socket's rate limits */
  POLICY_VIOLATION: 1008,
} as const;
/**
 * The bot dialog a "Leave a message" button runs (its postback): it collects the e-mail and the
 * question of a follow-up (DESIGN §10.3); the widget offers it while nobody eligible is online.
 */
export const LEAVE_MESSAGE_DIALOG = 'leave_message';

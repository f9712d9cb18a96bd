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
 * The files Baton accepts as attachments, by their sniffed type (the bytes decide, not the name or
 * the client's claim): images, PDF, plain text and office documents. SVG is not among them: it can
 * carry script (docs/security.md "Attachments").
 */
export const ATTACHMENT_CONTENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
] as const;
export type AttachmentContentType = (typeof ATTACHMENT_CONTENT_TYPES)[number];
/** what a file picker offers (`accept`): the same list as extensions and types */
export const ATTACHMENT_ACCEPT = '.png,.jpg,.jpeg,.gif,.webp,.pdf,.txt,.docx,.xlsx,.pptx,.odt,.ods,image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain';
/** attachments one message may carry */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;
/**
 * The bot dialog a "Leave a message" button runs (its postback): it collects the e-mail and the
 * question of a follow-up (DESIGN §10.3); the widget offers it while nobody eligible is online.
 */
export const LEAVE_MESSAGE_DIALOG = 'leave_message';

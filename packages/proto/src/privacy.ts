// Data that grows and the people in it: retention settings, a contact's erasure and export (GDPR),
// and the audit log of who did which of these (DESIGN §10.4, docs/security.md "Personal data").
import { z } from 'zod';
import { ContactNote } from './contacts.js';
import { ConversationStatus, Message } from './conversation.js';

const Days = z.number().int().min(1).max(36_500);

/**
 * GET/PUT /api/v1/settings/retention. Each period is off when null. Days count from a conversation's
 * last activity (its latest message or status change), which for a closed one is when it closed.
 */
export const RetentionSettings = z
  .object({
    /** a conversation still with the bot and idle this many hours is closed (0 or null: never) */
    idleCloseHours: z.number().int().min(0).max(8760).nullable().default(24),
    /** any open conversation (with the bot, waiting, with an agent) idle this many days is closed */
    closedAfterDays: Days.nullable().default(null),
    /** closed this many days: texts, the user's name, e-mail and variables are replaced; counts and times stay */
    anonymizeAfterDays: Days.nullable().default(null),
    /** closed this many days: the conversation and everything hanging off it is deleted */
    deleteAfterDays: Days.nullable().default(null),
  })
  .strict();
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/** `:userId` of a contact: the id the desk shows as `conversation.user.id` (the site's or channel's user id, else Baton's own) */
export const ContactParams = z.object({ userId: z.string().min(1).max(300) });
export type ContactParams = z.infer<typeof ContactParams>;

/** DELETE /api/v1/contacts/{userId}: what was deleted */
export const ContactErasure = z.object({
  erased: z.object({
    /** contact rows (one per verified identity; an unverified claim has one per conversation) */
    contacts: z.number().int(),
    conversations: z.number().int(),
    messages: z.number().int(),
    /** agents' notes on the contact */
    notes: z.number().int(),
  }),
});
export type ContactErasure = z.infer<typeof ContactErasure>;

export const ContactProfile = z.object({
  /** Baton's own id of this contact row */
  id: z.string(),
  externalId: z.string().nullable(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  verified: z.boolean(),
  createdAt: z.string(),
});
export type ContactProfile = z.infer<typeof ContactProfile>;

/** A file as the GDPR export carries it: its metadata and its bytes (base64). */
export const ExportedAttachment = z.object({
  id: z.string(),
  messageId: z.string().nullable(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  uploadedBy: z.string(),
  createdAt: z.string(),
  dataBase64: z.string(),
});
export type ExportedAttachment = z.infer<typeof ExportedAttachment>;

export const ExportedConversation = z.object({
  id: z.string(),
  /** the contact row (`contacts[].id`) the conversation belongs to */
  contactId: z.string(),
  status: ConversationStatus,
  language: z.string(),
  channelId: z.string().nullable(),
  tags: z.array(z.string()),
  variables: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  /** every message, internal notes included (marked `internal`) */
  messages: z.array(Message),
  /** every file of the conversation, sent or only uploaded, with its bytes */
  attachments: z.array(ExportedAttachment),
});
export type ExportedConversation = z.infer<typeof ExportedConversation>;

/** GET /api/v1/contacts/{userId}/export: one JSON document, streamed */
export const ContactExport = z.object({
  userId: z.string(),
  exportedAt: z.string(),
  contacts: z.array(ContactProfile),
  conversations: z.array(ExportedConversation),
  /** agents' notes on the contact, newest first */
  notes: z.array(ContactNote),
});
export type ContactExport = z.infer<typeof ContactExport>;

export const AUDIT_ACTIONS = ['retention.updated', 'contact.erased', 'contact.exported', 'contact.note_deleted'] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** One audited admin action. `target` and `detail` never hold personal data: a contact is named by a keyed hash. */
export const AuditEntry = z.object({
  id: z.string(),
  agent: z.object({ id: z.string(), name: z.string() }),
  action: AuditAction,
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** GET /api/v1/audit: newest first; `cursor` is the previous page's `nextCursor` */
export const AuditQuery = z.object({
  cursor: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditPage = z.object({ entries: z.array(AuditEntry), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

// After the bot (DESIGN §10.3): a conversation's transcript as a file, a contact's page (their
// conversations across channels, agents' notes on them) and the tags agents put on a conversation.
import { z } from 'zod';
import { ConversationPage, NextCursor } from './views.js';

/** GET /api/v1/conversations/{id}/transcript and /agent/conversations/{id}/transcript */
export const TranscriptQuery = z.object({ format: z.enum(['txt', 'html']).default('txt') });
export type TranscriptQuery = z.infer<typeof TranscriptQuery>;

/** POST /api/v1/conversations/{id}/transcript/email: to the e-mail the conversation knows, else to `email` */
export const TranscriptEmailBody = z.object({ email: z.email().max(254).optional() }).strict();
export type TranscriptEmailBody = z.infer<typeof TranscriptEmailBody>;
/** GET …/transcript/email: whether this instance can e-mail it (SMTP_URL set), and to which known address (masked) */
export const TranscriptEmailOffer = z.object({ available: z.boolean(), email: z.string().nullable() });
export type TranscriptEmailOffer = z.infer<typeof TranscriptEmailOffer>;
/** 202: the mail is queued (sent by the outbox, retried while the SMTP server is down) */
export const TranscriptEmailResult = z.object({ sentTo: z.string() });
export type TranscriptEmailResult = z.infer<typeof TranscriptEmailResult>;

/** At most this many tags on a conversation (the bot's and agents' together). */
export const MAX_TAGS = 20;
/** A tag an agent adds: letters, digits, space, _ . - (any script), trimmed, at most 50 characters. */
export const Tag = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N}_.\- ]+$/u, 'letters, digits, spaces, _ . - only');

/** POST /api/v1/agent/conversations/{id}/tags */
export const AddTagBody = z.object({ tag: Tag }).strict();
export type AddTagBody = z.infer<typeof AddTagBody>;

/** `:id` and `:tag` of DELETE /api/v1/agent/conversations/{id}/tags/{tag} */
export const TagParams = z.object({ id: z.string().min(1).max(100), tag: z.string().min(1).max(200) });
export type TagParams = z.infer<typeof TagParams>;

/** The conversation's tags after an add or a remove, in the order they were added. */
export const TagsResponse = z.object({ tags: z.array(z.string()) });
export type TagsResponse = z.infer<typeof TagsResponse>;

/** GET /api/v1/contacts/{userId}: one verified user as the desk's contact page shows them. */
export const Contact = z.object({
  /** the id the desk shows as conversation.user.id */
  userId: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  verified: z.literal(true),
  /** the first time Baton saw this user */
  firstSeenAt: z.string(),
});
export type Contact = z.infer<typeof Contact>;
export const ContactResponse = z.object({ contact: Contact });
export type ContactResponse = z.infer<typeof ContactResponse>;

/** GET /api/v1/contacts/{userId}/conversations: the latest first, across channels (a page). */
export const ContactConversationsResponse = ConversationPage;

/** An agent's note on a contact. */
export const ContactNote = z.object({
  id: z.string(),
  text: z.string(),
  author: z.object({ id: z.string(), name: z.string() }),
  createdAt: z.string(),
});
export type ContactNote = z.infer<typeof ContactNote>;

/** GET /api/v1/contacts/{userId}/notes: newest first */
export const ContactNotesResponse = z.object({ notes: z.array(ContactNote), nextCursor: NextCursor });
export type ContactNotesResponse = z.infer<typeof ContactNotesResponse>;

/** POST /api/v1/contacts/{userId}/notes */
export const ContactNoteBody = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
export type ContactNoteBody = z.infer<typeof ContactNoteBody>;
export const ContactNoteResponse = z.object({ note: ContactNote });
export type ContactNoteResponse = z.infer<typeof ContactNoteResponse>;

/** `:userId` and `:noteId` of DELETE /api/v1/contacts/{userId}/notes/{noteId} */
export const ContactNoteParams = z.object({ userId: z.string().min(1).max(300), noteId: z.string().min(1).max(100) });
export type ContactNoteParams = z.infer<typeof ContactNoteParams>;

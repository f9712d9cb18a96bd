// Attachments (DESIGN §10.6): a file uploaded to a conversation, then carried by a message. `url` is
// where the conversation's token, its agents and admins download it (docs/api.md "Attachments").
import { z } from 'zod';
import { MAX_ATTACHMENTS_PER_MESSAGE } from './constants.js';

export const Attachment = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  url: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;

export const AttachmentResponse = z.object({ attachment: Attachment });
export type AttachmentResponse = z.infer<typeof AttachmentResponse>;

/** the ids of files uploaded to the same conversation and not sent yet, as a message send carries them */
export const AttachmentIds = z.array(z.string().min(1).max(100)).min(1).max(MAX_ATTACHMENTS_PER_MESSAGE);

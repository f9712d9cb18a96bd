// How an attachment looks to clients (DESIGN §10.6): `url` is where the conversation's token, its
// agents and admins download it (http/attachment-routes.ts).
import type { Attachment } from '@baton/proto';

/** What a message's body keeps of each file it carries: enough to show it without reading the table. */
export interface CarriedAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

export function attachmentUrl(id: string): string {
  return `/api/v1/attachments/${encodeURIComponent(id)}`;
}

export function presentAttachment(a: CarriedAttachment): Attachment {
  return { id: a.id, name: a.name, contentType: a.contentType, size: a.size, url: attachmentUrl(a.id) };
}

// Contacts as their export shows them, and audit entries.
import type { AuditAction, AuditEntry, ContactProfile, ExportedAttachment, ExportedConversation } from '@baton/proto';
import { fromJson } from '../store/json.js';
import type { AttachmentMetaRow, AuditRow, ConversationRow, EndUserRow } from '../store/schema.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function presentContact(row: EndUserRow): ContactProfile {
  return { id: row.id, externalId: row.external_id, name: row.name, email: row.email, verified: Boolean(row.verified_id), createdAt: iso(row.created_at) };
}

/** A conversation of an export without its messages (the export streams those after it). */
export function presentExportedConversation(row: ConversationRow): Omit<ExportedConversation, 'messages' | 'attachments'> {
  return {
    id: row.id,
    contactId: row.end_user_id ?? '',
    status: row.status as ExportedConversation['status'],
    language: row.language,
    channelId: row.channel_id,
    tags: fromJson<string[]>(row.tags, []),
    variables: fromJson<Record<string, unknown>>(row.variables, {}),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    closedAt: row.closed_at === null ? null : iso(row.closed_at),
  };
}

/** A file of an export, its bytes given as base64. */
export function presentExportedAttachment(row: AttachmentMetaRow, dataBase64: string): ExportedAttachment {
  return {
    id: row.id,
    messageId: row.message_id,
    name: row.name,
    contentType: row.content_type,
    size: Number(row.size),
    sha256: row.sha256,
    uploadedBy: row.uploaded_by,
    createdAt: iso(Number(row.created_at)),
    dataBase64,
  };
}

export function presentAudit(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    agent: { id: row.agent_id, name: row.agent_name },
    action: row.action as AuditAction,
    target: row.target,
    detail: fromJson<Record<string, unknown>>(row.detail, {}),
    createdAt: iso(row.created_at),
  };
}

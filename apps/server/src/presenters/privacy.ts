// Contacts as their export shows them, and audit entries.
import type { AuditAction, AuditEntry, ContactProfile, ExportedConversation } from '@baton/proto';
import { fromJson } from '../store/json.js';
import type { AuditRow, ConversationRow, EndUserRow } from '../store/schema.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function presentContact(row: EndUserRow): ContactProfile {
  return { id: row.id, externalId: row.external_id, name: row.name, email: row.email, verified: Boolean(row.verified_id), createdAt: iso(row.created_at) };
}

/** A conversation of an export without its messages (the export streams those after it). */
export function presentExportedConversation(row: ConversationRow): Omit<ExportedConversation, 'messages'> {
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

// A contact as the desk's contact page shows them, and agents' notes on them.
import type { Contact, ContactNote } from '@baton/proto';
import type { ContactNoteRow, EndUserRow } from '../store/schema.js';

const iso = (ms: number) => new Date(Number(ms)).toISOString();

/** One verified user from their identity rows (newest first): the latest name and e-mail any of them holds. */
export function presentContactPage(userId: string, rows: readonly EndUserRow[]): Contact {
  return {
    userId,
    name: rows.find((r) => r.name)?.name ?? null,
    email: rows.find((r) => r.email)?.email ?? null,
    verified: true,
    firstSeenAt: iso(Math.min(...rows.map((r) => Number(r.created_at)))),
  };
}

export function presentContactNote(row: ContactNoteRow): ContactNote {
  return { id: row.id, text: row.text, author: { id: row.author_id, name: row.author_name }, createdAt: iso(row.created_at) };
}

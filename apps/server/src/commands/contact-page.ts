// A verified user's contact page (desk): who they are, their conversations across channels, and
// agents' notes on them. Agents read; a plain agent only a contact whose conversation they handled
// (as they read only conversations they handled), supervisors and admins any. A claimed identity has
// no contact page: only a verified one links conversations (DESIGN §10.1).
import type { Contact, ContactNote, ContactNotesResponse, ConversationPage, PageQuery } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentContactNote, presentContactPage } from '../presenters/contact.js';
import { writeAudit } from '../store/audit.js';
import { deleteContactNote, findContactNote, insertContactNote, listContactNotes } from '../store/contact-notes.js';
import type { AgentRow, EndUserRow } from '../store/schema.js';
import type { Tx } from '../store/types.js';
import { isSupervisor } from './agent-access.js';
import { contactConversationPage } from './agent-queries.js';
import { contactTarget } from './contacts.js';

/** a user's verified identity rows: one per way they were proven (the site, each signed channel) */
const MAX_IDENTITIES = 50;

/** The contact's verified identity rows, newest first; CONTACT_NOT_FOUND when there is none this agent may see. */
async function verifiedRows(deps: Deps, tx: Tx, agent: AgentRow, userId: string): Promise<EndUserRow[]> {
  const rows = await tx
    .selectFrom('end_users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', userId), eb('external_id', '=', userId)]))
    .where('verified_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(MAX_IDENTITIES)
    .execute();
  if (rows.length === 0) throw new AppError('CONTACT_NOT_FOUND');
  if (!isSupervisor(agent)) {
    const handled = await tx
      .selectFrom('conversations as c')
      .innerJoin('conversation_agents as ca', 'ca.conversation_id', 'c.id')
      .select('c.id')
      .where('c.end_user_id', 'in', rows.map((r) => r.id))
      .where('ca.agent_id', '=', agent.id)
      .limit(1)
      .executeTakeFirst();
    // not 403: whether someone is a contact is not for an agent who never talked to them
    if (!handled) throw new AppError('CONTACT_NOT_FOUND');
  }
  return rows;
}

export async function getContact(deps: Deps, agent: AgentRow, userId: string): Promise<Contact> {
  return presentContactPage(userId, await verifiedRows(deps, deps.store.reads, agent, userId));
}

export async function contactConversations(deps: Deps, agent: AgentRow, userId: string, page: PageQuery): Promise<ConversationPage> {
  const rows = await verifiedRows(deps, deps.store.reads, agent, userId);
  return contactConversationPage(deps, agent, rows.map((r) => r.id), page);
}

export async function contactNotes(deps: Deps, agent: AgentRow, userId: string, q: { cursor?: string; limit: number }): Promise<ContactNotesResponse> {
  await verifiedRows(deps, deps.store.reads, agent, userId);
  const { rows, more } = await listContactNotes(deps.store.reads, userId, q.cursor, q.limit);
  return { notes: rows.map(presentContactNote), nextCursor: more ? rows.at(-1)!.id : null };
}

export async function addContactNote(deps: Deps, agent: AgentRow, userId: string, text: string): Promise<ContactNote> {
  await verifiedRows(deps, deps.store.db, agent, userId);
  const row = await deps.store.write.run((tx) => insertContactNote(tx, { userId, authorId: agent.id, authorName: agent.name, text }, deps.clock.now()));
  return presentContactNote(row);
}

/**
 * Deletes a note: its author, or a supervisor or admin. Audited (who, which contact by keyed hash,
 * never the text): a note can hold what a person said about someone, and its removal is accountable.
 */
export async function removeContactNote(deps: Deps, agent: AgentRow, userId: string, noteId: string): Promise<void> {
  await verifiedRows(deps, deps.store.db, agent, userId);
  await deps.store.write.run(async (tx) => {
    const note = await findContactNote(tx, userId, noteId);
    if (!note) throw new AppError('NOT_FOUND', 'No such note on this contact');
    if (note.author_id !== agent.id && !isSupervisor(agent)) throw new AppError('FORBIDDEN', 'Only its author or a supervisor may delete a note');
    await deleteContactNote(tx, noteId);
    await writeAudit(tx, { agentId: agent.id, agentName: agent.name, action: 'contact.note_deleted', target: contactTarget(deps, userId), detail: { noteId, authorId: note.author_id } }, deps.clock.now());
  });
}

// A contact's erasure and export (GDPR; admins, audited), agents' notes on the contact included.
// `userId` is the id the desk shows as `conversation.user.id` (store/contacts.ts resolves it). Erasure deletes rather than anonymizes: a
// deleted row cannot be traced back to the person, and nothing else Baton keeps needs it (analytics
// rollups hold no personal data). It refuses while a conversation waits for or is with an agent: a
// person is handling it, and they close it first.
import { createHmac } from 'node:crypto';
import type { ContactErasure } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentMessage } from '../presenters/conversation.js';
import { presentContact, presentExportedAttachment, presentExportedConversation } from '../presenters/privacy.js';
import { bytesOf, conversationAttachments } from '../store/attachments.js';
import { presentContactNote } from '../presenters/contact.js';
import { writeAudit } from '../store/audit.js';
import { deleteContactNotes, listContactNotes } from '../store/contact-notes.js';
import { contactConversations, contactRows, conversationsOfContacts, hasLiveConversation, type ContactRow } from '../store/contacts.js';
import { listMessages } from '../store/conversations.js';
import { deleteConversations, deleteOrphanContacts } from '../store/retention.js';
import type { AgentRow } from '../store/schema.js';
import type { Tx } from '../store/types.js';

/** rows per read of the export's walk */
const EXPORT_PAGE = 100;
const EXPORT_MESSAGES = 500;

/**
 * How the audit log names a contact: a keyed hash of the user id. The log proves what was done to
 * whom without keeping who (an erasure must not leave the id behind); whoever holds the server's key
 * and the id can recompute it.
 */
export function contactTarget(deps: Deps, userId: string): string {
  return `contact:${createHmac('sha256', deps.secretKey()).update(userId, 'utf8').digest('hex').slice(0, 32)}`;
}

async function mustExist(tx: Tx, userId: string): Promise<void> {
  if ((await contactRows(tx, userId, undefined, 1)).length === 0) throw new AppError('CONTACT_NOT_FOUND');
}

/**
 * Deletes every conversation of the contact with all its rows (store/retention.ts CONVERSATION_DATA),
 * then the contact rows, in transactions of at most RETENTION_BATCH_SIZE conversations. The last one
 * writes the audit entry. Stopped part-way (a crash), a repeat of the request finishes it.
 */
export async function eraseContact(deps: Deps, agent: AgentRow, userId: string): Promise<ContactErasure> {
  // notes left by an erasure stopped part-way still count as the contact: a repeat finishes them
  if ((await listContactNotes(deps.store.db, userId, undefined, 1)).rows.length === 0) await mustExist(deps.store.db, userId);
  if (await hasLiveConversation(deps.store.db, userId)) throw new AppError('CONTACT_HAS_LIVE_CONVERSATIONS');
  const erased = { contacts: 0, conversations: 0, messages: 0, notes: 0 };
  const batch = deps.config.RETENTION_BATCH_SIZE;
  for (;;) {
    const step = await deps.store.write.run(async (tx) => {
      const contacts = (await contactRows(tx, userId, undefined, batch)).map((c) => c.id);
      const conversations = await conversationsOfContacts(tx, contacts, batch);
      // taken to an agent since the check above: refused like the rest (what this erasure deleted so far stays deleted)
      if (conversations.some((c) => c.status === 'offloaded' || c.status === 'agent')) throw new AppError('CONTACT_HAS_LIVE_CONVERSATIONS');
      const { messages } = await deleteConversations(tx, conversations.map((c) => c.id));
      const contactsGone = conversations.length < batch ? await deleteOrphanContacts(tx, contacts) : 0;
      const rowsLeft = (await contactRows(tx, userId, undefined, 1)).length > 0;
      // agents' notes on the contact go once their conversations have (their own batches)
      const notes = rowsLeft ? 0 : await deleteContactNotes(tx, userId, batch);
      const done = { contacts: contactsGone, conversations: conversations.length, messages, notes };
      const last = !rowsLeft && notes < batch;
      if (last) {
        const detail = { contacts: erased.contacts + done.contacts, conversations: erased.conversations + done.conversations, messages: erased.messages + done.messages, notes: erased.notes + done.notes };
        await writeAudit(tx, { agentId: agent.id, agentName: agent.name, action: 'contact.erased', target: contactTarget(deps, userId), detail }, deps.clock.now());
      }
      return { done, last };
    });
    erased.contacts += step.done.contacts;
    erased.conversations += step.done.conversations;
    erased.messages += step.done.messages;
    erased.notes += step.done.notes;
    if (step.done.conversations) deps.metrics.retentionConversations.inc({ action: 'erased' }, step.done.conversations);
    if (step.last) return { erased };
    if (step.done.contacts + step.done.conversations + step.done.notes === 0) throw new Error('erasure made no progress');
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * The contact's data as one JSON document (ContactExport), written as it is read: contact rows,
 * then each conversation with its messages, page by page, so memory stays flat however much there is.
 * Audited before the first byte goes out.
 */
export async function exportContact(deps: Deps, agent: AgentRow, userId: string): Promise<AsyncIterable<string>> {
  await mustExist(deps.store.reads, userId);
  const now = deps.clock.now();
  await deps.store.write.run((tx) => writeAudit(tx, { agentId: agent.id, agentName: agent.name, action: 'contact.exported', target: contactTarget(deps, userId), detail: {} }, now));
  return exportDocument(deps, userId, now);
}

async function* contactsOf(tx: Tx, userId: string): AsyncGenerator<ContactRow> {
  let after: string | undefined;
  for (;;) {
    const page = await contactRows(tx, userId, after, EXPORT_PAGE);
    yield* page;
    if (page.length < EXPORT_PAGE) return;
    after = page.at(-1)!.id;
  }
}

/** A conversation's files, one at a time (each read whole through store.reads), as ExportedAttachment JSON. */
async function* exportAttachments(deps: Deps, conversationId: string): AsyncGenerator<string> {
  let sep = '';
  for (let after: { createdAt: number; id: string } | undefined; ; ) {
    const page = await conversationAttachments(deps.store.reads, conversationId, after, EXPORT_PAGE);
    for (const a of page) {
      const bytes = await bytesOf(deps.store.reads, a.id);
      // deleted since the page was read: left out
      if (!bytes) continue;
      yield sep + JSON.stringify(presentExportedAttachment(a, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')));
      sep = ',';
    }
    if (page.length < EXPORT_PAGE) return;
    const last = page.at(-1)!;
    after = { createdAt: Number(last.created_at), id: last.id };
  }
}

async function* exportDocument(deps: Deps, userId: string, now: number): AsyncGenerator<string> {
  const reads = deps.store.reads;
  yield `{"userId":${JSON.stringify(userId)},"exportedAt":${JSON.stringify(new Date(now).toISOString())},"contacts":[`;
  let sep = '';
  for await (const c of contactsOf(reads, userId)) {
    yield sep + JSON.stringify(presentContact(c));
    sep = ',';
  }
  yield '],"conversations":[';
  sep = '';
  for await (const c of contactsOf(reads, userId)) {
    for (let after = ''; ; ) {
      const page = await contactConversations(reads, c.id, after, EXPORT_PAGE);
      for (const conv of page) {
        const head = JSON.stringify(presentExportedConversation(conv));
        yield `${sep}${head.slice(0, -1)},"messages":[`;
        sep = ',';
        for (let seq = 0, msep = ''; ; ) {
          const messages = await listMessages(reads, conv.id, { after: seq, limit: EXPORT_MESSAGES, includeInternal: true });
          if (messages.length) yield msep + messages.map((m) => JSON.stringify(presentMessage(m))).join(',');
          msep = ',';
          if (messages.length < EXPORT_MESSAGES) break;
          seq = messages.at(-1)!.seq;
        }
        yield '],"attachments":[';
        yield* exportAttachments(deps, conv.id);
        yield ']}';
      }
      if (page.length < EXPORT_PAGE) break;
      after = page.at(-1)!.id;
    }
  }
  // agents' notes on the contact, newest first
  yield '],"notes":[';
  sep = '';
  for (let before: string | undefined; ; ) {
    const { rows, more } = await listContactNotes(reads, userId, before, EXPORT_PAGE);
    for (const n of rows) {
      yield sep + JSON.stringify(presentContactNote(n));
      sep = ',';
    }
    if (!more) break;
    before = rows.at(-1)!.id;
  }
  yield ']}';
}

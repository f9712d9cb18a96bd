// E-mail threads (migration 022): each Message-ID of a thread with its conversation. A mail's own id,
// In-Reply-To and References find the conversation it continues; Baton's answers take the thread's
// subject and the ids it replies to from here.
import type { Deps } from '../../deps.js';
import { MAX_REFERENCES } from './config.js';

/** `<id@host>` → `id@host` (ids are compared without their brackets). */
export const bareId = (id: string) => id.trim().replace(/^<|>$/g, '');

/** The conversation of the first of `ids` (most specific first) that this channel has seen. */
export async function findThread(deps: Deps, channelId: string, ids: readonly string[]): Promise<string | undefined> {
  const wanted = [...new Set(ids.map(bareId).filter(Boolean))].slice(0, 50);
  if (!wanted.length) return undefined;
  const rows = await deps.store.db.selectFrom('email_threads').select(['mail_id', 'conversation_id']).where('channel_id', '=', channelId).where('mail_id', 'in', wanted).execute();
  const byId = new Map(rows.map((r) => [r.mail_id, r.conversation_id]));
  for (const id of wanted) if (byId.has(id)) return byId.get(id);
  return undefined;
}

export async function recordMail(deps: Deps, channelId: string, mailId: string, conversationId: string, subject: string | null): Promise<void> {
  await deps.store.write.run((tx) =>
    tx
      .insertInto('email_threads')
      .values({ channel_id: channelId, mail_id: bareId(mailId), conversation_id: conversationId, subject: subject?.slice(0, 500) ?? null, created_at: deps.clock.now() })
      .onConflict((oc) => oc.columns(['channel_id', 'mail_id']).doNothing())
      .execute(),
  );
}

/** The thread's subject (its first mail's) and the ids an answer refers to: the first and the latest ones, oldest first. */
export async function threadOf(deps: Deps, conversationId: string): Promise<{ subject: string | null; references: string[] }> {
  const first = await deps.store.db.selectFrom('email_threads').select(['mail_id', 'subject']).where('conversation_id', '=', conversationId).orderBy('created_at', 'asc').orderBy('mail_id', 'asc').limit(1).executeTakeFirst();
  const latest = await deps.store.db.selectFrom('email_threads').select('mail_id').where('conversation_id', '=', conversationId).orderBy('created_at', 'desc').orderBy('mail_id', 'desc').limit(MAX_REFERENCES - 1).execute();
  const ids = [...new Set([...(first ? [first.mail_id] : []), ...latest.map((r) => r.mail_id).reverse()])];
  return { subject: first?.subject ?? null, references: ids };
}

/** Whether the conversation was created less than `ms` ago (by the instance's clock). */
export async function startedWithin(deps: Deps, conversationId: string, ms: number): Promise<boolean> {
  const c = await deps.store.db.selectFrom('conversations').select('created_at').where('id', '=', conversationId).executeTakeFirst();
  return c !== undefined && deps.clock.now() - c.created_at < ms;
}

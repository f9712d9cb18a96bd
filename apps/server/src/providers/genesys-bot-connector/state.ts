// What Baton remembers per Genesys conversation (provider_state, external id = the Genesys
// conversation id), and the one way replies are handed to Genesys: claimed in a transaction, so an
// answer and an outgoing message never carry the same message twice, and none is skipped.
import type { Message } from '@baton/proto';
import type { Deps } from '../../deps.js';
import type { StoredHandover } from '../../domain/handover.js';
import { presentMessage } from '../../presenters/conversation.js';
import { findConversation, listMessages } from '../../store/conversations.js';
import { fromJson, toJson } from '../../store/json.js';
import type { Tx } from '../../store/write-queue.js';

export interface BotConnectorState {
  genesysConversationId: string;
  botId: string;
  botVersion: string;
  languageCode: string;
  /** the latest bot session: replies after the answer go to it */
  botSessionId: string;
  /** after this (ms), Genesys takes no outgoing message for the session (botSessionTimeout) */
  sessionExpiresAt: number;
  /** the highest message seq handed to Genesys, in an answer or claimed by an outgoing message */
  sentSeq: number;
  /** an outgoing message being sent: its retries send the same messages again */
  push?: { delivery: string; fromSeq: number; toSeq: number; complete: boolean; sessionId: string } | null;
  /** the bot session the handover (Complete) went to */
  completedSession?: string | null;
}

/** A session as the request names it, stored with the conversation's state. */
export type SessionFields = Pick<BotConnectorState, 'genesysConversationId' | 'botId' | 'botVersion' | 'languageCode' | 'botSessionId' | 'sessionExpiresAt'>;

/** At most this many messages go into one answer or outgoing message (the rest follow in the next). */
const MAX_REPLIES = 50;

export async function readState(tx: Tx, providerId: string, conversationId: string): Promise<BotConnectorState | undefined> {
  const r = await tx.selectFrom('provider_state').select('data').where('conversation_id', '=', conversationId).where('provider_id', '=', providerId).executeTakeFirst();
  return r ? fromJson<BotConnectorState>(r.data, undefined as unknown as BotConnectorState) : undefined;
}

export async function writeState(tx: Tx, providerId: string, conversationId: string, s: BotConnectorState, now: number): Promise<void> {
  await tx.updateTable('provider_state').set({ data: toJson(s), updated_at: now }).where('conversation_id', '=', conversationId).where('provider_id', '=', providerId).execute();
}

/** The first state of a conversation, recorded with it (its external id is how the next message finds it). */
export async function insertState(tx: Tx, providerId: string, conversationId: string, session: SessionFields, now: number): Promise<void> {
  const data: BotConnectorState = { ...session, sentSeq: 0, push: null, completedSession: null };
  await tx.insertInto('provider_state').values({ conversation_id: conversationId, provider_id: providerId, data: toJson(data), external_id: session.genesysConversationId, updated_at: now }).execute();
}

/** The conversation Baton keeps for a Genesys conversation, if any (indexed by provider and external id). */
export async function conversationOf(tx: Tx, providerId: string, genesysConversationId: string): Promise<string | undefined> {
  const r = await tx
    .selectFrom('provider_state')
    .select('conversation_id')
    .where('provider_id', '=', providerId)
    .where('external_id', '=', genesysConversationId)
    .orderBy('updated_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r?.conversation_id;
}

export interface Claimed {
  state: BotConnectorState;
  messages: Message[];
  /** set when the claim carries the handover: the answer is Complete */
  handover?: StoredHandover;
}

const userFacing = (m: { author_type: string }) => m.author_type === 'bot' || m.author_type === 'agent';

/** The handover this provider was given, not yet sent to `sessionId`. */
async function pendingHandover(tx: Tx, providerId: string, conversationId: string, s: BotConnectorState, sessionId: string): Promise<StoredHandover | undefined> {
  if (s.completedSession === sessionId) return undefined;
  const conv = await findConversation(tx, conversationId);
  if (!conv || (conv.status !== 'offloaded' && conv.status !== 'agent') || conv.provider_id !== providerId) return undefined;
  return handoverOf(conv.handover, providerId);
}

/** The handover an earlier answer or outgoing message carried (sent again with it), whatever the status since. */
async function sentHandover(tx: Tx, providerId: string, conversationId: string): Promise<StoredHandover | undefined> {
  return handoverOf((await findConversation(tx, conversationId))?.handover ?? null, providerId);
}

function handoverOf(json: string | null, providerId: string): StoredHandover | undefined {
  const h = fromJson<StoredHandover | null>(json, null);
  return h && h.providerId === providerId ? h : undefined;
}

/**
 * The replies for an answer to the session's message: the bot's messages not yet handed to Genesys
 * (the welcome included), and the handover if it happened. `repeatOf`: the message was seen before
 * (Genesys retries what it got no answer to): the same answer again, from that message on.
 */
export async function claimForAnswer(deps: Deps, providerId: string, conversationId: string, o: { sessionId: string; repeatOf?: number; onClaimed?: (tx: Tx, c: Claimed) => Promise<void> }): Promise<Claimed> {
  return deps.store.write.run(async (tx) => {
    const now = deps.clock.now();
    const s = (await readState(tx, providerId, conversationId))!;
    if (o.repeatOf !== undefined) {
      const rows = await listMessages(tx, conversationId, { after: o.repeatOf, limit: MAX_REPLIES, includeInternal: false });
      const next = rows.findIndex((r) => r.author_type === 'user');
      const answer = next === -1 ? rows : rows.slice(0, next);
      // the repeated message's answer carried the handover if it was the session's last message
      const h = next === -1 && s.completedSession === o.sessionId ? await sentHandover(tx, providerId, conversationId) : undefined;
      return { state: s, messages: answer.filter(userFacing).map(presentMessage), ...(h ? { handover: h } : {}) };
    }
    const rows = (await listMessages(tx, conversationId, { after: s.sentSeq, limit: MAX_REPLIES, includeInternal: false })).filter(userFacing);
    const h = await pendingHandover(tx, providerId, conversationId, s, o.sessionId);
    const next: BotConnectorState = { ...s, sentSeq: rows.at(-1)?.seq ?? s.sentSeq, ...(h ? { completedSession: o.sessionId } : {}) };
    await writeState(tx, providerId, conversationId, next, now);
    const claimed = { state: next, messages: rows.map(presentMessage), ...(h ? { handover: h } : {}) };
    await o.onClaimed?.(tx, claimed);
    return claimed;
  }, { key: conversationId });
}

/**
 * The replies an outgoing message (outbox delivery `delivery`) sends: the same ones again on its
 * retries, else those no answer has carried yet. Undefined: nothing to send.
 */
export async function claimForPush(deps: Deps, providerId: string, conversationId: string, delivery: string): Promise<Claimed | undefined> {
  return deps.store.write.run(async (tx) => {
    const s = await readState(tx, providerId, conversationId);
    if (!s) return undefined;
    if (s.push && s.push.delivery === delivery) {
      const rows = await listMessages(tx, conversationId, { after: s.push.fromSeq, limit: MAX_REPLIES, includeInternal: false });
      const again = rows.filter((r) => r.seq <= s.push!.toSeq && userFacing(r)).map(presentMessage);
      const h = s.push.complete ? await sentHandover(tx, providerId, conversationId) : undefined;
      return { state: s, messages: again, ...(h ? { handover: h } : {}) };
    }
    const rows = (await listMessages(tx, conversationId, { after: s.sentSeq, limit: MAX_REPLIES, includeInternal: false })).filter(userFacing);
    const h = await pendingHandover(tx, providerId, conversationId, s, s.botSessionId);
    if (!rows.length && !h) return undefined;
    const toSeq = rows.at(-1)?.seq ?? s.sentSeq;
    const next: BotConnectorState = {
      ...s,
      sentSeq: toSeq,
      push: { delivery, fromSeq: s.sentSeq, toSeq, complete: Boolean(h), sessionId: s.botSessionId },
      ...(h ? { completedSession: s.botSessionId } : {}),
    };
    await writeState(tx, providerId, conversationId, next, deps.clock.now());
    return { state: next, messages: rows.map(presentMessage), ...(h ? { handover: h } : {}) };
  }, { key: conversationId });
}

/** The outgoing message reached Genesys (or never will): its claim is done. */
export async function releasePush(deps: Deps, providerId: string, conversationId: string, delivery: string): Promise<void> {
  await deps.store.write.run(async (tx) => {
    const s = await readState(tx, providerId, conversationId);
    if (s?.push?.delivery === delivery) await writeState(tx, providerId, conversationId, { ...s, push: null }, deps.clock.now());
  }, { key: conversationId });
}

/** A new message of a (maybe new) bot session: the session the next replies go to. */
export async function recordSession(deps: Deps, providerId: string, conversationId: string, session: SessionFields): Promise<void> {
  await deps.store.write.run(async (tx) => {
    const s = await readState(tx, providerId, conversationId);
    if (s) await writeState(tx, providerId, conversationId, { ...s, ...session }, deps.clock.now());
  }, { key: conversationId });
}

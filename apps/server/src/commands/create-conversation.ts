// POST /conversations: a new conversation with its own user token; the bot's welcome follows.
// Channel conversations are created here too, but only through createChannelConversation, which the
// channel's signed inbound route calls (docs/security.md).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CreateConversationBody, TranscriptEvent, Variables } from '@baton/proto';
import { INITIAL_STATUS } from '../domain/conversation-machine.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentConversation } from '../presenters/conversation.js';
import { findConversation, recordEvent } from '../store/conversations.js';
import { toJson } from '../store/json.js';
import type { Tx } from '../store/write-queue.js';
import { hashToken, newId, newToken } from '../tokens.js';
import { commit } from './after-commit.js';
import { PROVIDER_CHANNEL_PREFIX } from './channel-deliveries.js';

/** The conversation language: the given locale if the bot speaks it, else the bot default. */
export function pickLanguage(locale: string | undefined, languages: readonly string[], fallback: string): { language: string; given: boolean } {
  if (locale) {
    const base = locale.toLowerCase().split(/[-_]/)[0]!;
    if (languages.includes(base)) return { language: base, given: true };
  }
  return { language: fallback, given: false };
}

/**
 * Who the user is. `verifiedId` is set only for a proven identity (`web:<id>` or
 * `channel:<channel>:<user>`): the one key an existing contact is ever found by. Without it, what the
 * user said about themselves is kept as a claim on a row of its own.
 */
export interface EndUserIdentity {
  verifiedId: string | null;
  externalId: string | null;
  name: string | null;
  email: string | null;
}

/** The hex HMAC-SHA256 a site's server computes over user.id (as with Intercom's identity verification). */
export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId, 'utf8').digest('hex');
}

function hashMatches(secret: string, userId: string, given: string): boolean {
  const expected = Buffer.from(userHashOf(secret, userId), 'utf8');
  const actual = Buffer.from(given.toLowerCase(), 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A web user: verified when userHash proves user.id; a claim otherwise (also when no secret is set). */
export function webIdentity(secret: string | undefined, body: Pick<CreateConversationBody, 'user' | 'userHash'>): EndUserIdentity {
  const u = body.user;
  const claim = { externalId: u?.id || null, name: u?.name ?? null, email: u?.email ?? null };
  if (body.userHash === undefined || !secret) return { verifiedId: null, ...claim };
  if (!u?.id || !hashMatches(secret, u.id, body.userHash)) throw new AppError('IDENTITY_INVALID');
  return { verifiedId: `web:${u.id}`, ...claim };
}

export async function createConversation(deps: Deps, body: CreateConversationBody) {
  // anyone may call this: a channel conversation made here would receive that channel user's inbound
  // messages and send to any recipient on the channel
  if (body.channelId !== undefined) throw new AppError('CHANNEL_INBOUND_ONLY');
  const user = webIdentity(deps.config.IDENTITY_VERIFICATION_SECRET, body);
  const { conversation, token } = await insertConversation(deps, { botId: body.botId, locale: body.locale, channelId: null, user, variables: body.variables });
  return { conversation, token };
}

/** For channelInbound only (after the channel's signature was checked): the channel user is signed. */
export async function createChannelConversation(deps: Deps, channel: { id: string; botId: string | null }, u: { id: string; name?: string; email?: string }, locale: string | undefined, inboundAt?: number) {
  const user = { verifiedId: `channel:${channel.id}:${u.id}`, externalId: `${channel.id}:${u.id}`, name: u.name ?? null, email: u.email ?? null };
  // the user's first message opens WhatsApp's 24-hour window before the welcome is delivered
  const { conversation, token } = await insertConversation(deps, { botId: channel.botId ?? undefined, locale, channelId: channel.id, user, ...(inboundAt !== undefined ? { channelInboundAt: inboundAt } : {}) });
  return { conversation, token };
}

/**
 * The Baton conversation of a conversation on a provider's own messenger: a UUID derived from the
 * provider and its conversation id, so every instance finds (or creates) the same one without a lookup
 * table, and two first messages at once create it once (the second insert meets the first's id).
 */
export function ownedConversationId(providerId: string, externalId: string): string {
  const h = createHash('sha256').update(`provider-conversation\0${providerId}\0${externalId}`).digest('hex');
  // RFC 4122 layout, version 5-like (name-based) and the variant bits, as the other ids are UUIDs
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/**
 * For a provider's signed inbound route only (Sunshine Conversations): the conversation of its user on
 * its own messenger, created on first contact with the provider as the channel (`provider:<id>`) and
 * its state row (the provider's conversation id) written in the same transaction. The user is the
 * provider's identity `provider:<provider>:<user>`, vouched for by the provider's signature.
 */
export async function ensureProviderConversation(
  deps: Deps,
  p: { providerId: string; externalId: string; botId?: string; user: { id: string; name?: string }; locale?: string; state: Record<string, unknown> },
): Promise<{ conversationId: string; created: boolean }> {
  const id = ownedConversationId(p.providerId, p.externalId);
  if (await findConversation(deps.store.db, id)) return { conversationId: id, created: false };
  const user = { verifiedId: `provider:${p.providerId}:${p.user.id}`, externalId: `${p.providerId}:${p.user.id}`, name: p.user.name ?? null, email: null };
  const state = async (tx: Tx, now: number) => {
    await tx
      .insertInto('provider_state')
      .values({ conversation_id: id, provider_id: p.providerId, data: JSON.stringify(p.state), external_id: p.externalId, updated_at: now })
      .onConflict((oc) => oc.columns(['conversation_id', 'provider_id']).doNothing())
      .execute();
  };
  try {
    const { created } = await insertConversation(deps, { id, botId: p.botId, locale: p.locale, channelId: `${PROVIDER_CHANNEL_PREFIX}${p.providerId}`, user, also: state });
    return { conversationId: id, created };
  } catch (err) {
    // another instance inserted it between our check and our insert: theirs is the one
    if (await findConversation(deps.store.db, id)) return { conversationId: id, created: false };
    throw err;
  }
}

/** The contact row: the verified identity's (created on first sight), or a fresh one for a claim. */
async function endUserFor(tx: Tx, user: EndUserIdentity, now: number): Promise<string> {
  const row = { external_id: user.externalId, name: user.name, email: user.email, created_at: now, verified_id: user.verifiedId };
  if (!user.verifiedId) {
    const id = newId();
    await tx.insertInto('end_users').values({ id, ...row }).execute();
    return id;
  }
  const find = () => tx.selectFrom('end_users').select('id').where('verified_id', '=', user.verifiedId).executeTakeFirst();
  const known = await find();
  if (known) return known.id;
  // two first conversations of one identity at once (PostgreSQL lanes): one row, both use it
  await tx
    .insertInto('end_users')
    .values({ id: newId(), ...row })
    .onConflict((oc) => oc.column('verified_id').doNothing())
    .execute();
  return (await find())!.id;
}

/**
/**
 * For a provider that owns the user's channel, after its inbound credentials were checked: a
 * conversation handed over to that provider whatever the bot asks (its provider from the start), with
 * an anonymous user. `claim` runs first in the same transaction, in the write lane of `laneKey` (the
 * provider's own conversation id): it records the external id, or answers the conversation already made
 * for it (two first messages at once), which is then returned instead. The welcome is scheduled, not
 * awaited: the caller waits for the bot with a deadline of its own.
 */
export async function createProviderConversation(
  deps: Deps,
  c: { providerId: string; laneKey: string; botId: string; locale?: string; variables?: Variables; claim(tx: Tx, conversationId: string): Promise<string | undefined> },
): Promise<{ conversationId: string; created: boolean }> {
  const user = { verifiedId: null, externalId: null, name: null, email: null };
  const r = await insertConversation(deps, { botId: c.botId, locale: c.locale, channelId: null, user, variables: c.variables }, { providerId: c.providerId, laneKey: c.laneKey, claim: c.claim, awaitWelcome: false });
  return { conversationId: r.conversation.id, created: r.created };
}

/**
 * Inserts a conversation and schedules the bot's welcome. With `id` given, an existing conversation of
 * that id is left alone (`created: false`); `also` writes more in the same transaction; `owner` (a
 * provider that owns the channel) claims it first, see createProviderConversation.
 */
async function insertConversation(
  deps: Deps,
  c: { id?: string; botId?: string; locale?: string; channelId: string | null; user: EndUserIdentity; variables?: Variables; also?: (tx: Tx, now: number) => Promise<void>; channelInboundAt?: number },
  owner: { providerId: string; laneKey: string; claim(tx: Tx, conversationId: string): Promise<string | undefined>; awaitWelcome: false } | undefined = undefined,
) {
  const botId = c.botId ?? (await deps.bots.defaultBotId());
  if (!botId) throw new AppError('BOT_NOT_FOUND', 'No bot is installed');
  const bot = await deps.bots.get(botId);
  const { language, given } = pickLanguage(c.locale, bot.definition.languages, bot.definition.defaultLanguage);
  const token = newToken('cu');
  const id = c.id ?? newId();
  const now = deps.clock.now();

  const existing = await commit(deps, async (tx) => {
    if (c.id && (await findConversation(tx, c.id))) return c.id;
    const known = owner ? await owner.claim(tx, id) : undefined;
    if (known) return known;
    const endUserId = await endUserFor(tx, c.user, now);
    await c.also?.(tx, now);
    await tx
      .insertInto('conversations')
      .values({
        id,
        bot_id: botId,
        channel_id: c.channelId,
        status: INITIAL_STATUS,
        language,
        locale_given: given ? 1 : 0,
        skill: null,
        provider_id: owner?.providerId ?? null,
        assignee_id: null,
        assignee_name: null,
        end_user_id: endUserId,
        ...(c.channelInboundAt !== undefined ? { channel_inbound_at: c.channelInboundAt } : {}),
        token_hash: hashToken(token),
        tags: '[]',
        variables: toJson(c.variables ?? {}),
        bot_state: null,
        bot_version: 0,
        bot_seq: 0,
        handover: null,
        last_seq: 0,
        queued_at: null,
        assigned_at: null,
        created_at: now,
        updated_at: now,
        closed_at: null,
        handled_by: null,
      })
      .execute();
    // analytics counts conversations started from this row (domain/analytics.ts); it needs no transcript line
    await recordEvent(tx, { conversationId: id, type: 'conversation.started' satisfies TranscriptEvent, data: { fromStatus: INITIAL_STATUS, language } }, now);
    return undefined;
  }, owner?.laneKey ?? id);
  const conversationId = existing ?? id;
  // The welcome is part of creating: answer once it is stored, so the client finds it at seq 1.
  const welcome = deps.botTurns.schedule(conversationId).catch((err) => deps.log.error({ err, conversationId }, 'welcome failed'));
  if (!owner) await welcome;
  const row = await findConversation(deps.store.db, conversationId);
  return { conversation: presentConversation(row!), token, created: !existing };
}

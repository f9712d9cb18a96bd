// POST /conversations: a new conversation with its own user token; the bot's welcome follows.
import type { CreateConversationBody } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentConversation } from '../presenters/conversation.js';
import { findConversation } from '../store/conversations.js';
import { toJson } from '../store/json.js';
import { hashToken, newId, newToken } from '../tokens.js';
import { commit } from './after-commit.js';

/** The conversation language: the given locale if the bot speaks it, else the bot default. */
export function pickLanguage(locale: string | undefined, languages: readonly string[], fallback: string): { language: string; given: boolean } {
  if (locale) {
    const base = locale.toLowerCase().split(/[-_]/)[0]!;
    if (languages.includes(base)) return { language: base, given: true };
  }
  return { language: fallback, given: false };
}

export async function createConversation(deps: Deps, body: CreateConversationBody) {
  const botId = body.botId ?? (await deps.bots.defaultBotId());
  if (!botId) throw new AppError('BOT_NOT_FOUND', 'No bot is installed');
  const bot = await deps.bots.get(botId);
  const { language, given } = pickLanguage(body.locale, bot.definition.languages, bot.definition.defaultLanguage);
  const token = newToken('cu');
  const id = newId();
  const now = deps.clock.now();

  await commit(deps, async (tx) => {
    let endUserId: string | null = null;
    const u = body.user;
    if (u?.id) {
      endUserId = (await tx.selectFrom('end_users').select('id').where('external_id', '=', u.id).executeTakeFirst())?.id ?? null;
    }
    if (!endUserId && u?.email) {
      endUserId = (await tx.selectFrom('end_users').select('id').where('email', '=', u.email).executeTakeFirst())?.id ?? null;
    }
    if (!endUserId) {
      endUserId = newId();
      await tx
        .insertInto('end_users')
        .values({ id: endUserId, external_id: u?.id ?? null, name: u?.name ?? null, email: u?.email ?? null, created_at: now })
        .execute();
    }
    await tx
      .insertInto('conversations')
      .values({
        id,
        bot_id: botId,
        channel_id: body.channelId ?? null,
        status: 'bot',
        language,
        locale_given: given ? 1 : 0,
        skill: null,
        provider_id: null,
        assignee_id: null,
        assignee_name: null,
        end_user_id: endUserId,
        token_hash: hashToken(token),
        tags: '[]',
        variables: toJson(body.variables ?? {}),
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
      })
      .execute();
  }, id);
  // The welcome is part of creating: answer once it is stored, so the client finds it at seq 1.
  await deps.botTurns.schedule(id).catch((err) => deps.log.error({ err, conversationId: id }, 'welcome failed'));
  const row = await findConversation(deps.store.db, id);
  return { conversation: presentConversation(row!), token };
}

// A channel's signed inbound event: a user message into the user's conversation on that channel.
import type { ChannelInbound } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { ChannelRow } from '../store/schema.js';
import { createChannelConversation } from './create-conversation.js';
import { channelRatingAnswer } from './satisfaction.js';
import { sendUserMessage } from './send-user-message.js';

/**
 * An inbound user message: the user's latest conversation on this channel, or a new one. The user is
 * the signed channel identity `channel:<channel>:<user>` (never a web claim: the prefixes differ), and
 * channel conversations come only from here (POST /conversations refuses `channelId`).
 */
export async function channelInbound(deps: Deps, channel: ChannelRow, e: ChannelInbound) {
  if (!channel.enabled) throw new AppError('FORBIDDEN', 'This channel is disabled');
  const latest = await deps.store.db
    .selectFrom('end_users')
    .innerJoin('conversations', 'conversations.end_user_id', 'end_users.id')
    .select('conversations.id')
    .where('end_users.verified_id', '=', `channel:${channel.id}:${e.user.id}`)
    .where('conversations.channel_id', '=', channel.id)
    .orderBy('conversations.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  let conversationId = latest?.id;
  let created = false;
  if (!conversationId) {
    const c = await createChannelConversation(deps, { id: channel.id, botId: channel.bot_id }, e.user, e.locale);
    conversationId = c.conversation.id;
    created = true;
  }
  const body = e.postback ? { postback: e.postback, ...(e.text ? { text: e.text } : {}) } : { text: e.text! };
  // the answer to the satisfaction question after a close is recorded there, not sent to the bot
  const rated = created ? undefined : await channelRatingAnswer(deps, conversationId, body, `channel:${e.id}`);
  const { message, duplicate } = rated ?? (await sendUserMessage(deps, conversationId, body, `channel:${e.id}`));
  return { conversationId, created, message, duplicate };
}

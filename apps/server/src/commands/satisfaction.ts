// Satisfaction: the user rates the latest episode an agent finished (POST /conversations/{id}/rating,
// or a channel's answer to the question asked after the close). A repeat replaces the rating; the
// transcript gets a line for agents and analytics an event that moves the count to the new score.
import type { ConversationStatus, Message, Rating, RatingBody, TranscriptEvent } from '@baton/proto';
import { ratingAnswer, ratingQuestion, ratingThanks } from '../domain/satisfaction.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { presentMessage } from '../presenters/conversation.js';
import { presentRating } from '../presenters/episode.js';
import { appendMessage, findByIdempotencyKey } from '../store/conversations.js';
import { latestEpisode, rateEpisode } from '../store/episodes.js';
import type { ConversationRow } from '../store/schema.js';
import type { Tx } from '../store/write-queue.js';
import { commit, type AfterCommit } from './after-commit.js';
import { PROVIDER_CHANNEL_PREFIX } from './channel-deliveries.js';
import { lockOrThrow, systemLine } from './conversation-events.js';

/** Rates the latest episode if it has ended (NOTHING_TO_RATE otherwise: none yet, or an agent has it now). */
async function rateLatest(deps: Deps, tx: Tx, out: AfterCommit, conv: ConversationRow, score: number, comment: string | null): Promise<Rating> {
  const episode = await latestEpisode(tx, conv.id);
  if (!episode || episode.ended_at === null) throw new AppError('NOTHING_TO_RATE');
  const now = deps.clock.now();
  await rateEpisode(tx, conv.id, episode.number, score, comment, now);
  // the comment stays on the episode only: system lines and events survive anonymization, what the user wrote must not
  await systemLine(deps, tx, out, conv.id, {
    event: 'conversation.rated' satisfies TranscriptEvent,
    text: `The user rated ${episode.agent_name ?? 'the agent'} ${score}/5${episode.rating_score !== null ? ` (was ${episode.rating_score}/5)` : ''}`,
    visibleToUser: false,
    agentId: episode.agent_id,
    data: { episode: Number(episode.number), score, previousScore: episode.rating_score === null ? null : Number(episode.rating_score), agentId: episode.agent_id, skill: episode.skill, trigger: episode.trigger },
    facts: { fromStatus: conv.status as ConversationStatus },
  });
  return presentRating({ ...episode, rating_score: score, rating_comment: comment, rated_at: now });
}

export async function rateConversation(deps: Deps, conversationId: string, body: RatingBody): Promise<Rating> {
  return commit(deps, async (tx, out) => rateLatest(deps, tx, out, await lockOrThrow(deps, tx, conversationId), body.score, body.comment || null), conversationId);
}

/** A conversation of a text channel (not one a provider owns: its platform runs its own survey). */
const asksOnChannel = (conv: Pick<ConversationRow, 'channel_id'>) => conv.channel_id !== null && !conv.channel_id.startsWith(PROVIDER_CHANNEL_PREFIX);

/**
 * After an agent's episode ends with a close, a channel's user gets the question with buttons 1–5
 * (delivered like any message, in the close's transaction). The widget asks with its own component.
 */
export async function askForRating(deps: Deps, tx: Tx, out: AfterCommit, conv: Pick<ConversationRow, 'id' | 'channel_id' | 'language'>): Promise<void> {
  if (!asksOnChannel(conv)) return;
  const q = ratingQuestion(conv.language);
  const row = await appendMessage(tx, { conversationId: conv.id, authorType: 'bot', text: q.text, buttons: q.buttons }, deps.clock.now());
  out.publish({ type: 'message.created', conversationId: conv.id, message: presentMessage(row) });
}

/**
 * A channel user's answer to the question: a rating button, or a digit typed while the latest
 * episode is closed and not rated yet. Stored as the user's message of the closed conversation (it
 * does not reopen it, and the bot never sees it), the rating recorded, thanks sent. Undefined when
 * the message is not a rating answer: it then goes to the conversation as usual.
 */
export async function channelRatingAnswer(
  deps: Deps,
  conversationId: string,
  body: { text?: string; postback?: string },
  idempotencyKey: string,
): Promise<{ message: Message; duplicate: boolean } | undefined> {
  const answer = ratingAnswer(body);
  if (!answer) return undefined;
  return commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    const existing = await findByIdempotencyKey(tx, conversationId, idempotencyKey);
    if (existing) return { message: presentMessage(existing), duplicate: true };
    if (conv.status !== 'closed' || !asksOnChannel(conv)) return undefined;
    const episode = await latestEpisode(tx, conversationId);
    if (!episode || episode.ended_how !== 'closed') return undefined;
    // a typed digit is a rating only while the question is open; a button press may change the rating
    if (answer.typed && episode.rating_score !== null) return undefined;
    const now = deps.clock.now();
    const row = await appendMessage(tx, { conversationId, authorType: 'user', text: body.text ?? String(answer.score), postback: body.postback, idempotencyKey }, now);
    const message = presentMessage(row);
    out.publish({ type: 'message.created', conversationId, message, clientMessageId: idempotencyKey });
    await rateLatest(deps, tx, out, conv, answer.score, null);
    const thanks = await appendMessage(tx, { conversationId, authorType: 'bot', text: ratingThanks(conv.language) }, now);
    out.publish({ type: 'message.created', conversationId, message: presentMessage(thanks) });
    return { message, duplicate: false };
  }, conversationId);
}

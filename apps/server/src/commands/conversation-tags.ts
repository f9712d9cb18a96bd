// Agents add and remove tags on a conversation (wrap-up labels next to the bot's). `conversations.tags`
// stays the one list: migration 012's triggers keep `conversation_tags` (the `tag=` filter) in step,
// and the bot sees the agents' tags in its next turn.
import { MAX_TAGS } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { updateConversation } from '../store/conversations.js';
import { fromJson, toJson } from '../store/json.js';
import type { AgentRow } from '../store/schema.js';
import { commit } from './after-commit.js';
import { assertCanTag } from './agent-access.js';
import { announceConversation, lockOrThrow } from './conversation-events.js';

async function changeTags(deps: Deps, agent: AgentRow, conversationId: string, change: (tags: string[]) => string[]): Promise<{ tags: string[] }> {
  return commit(deps, async (tx, out) => {
    const conv = await lockOrThrow(deps, tx, conversationId);
    assertCanTag(agent, conv);
    const before = fromJson<string[]>(conv.tags, []);
    const tags = change(before);
    if (tags.length === before.length && tags.every((t, i) => t === before[i])) return { tags };
    // bot_version moves too: a bot turn computed on the tags before this change is recomputed instead
    // of writing its stale list over the agent's
    await updateConversation(tx, conversationId, { tags: toJson(tags), bot_version: conv.bot_version + 1 }, deps.clock.now());
    // every desk showing it reads it again (queue.updated), and lists filtered by tag change
    await announceConversation(tx, out, conversationId);
    return { tags };
  }, conversationId);
}

/** Adds a tag (already there: unchanged); TOO_MANY_TAGS past MAX_TAGS. */
export function addTag(deps: Deps, agent: AgentRow, conversationId: string, tag: string) {
  return changeTags(deps, agent, conversationId, (tags) => {
    if (tags.includes(tag)) return tags;
    if (tags.length >= MAX_TAGS) throw new AppError('TOO_MANY_TAGS', `A conversation has at most ${MAX_TAGS} tags`);
    return [...tags, tag];
  });
}

/** Removes a tag, the bot's or an agent's (not there: unchanged). */
export function removeTag(deps: Deps, agent: AgentRow, conversationId: string, tag: string) {
  return changeTags(deps, agent, conversationId, (tags) => tags.filter((t) => t !== tag));
}

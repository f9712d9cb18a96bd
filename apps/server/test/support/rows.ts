// A conversation row for tests that write the store directly (a bot conversation with nothing in it;
// `patch` sets what the test needs).
import type { NewConversation } from '../../src/store/schema.js';

export function conversationRow(id: string, patch: Partial<NewConversation> = {}): NewConversation {
  return {
    id,
    bot_id: 'demo',
    channel_id: null,
    status: 'bot',
    language: 'en',
    locale_given: 0,
    skill: null,
    provider_id: null,
    assignee_id: null,
    assignee_name: null,
    end_user_id: null,
    token_hash: `hash-${id}`,
    tags: '[]',
    variables: '{}',
    bot_state: null,
    bot_version: 0,
    bot_seq: 0,
    handover: null,
    last_seq: 0,
    queued_at: null,
    assigned_at: null,
    created_at: 1,
    updated_at: 1,
    closed_at: null,
    ...patch,
  };
}

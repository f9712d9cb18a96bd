// What Baton remembers per conversation about its Sunshine Conversations side (provider_state.data,
// with the Sunshine conversation id as external_id).
export interface SunshineState {
  /** the Sunshine conversation this Baton conversation is */
  sunshineId: string;
  /** Baton's own switchboard integration, learned from the conversation's events while the bot has control */
  botSwitchboardId?: string;
  /** the agent side's switchboard integration, learned when it took control */
  agentSwitchboardId?: string;
  /** the first Sunshine message of this bot episode: the ticket starts there (metadata first_message_id) */
  firstMessageId?: string;
  /** a message sent in several parts (text, then a carousel): the parts of delivery `id` already posted */
  progress?: { id: string; parts: number };
}

export function readState(data: Record<string, unknown>): SunshineState {
  return data as unknown as SunshineState;
}

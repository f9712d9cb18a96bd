// A pressed button's payload as a channel carries it back. A service that limits what a button may
// carry (Telegram's callback_data ≤ 64 bytes, WhatsApp's reply ids) gets a short token for a long
// payload (degrade.ts payloadToken); the token is turned back into the payload here, among the
// buttons the bot's latest turn offered this user.
import { readBotState } from '../commands/bot-state.js';
import { latestChannelConversation } from '../commands/channel-inbound.js';
import type { Deps } from '../deps.js';
import { resolvePayloadToken } from './degrade.js';

export async function resolvePostback(deps: Deps, channelId: string, userId: string, carried: string, maxBytes: number): Promise<string | undefined> {
  if (!carried.startsWith('#')) return carried;
  const conv = await latestChannelConversation(deps, channelId, userId);
  const runtime = readBotState(conv?.bot_state ?? null).runtime as { offered?: { payload: string }[] } | null;
  return resolvePayloadToken(carried, runtime?.offered ?? [], maxBytes);
}

// A pressed button's payload as a channel carries it back. A service that limits what a button may
// carry (Telegram's callback_data ≤ 64 bytes, WhatsApp's reply ids) gets a short token for a long
// payload (degrade.ts payloadToken); the token is turned back into the payload here: among the
// buttons the bot's latest turn offered this user, else among the buttons of the conversation's
// latest messages (a press on an older message still means that button).
import type { Button, Card } from '@baton/proto';
import { readBotState } from '../commands/bot-state.js';
import { latestChannelConversation } from '../commands/channel-inbound.js';
import type { Deps } from '../deps.js';
import { fromJson } from '../store/json.js';
import { resolvePayloadToken } from './degrade.js';

/** how far back a press on an older message is looked up (read by the (conversation_id, seq) key) */
const RECENT_MESSAGES = 50;

export async function resolvePostback(deps: Deps, channelId: string, userId: string, carried: string, maxBytes: number): Promise<string | undefined> {
  if (!carried.startsWith('#')) return carried;
  const conv = await latestChannelConversation(deps, channelId, userId);
  if (!conv) return undefined;
  const runtime = readBotState(conv.bot_state).runtime as { offered?: { payload: string }[] } | null;
  const offered = resolvePayloadToken(carried, runtime?.offered ?? [], maxBytes);
  if (offered) return offered;
  const rows = await deps.store.db.selectFrom('messages').select('body').where('conversation_id', '=', conv.id).where('body', 'is not', null).orderBy('seq', 'desc').limit(RECENT_MESSAGES).execute();
  const buttons = rows.flatMap((r) => {
    const b = fromJson<{ buttons?: Button[]; cards?: Card[] }>(r.body, {});
    return [...(b.buttons ?? []), ...(b.cards ?? []).flatMap((c) => c.buttons ?? [])];
  });
  return resolvePayloadToken(carried, buttons, maxBytes);
}

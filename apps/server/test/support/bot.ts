// Driving a bot runtime directly, as the conversation core does: a context per turn, each turn's
// state, variables, tags and language fed into the next.
import type { BotContext, BotRuntime, BotTurn } from '../../src/domain/bot/types.js';

export const botContext = (language: string, patch: Partial<BotContext> = {}): BotContext => ({
  conversationId: 'c1', status: 'bot', language, localeGiven: true, variables: {}, tags: [], state: null, now: new Date(), offloading: 'open', ...patch,
});

/** The turns of `runtime` for `inputs` (texts or postbacks), one after the other in one conversation. */
export async function talkTo(runtime: BotRuntime, language: string, inputs: Array<string | { postback: string }>, patch: Partial<BotContext> = {}): Promise<BotTurn[]> {
  let c = botContext(language, patch);
  const turns: BotTurn[] = [];
  for (const input of inputs) {
    const t = await runtime.respond(c, typeof input === 'string' ? { text: input } : input);
    turns.push(t);
    c = { ...c, state: t.state, variables: t.variables, tags: t.tags, language: t.language ?? c.language, status: t.offload ? 'offloaded' : c.status };
  }
  return turns;
}

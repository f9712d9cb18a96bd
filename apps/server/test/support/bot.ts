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

/** The system dialogs every bot must have, one short message each: YAML lines under a bot's `dialogs:`. */
export const SYSTEM_DIALOGS = `  not_understood:
    steps: [{ message: { text: { en: "Sorry?" } } }]
  offloading_disabled:
    steps: [{ message: { text: { en: "Disabled." } } }]
  offloading_closed:
    steps: [{ message: { text: { en: "Closed." } } }]
  offloading_opened:
    steps: [{ message: { text: { en: "Opened." } } }]
`;

/** A bot whose welcome asks for a photo of the meter (a `file` question), then thanks with the file's link. */
export const METER_BOT = `
id: meter
name: Meter bot
defaultLanguage: en
languages: [en]
dialogs:
  welcome:
    steps:
      - question:
          variable: meter_photo
          type: file
          accept: image
          prompt: { en: "Please send a photo of your meter." }
          invalid: { en: "I need a photo of the meter: tap the paperclip." }
          retries: 3
      - message: { text: { en: "Thanks, got it: {{meter_photo}}" } }
${SYSTEM_DIALOGS}`;

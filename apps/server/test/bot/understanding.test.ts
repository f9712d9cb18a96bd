// Understanding users (the runtime with the real NLU and the demo bot): typed answers act as the
// button they name, the fourth trigger (frustration: upset or stuck), the language read from the text,
// and bad input that must classify without errors.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseBotDefinition, type BotDefinition } from '../../src/domain/bot/definition.js';
import { createBotRuntime } from '../../src/domain/bot/runtime.js';
import { matchTypedAnswer } from '../../src/domain/bot/typed-answers.js';
import type { BotContext, BotRuntime } from '../../src/domain/bot/types.js';
import { upsetScore } from '../../src/nlu/frustration.js';
import { createNlu } from '../../src/nlu/index.js';
import { botContext, talkTo } from '../support/bot.js';

const demo = fs.readFileSync(fileURLToPath(new URL('../../../../examples/demo-bot.yaml', import.meta.url)), 'utf8');
let def: BotDefinition;
let bot: BotRuntime;
const noWebhooks = async () => ({ ok: false, status: 0 });
beforeAll(async () => {
  const r = parseBotDefinition(demo);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  def = r.definition;
  bot = await createBotRuntime(def, { nlu: createNlu(), callWebhook: noWebhooks });
});

const ctx = botContext;
const talk = (language: string, inputs: Array<string | { postback: string }>, patch: Partial<BotContext> = {}, runtime = bot) => talkTo(runtime, language, inputs, patch);
const OFF_TOPIC = { en: 'my grandmother knits blue socks', nl: 'mijn oma breit blauwe sokken', fr: 'ma grand-mère tricote des chaussettes bleues' };

describe.each([
  ['en', ['yes', 'Sure!', 'ok', 'YES, PLEASE', '1', 'oui'], ['no', 'nope', 'No, thanks.', '2']],
  ['nl', ['ja', 'ja hoor', 'Ja, graag', 'oké', '1.', 'yes'], ['nee', 'nee bedankt', 'liever niet', '2']],
  ['fr', ["d'accord", 'oui', 'Oui, volontiers', 'ouais', '1', 'ja'], ['non', 'non merci', 'pas la peine', '2']],
] as const)('typed answers to "talk to a person?" in %s', (lang, yes, no) => {
  it('a yes word, the title or its number acts as the Yes button: the same handover', async () => {
    const [offer] = await talk(lang, [OFF_TOPIC[lang]]);
    expect(offer!.dialog).toBe('not_understood');
    const [, pressed] = await talk(lang, [OFF_TOPIC[lang], { postback: offer!.messages[0]!.buttons![0]!.payload }]);
    for (const answer of yes) {
      const [, typed] = await talk(lang, [OFF_TOPIC[lang], answer]);
      expect(typed!.offload, answer).toEqual(pressed!.offload);
      expect(typed!.messages).toEqual(pressed!.messages);
      expect(typed!.dialog).toBe('offer_accepted');
    }
  });

  it('a no word or number acts as the No button; other text goes to the NLU', async () => {
    for (const answer of no) {
      const [, typed] = await talk(lang, [OFF_TOPIC[lang], answer]);
      expect(typed!.offload, answer).toBeUndefined();
      expect(typed!.dialog, answer).toBe('offer_declined');
    }
    const [, other] = await talk(lang, [OFF_TOPIC[lang], { en: 'what are your opening hours', nl: 'wat zijn jullie openingsuren', fr: "quelles sont vos heures d'ouverture" }[lang]]);
    expect(other!.dialog).toBe('opening_hours');
  });
});

describe('typed answers', () => {
  it('name a button by title or number only among the buttons of the latest turn', () => {
    const offered = [
      { title: 'Opening hours', payload: 'goto:opening_hours', n: 1 },
      { title: 'Change my address', payload: 'goto:address_change', n: 2 },
      { title: 'Parler à un conseiller', payload: 'goto:talk_to_agent', n: 3 },
    ];
    expect(matchTypedAnswer('opening HOURS!', offered)?.payload).toBe('goto:opening_hours');
    expect(matchTypedAnswer('parler a un conseiller', offered)?.payload).toBe('goto:talk_to_agent');
    expect(matchTypedAnswer(' 2 ', offered)?.payload).toBe('goto:address_change');
    expect(matchTypedAnswer('#3', offered)?.payload).toBe('goto:talk_to_agent');
    expect(matchTypedAnswer('4', offered)).toBeUndefined();
    // not a yes/no question: "yes" names no button
    expect(matchTypedAnswer('yes', offered)).toBeUndefined();
    expect(matchTypedAnswer('what are your opening hours', offered)).toBeUndefined();
    expect(matchTypedAnswer('1', [])).toBeUndefined();
  });

  it('the welcome buttons answer to their titles and numbers', async () => {
    const welcome = await bot.welcome(ctx('nl'));
    const next = await bot.respond(ctx('nl', { state: welcome.state }), { text: '2' });
    expect(next.dialog).toBe('address_change');
    const byTitle = await bot.respond(ctx('nl', { state: welcome.state }), { text: 'een medewerker spreken' });
    expect(byTitle.offload).toMatchObject({ trigger: 'explicit' });
  });

  it('a choice question takes a typed title or number; a free-text question takes "1" as the answer', async () => {
    const r = parseBotDefinition(`
name: q
defaultLanguage: en
languages: [en]
dialogs:
  welcome: { steps: [{ question: { variable: plan, type: choice, prompt: Which plan?, choices: [{ value: basic, title: Basic plan }, { value: pro, title: Pro plan }] } }, { question: { variable: seats, type: text, prompt: How many seats? } }, { message: { text: '{{plan}} for {{seats}}' } }] }
  not_understood: { steps: [{ message: { text: '?' } }] }
  offloading_disabled: { steps: [{ message: { text: off } }] }
  offloading_closed: { steps: [{ message: { text: closed } }] }
  offloading_opened: { steps: [{ message: { text: wait } }] }
`);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const rt = await createBotRuntime(r.definition, { nlu: createNlu(), callWebhook: noWebhooks });
    const w = await rt.welcome(ctx('en'));
    const a = await rt.respond(ctx('en', { state: w.state }), { text: '2' });
    expect(a.variables.plan).toBe('pro');
    const b = await rt.respond(ctx('en', { state: a.state, variables: a.variables }), { text: '1' });
    expect(b.messages.at(-1)!.text).toBe('pro for 1');
    const c = await rt.respond(ctx('en', { state: w.state }), { text: 'basic PLAN.' });
    expect(c.variables.plan).toBe('basic');
  });
});

describe('frustration (the fourth trigger)', () => {
  it.each([
    ['en', 'This bot is useless, I am so fed up!!'],
    ['nl', 'Dit is echt waardeloos, ik word er gek van'],
    ['fr', "C'est nul, j'en ai marre !"],
  ])('a clearly upset user (%s) gets the apology and a handover with trigger frustration', async (lang, text) => {
    const [t] = await talk(lang, [text]);
    expect(t!.dialog).toBe('frustrated');
    expect(t!.offload).toMatchObject({ trigger: 'frustration', skill: 'general', dialog: 'frustrated' });
    expect(t!.messages[0]!.text).toMatch(/sorry|spijt|désolé/i);
  });

  it('a stuck user: the second not-understood turn in a row runs the frustrated dialog; an understood turn starts the count again', async () => {
    const turns = await talk('en', ['purple elephants dance', 'quantum socks on mars']);
    expect(turns.map((t) => t.dialog)).toEqual(['not_understood', 'frustrated']);
    expect(turns[1]!.offload).toMatchObject({ trigger: 'frustration' });
    const broken = await talk('en', ['purple elephants dance', 'what are your opening hours', 'quantum socks on mars']);
    expect(broken.map((t) => t.dialog)).toEqual(['not_understood', 'opening_hours', 'not_understood']);
  });

  it('nlu.maxNotUnderstood sets how many; a bot without a frustrated dialog keeps offering a person', async () => {
    const three = await createBotRuntime({ ...def, nlu: { ...def.nlu, maxNotUnderstood: 3 } }, { nlu: createNlu(), callWebhook: noWebhooks });
    expect((await talk('en', ['purple elephants dance', 'quantum socks on mars', 'blue cheese moon'], {}, three)).map((t) => t.dialog)).toEqual(['not_understood', 'not_understood', 'frustrated']);
    const { frustrated: _, ...dialogs } = def.dialogs;
    const without = await createBotRuntime({ ...def, dialogs }, { nlu: createNlu(), callWebhook: noWebhooks });
    expect((await talk('en', ['purple elephants dance', 'quantum socks on mars', 'This is useless!!'], {}, without)).map((t) => t.dialog)).toEqual(['not_understood', 'not_understood', 'not_understood']);
  });

  it('strongly negative means upset, a complaint about the weather does not', () => {
    const upset: Record<string, string[]> = {
      en: ['this is useless', 'you are a stupid bot', 'I am so angry, this is ridiculous', 'worst service ever', 'nothing works, I am fed up', 'what a waste of time', 'THIS IS USELESS!!!', 'are you kidding me', 'I hate this'],
      nl: ['dit is waardeloos', 'je bent een domme bot', 'ik ben zo boos, dit is belachelijk', 'slechtste service ooit', 'niets werkt, ik ben het beu', 'wat een tijdverspilling', 'jullie zijn echt hopeloos'],
      fr: ["c'est nul", 'tu es un bot stupide', "je suis tellement en colère, c'est ridicule", 'pire service au monde', "rien ne marche, j'en ai marre", 'quelle perte de temps', 'vous êtes vraiment nuls', "c'est n'importe quoi"],
    };
    const calm: Record<string, string[]> = {
      en: ['the traffic was terrible', 'my cat is not stupid', 'not bad at all', 'I want to change my address', 'the weather is awful today'],
      nl: ['het weer is vreselijk vandaag', 'ik heb nul kranten gekregen', 'niet slecht', 'mijn adres is veranderd'],
      fr: ['la circulation était horrible', 'pas mal du tout', "ce n'est pas nul", 'pourriez-vous me mettre en contact avec quelqu’un'],
    };
    for (const [l, xs] of Object.entries(upset)) for (const x of xs) expect(upsetScore(l, x), x).toBeGreaterThanOrEqual(3);
    for (const [l, xs] of Object.entries(calm)) for (const x of xs) expect(upsetScore(l, x), x).toBeLessThan(3);
  });
});

describe('language from the text', () => {
  it('a Dutch question on an English page switches the conversation once, and it stays', async () => {
    const turns = await talk('en', ['mijn adres is veranderd', 'Jan Peeters', 'my street is Main Street 1, Springfield']);
    expect(turns[0]!.language).toBe('nl');
    expect(turns[0]!.dialog).toBe('address_change');
    expect(turns[0]!.messages[0]!.text).toMatch(/Wat is je volledige naam/);
    // settled: an English answer later does not switch back
    expect(turns[2]!.language).toBeUndefined();
    expect(turns[2]!.messages[0]!.text).toMatch(/e-mailadres/);
  });

  it('a short or unclear text keeps the language: one word, or words every language shares', async () => {
    for (const text of ['merci', 'ok', 'ok merci', 'hello bot', '12345 678']) expect((await talk('en', [text]))[0]!.language, text).toBeUndefined();
    const [fr] = await talk('en', ['Bonjour, je voudrais parler à un conseiller humain'], { localeGiven: false });
    expect(fr!.language).toBe('fr');
  });
});

describe('bad input', () => {
  it('empty, emoji-only, 4,000-character and mixed-language messages classify without errors, within the bot turn p99 target', async () => {
    const long = 'I moved to a new address and ' + 'blah '.repeat(800);
    const inputs = ['', '   ', '😀😀🎉', '👍', long.slice(0, 4000), 'x'.repeat(4000), 'é'.repeat(4000), 'ik wil een medewerkerthuisadresleveringsadres'.repeat(90), 'hallo I want to parler à un agent alsjeblieft', '\u0000\u200b\u202e', '?!?!'];
    for (const text of inputs) {
      // the best of three: the machine is shared, a turn's own cost is what counts
      let best = Infinity;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const [t] = await talk('en', [text]);
        best = Math.min(best, performance.now() - started);
        expect(t!.messages.length, JSON.stringify(text.slice(0, 20))).toBeGreaterThan(0);
      }
      // the benchmark's target for a bot turn's p99 at half load is 50 ms (persisting and pushing included)
      expect(best, JSON.stringify(text.slice(0, 20))).toBeLessThan(50);
    }
  });
});

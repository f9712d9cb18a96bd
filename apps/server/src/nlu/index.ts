// Intent classification with nlp.js: one model per bot and language, trained from the bot's phrases
// plus a None class of off-topic phrases, and a language guess for conversations without a locale.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { OFF_TOPIC } from './off-topic.js';

// nlp.js ships CommonJS without types
const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const { containerBootstrap } = require('@nlpjs/core') as { containerBootstrap: () => Promise<any> };
const { Nlp } = require('@nlpjs/nlp') as { Nlp: any };
const { Language } = require('@nlpjs/language') as { Language: any };
const LANG_PLUGINS: Record<string, () => any> = {
  en: () => require('@nlpjs/lang-en').LangEn,
  nl: () => require('@nlpjs/lang-nl').LangNl,
  fr: () => require('@nlpjs/lang-fr').LangFr,
};
/* eslint-enable @typescript-eslint/no-explicit-any */

export const NONE_INTENT = 'None';

export interface Classification {
  intent: string | null;
  score: number;
}

export interface TrainingSet {
  languages: string[];
  /** intent → language → phrases */
  intents: Record<string, Record<string, string[]>>;
  /** extra off-topic phrases per language */
  none?: Record<string, string[]>;
}

export interface Nlu {
  train(set: TrainingSet): Promise<void>;
  /** the best intent and its score; `intent` is null for the None class */
  classify(language: string, text: string): Promise<Classification>;
  /** a language among `allowed`, or null when the text is too short or ambiguous to tell */
  guessLanguage(text: string, allowed: string[]): string | null;
}

interface Model {
  process(language: string, text: string): Promise<{ intent: string; score: number }>;
}

// trained models are shared by every bot runtime with the same training set (tests start many apps)
const trained = new Map<string, Promise<Model>>();
const languageGuesser = new Language();

/** an nlp.js model trained on `set` (exported for tests: `classifier` must answer as its `process` does) */
/* eslint-disable-next-line @typescript-eslint/no-explicit-any */
export async function trainNlp(set: TrainingSet): Promise<any> {
  const container = await containerBootstrap();
  const languages = set.languages.filter((l) => LANG_PLUGINS[l]);
  for (const l of languages) container.use(LANG_PLUGINS[l]!());
  const nlp = new Nlp({ container, autoSave: false, autoLoad: false, calculateSentiment: false, nlu: { log: false }, languages });
  nlp.settings.log = false;
  for (const l of languages) {
    for (const [intent, byLang] of Object.entries(set.intents)) for (const p of byLang[l] ?? []) nlp.addDocument(l, p, intent);
    for (const p of [...(OFF_TOPIC[l] ?? []), ...(set.none?.[l] ?? [])]) nlp.addDocument(l, p, NONE_INTENT);
  }
  await nlp.train();
  return nlp;
}

/**
 * What `Nlp.process` answers for intent and score, from its NLU manager directly. `Nlp.process` goes on
 * to entities, answers, actions, contexts and events, none of which Baton uses, and copies settings
 * and results between objects on the way: ~9 % of the event loop's time in a bot turn (CPU profile of
 * the bot-turn benchmark). The same threshold applies: below it, the None class with score 1.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function classifier(nlp: any): Model {
  const manager = nlp.nluManager;
  const threshold: number = nlp.settings.threshold;
  return {
    async process(locale, utterance) {
      // a fresh, empty settings object: nlp.js copies its own defaults into it on the way (so it is not
      // shared between calls). Nlp.process passes a copy of its `nlu` settings, `{ log }`, which only
      // training reads; with that key on it V8 took a slow path at each of those copies: 17–30 µs per
      // classification of the demo bot against 6 µs (bench/NOTES.md).
      const out = await manager.process({ locale, utterance, context: {}, settings: {} });
      return out.score < threshold ? { intent: NONE_INTENT, score: 1 } : { intent: out.intent, score: out.score };
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export function createNlu(): Nlu {
  let model: Promise<Model> | undefined;
  let languages: string[] = [];
  return {
    async train(set) {
      const key = createHash('sha256').update(JSON.stringify(set)).digest('hex');
      let m = trained.get(key);
      if (!m) {
        m = trainNlp(set).then(classifier);
        m.catch(() => trained.delete(key));
        trained.set(key, m);
      }
      model = m;
      languages = set.languages;
      await m;
    },
    async classify(language, text) {
      if (!model) throw new Error('NLU not trained');
      const lang = languages.includes(language) ? language : languages[0]!;
      const r = await (await model).process(lang, text);
      if (!r.intent || r.intent === NONE_INTENT) return { intent: null, score: r.score ?? 0 };
      return { intent: r.intent, score: r.score ?? 0 };
    },
    guessLanguage(text, allowed) {
      // short texts ("ok", "merci") are too ambiguous to switch on
      if (text.trim().split(/\s+/).length < 4) return null;
      const guesses = languageGuesser.guess(text, allowed, 2) as Array<{ alpha2: string; score: number }>;
      const [best, second] = guesses;
      if (!best || best.score < 0.9 || (second && best.score - second.score < 0.25)) return null;
      return best.alpha2;
    },
  };
}

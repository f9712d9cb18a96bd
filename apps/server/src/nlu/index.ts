// Intent classification with nlp.js: one model per bot and language, trained from the bot's phrases
// plus a None class of off-topic phrases, and a language guess for conversations without a locale.
// Models are trained in a worker thread (train-worker.ts) and imported here.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { normalizeAnswer } from '../domain/bot/typed-answers.js';
import { isUpset } from './frustration.js';
import { OFF_TOPIC } from './off-topic.js';
import { canonicalText } from './synonyms.js';
import { trainInWorker, type TrainedModel, type TrainingRequest } from './train-worker.js';

export { NluTrainingError } from './train-worker.js';

// nlp.js ships CommonJS without types
const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const { containerBootstrap } = require('@nlpjs/core') as { containerBootstrap: () => Promise<any> };
const { Nlp } = require('@nlpjs/nlp') as { Nlp: any };
const { Language } = require('@nlpjs/language') as { Language: any };
/* eslint-enable @typescript-eslint/no-explicit-any */
/** the languages nlp.js classifies for Baton: module and export of each plugin */
const LANG_PLUGINS: Record<string, { module: string; name: string }> = {
  en: { module: '@nlpjs/lang-en', name: 'LangEn' },
  nl: { module: '@nlpjs/lang-nl', name: 'LangNl' },
  fr: { module: '@nlpjs/lang-fr', name: 'LangFr' },
};
/** fresh for each Nlp: nlp.js keeps the object it is given as its settings */
const nlpSettings = () => ({ autoSave: false, autoLoad: false, calculateSentiment: false, nlu: { log: false } });

export const NONE_INTENT = 'None';

export interface Classification {
  intent: string | null;
  score: number;
  /** the score of the next best class (an intent or None), 0 when there is none */
  runnerUp: number;
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
  /** is the user clearly upset (strongly negative)? */
  upset(language: string, text: string): boolean;
}

interface Model {
  process(language: string, text: string): Promise<{ intent: string; score: number; runnerUp?: number }>;
}

// trained models (and their vocabularies) are shared by every bot runtime with the same training set
// (tests start many apps)
const trained = new Map<string, Promise<Model>>();
const vocabularies = new Map<string, Vocabulary>();
const languageGuesser = new Language();

/** the documents nlp.js trains on, in order: the bot's phrases, then the None class, per language */
function trainingRequest(set: TrainingSet): TrainingRequest {
  const languages = set.languages.filter((l) => LANG_PLUGINS[l]);
  const documents: Array<[string, string, string]> = [];
  for (const l of languages) {
    for (const [intent, byLang] of Object.entries(set.intents)) for (const p of byLang[l] ?? []) documents.push([l, canonicalText(l, p), intent]);
    for (const p of [...(OFF_TOPIC[l] ?? []), ...(set.none?.[l] ?? [])]) documents.push([l, canonicalText(l, p), NONE_INTENT]);
  }
  const modules = {
    core: require.resolve('@nlpjs/core'),
    nlp: require.resolve('@nlpjs/nlp'),
    languages: Object.fromEntries(languages.map((l) => [l, { path: require.resolve(LANG_PLUGINS[l]!.module), name: LANG_PLUGINS[l]!.name }])),
  };
  return { modules, settings: nlpSettings(), languages, documents };
}

/** lets the event loop serve what waits before the next step of an import */
const turn = () => new Promise((resolve) => setImmediate(resolve));

/* eslint-disable @typescript-eslint/no-explicit-any */
/** an untrained Nlp for these languages, built as the training thread builds it */
async function emptyNlp(languages: string[]): Promise<any> {
  const container = await containerBootstrap();
  for (const l of languages) container.use(require(LANG_PLUGINS[l]!.module)[LANG_PLUGINS[l]!.name]);
  const nlp = new Nlp({ ...nlpSettings(), container, languages });
  nlp.settings.log = false;
  return nlp;
}

/**
 * An nlp.js model trained on `set` on this thread (tests compare the imported model with it: `classifier`
 * must answer as its `process` does). The server trains in a worker: `trainModel`.
 */
export function trainNlp(set: TrainingSet): Promise<any> {
  return trainHere(trainingRequest(set));
}

async function trainHere({ languages, documents }: TrainingRequest): Promise<any> {
  const nlp = await emptyNlp(languages);
  for (const [l, p, intent] of documents) nlp.addDocument(l, p, intent);
  await nlp.train();
  return nlp;
}

/**
 * An nlp.js model trained on `set` in a worker thread, imported here in steps that each take the event
 * loop for a few milliseconds: the model's JSON text by text, with a turn of the loop between them,
 * then Nlp.fromJSON, then the networks' weights, in time of the number of features and intents, not
 * their product: every intent's weights are a view of the array the thread sent (Nlp.fromJSON would
 * copy them one by one).
 */
export function trainModel(set: TrainingSet): Promise<any> {
  return trainInThread(trainingRequest(set));
}

async function trainInThread(request: TrainingRequest): Promise<any> {
  // the empty model is built while the thread trains (a failure is seen at the await below)
  const training = trainInWorker(request);
  training.catch(() => {});
  const nlp = await emptyNlp(request.languages);
  const model: TrainedModel = await training;
  const json = JSON.parse(model.root);
  for (const [path, text] of model.texts) {
    await turn();
    const at = path.slice(0, -1).reduce((o, k) => o[k], json);
    at[path.at(-1)!] = JSON.parse(text);
  }
  // the training sentences for nlp.js's language guess (trigrams of each: the longest part of
  // fromJSON), added a thousand at a time as fromJSON would add them
  const extra: Array<[string, string]> = json.nluManager.extraSentences;
  json.nluManager.extraSentences = [];
  await turn();
  nlp.fromJSON(json);
  for (let i = 0; i < extra.length; i += 1000) {
    await turn();
    for (const [locale, sentence] of extra.slice(i, i + 1000)) nlp.nluManager.guesser.addExtraSentence(locale, sentence);
  }
  await turn();
  const networks = JSON.parse(model.networks) as Array<{ locale: string; domain: string; settings: unknown; features: string[]; intents: string[] }>;
  networks.forEach((n, k) => {
    const nn = nlp.nluManager.domainManagers[n.locale].domains[n.domain].neuralNetwork;
    // the lookup of features (and no perceptron yet), then one perceptron per intent, as nlp.js's
    // NeuralNetwork.fromJSON builds them, with its row of the weights
    nn.fromJSON({ settings: n.settings, features: n.features, intents: [] });
    for (const intent of n.intents) nn.lookup.outputLookup.add(intent);
    nn.lookup.numOutputs = n.intents.length;
    nn.initialize(0, n.intents);
    const { weights, bias } = model.weights[k]!;
    const width = n.features.length;
    nn.perceptrons.forEach((p: any, i: number) => {
      p.weights = weights.subarray(i * width, (i + 1) * width);
      p.bias = bias[i];
    });
  });
  return nlp;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * What `Nlp.process` answers for intent and score, from its NLU manager directly. `Nlp.process` goes on
 * to entities, answers, actions, contexts and events, none of which Baton uses, and copies settings
 * and results between objects on the way, a visible share of a bot turn. The same threshold applies:
 * below it, the None class with score 1.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export function classifier(nlp: any): Model {
  const manager = nlp.nluManager;
  const threshold: number = nlp.settings.threshold;
  return {
    async process(locale, utterance) {
      // a fresh, empty settings object: nlp.js copies its own defaults into it on the way (so it is not
      // shared between calls). Nlp.process passes a copy of its `nlu` settings, `{ log }`, which only
      // training reads; with that key on it V8 takes a slow path at each of those copies (bench/NOTES.md).
      const out = await manager.process({ locale, utterance, context: {}, settings: {} });
      return out.score < threshold ? { intent: NONE_INTENT, score: 1 } : { intent: out.intent, score: out.score, runnerUp: out.classifications?.[1]?.score ?? 0 };
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Below this many training documents training on the event loop is quicker than starting a training
 * thread: such bots train in place, larger ones in the worker (the demo bot, about 750 with its None
 * class, trains in the worker: 200–500 ms in place would hold the event loop).
 */
const SMALL_TRAINING = 600;

/**
 * The words each language of a training set knows: its stopwords (nlp.js ships them), the bot's phrases
 * and the None class in that language. A word only one of the bot's languages knows is evidence for it.
 */
export function vocabularyOf(set: TrainingSet): Vocabulary {
  const words = new Map<string, Set<string>>();
  const stopwords = new Map<string, Set<string>>();
  const intentStems = new Map<string, Set<string>>();
  const intentWords = new Map<string, Set<string>>();
  for (const l of set.languages) {
    const plugin = LANG_PLUGINS[l];
    if (!plugin) continue;
    const lang = require(plugin.module);
    const suffix = plugin.name.slice(4);
    const stems = new Set<string>();
    const heads = new Set<string>();
    const known = new Set<string>();
    const stops = new Set<string>();
    const stemmer = stemmerOf(l);
    const add = (text: string, intent: boolean) => {
      for (const w of normalizeAnswer(text).split(' ')) {
        if (!w || /^\d+$/.test(w)) continue;
        known.add(w);
        if (intent) stems.add(stemmer(w).slice(0, STEM_PREFIX));
        if (intent && w.length >= 4 && !stops.has(w)) heads.add(w);
      }
    };
    for (const w of Object.keys(new lang[`Stopwords${suffix}`]().dictionary)) {
      for (const n of normalizeAnswer(w).split(' ')) if (n) stops.add(n);
      add(w, false);
    }
    for (const byLang of Object.values(set.intents)) for (const p of byLang[l] ?? []) add(canonicalText(l, p), true);
    for (const p of [...(OFF_TOPIC[l] ?? []), ...(set.none?.[l] ?? [])]) add(p, false);
    words.set(l, known);
    stopwords.set(l, stops);
    intentStems.set(l, stems);
    intentWords.set(l, heads);
  }
  return { words, stopwords, intentStems, intentWords };
}

/** What the language guess and the coverage rule know of a training set's words. */
export interface Vocabulary {
  /** every word of each language: stopwords, intent and None phrases */
  words: Map<string, Set<string>>;
  stopwords: Map<string, Set<string>>;
  /** the stems of the intents' phrases (None's left out) */
  intentStems: Map<string, Set<string>>;
  /** the words of the intents' phrases of 4 letters or more, stopwords left out */
  intentWords: Map<string, Set<string>>;
}

/** stems compare by their start: nlp.js stems "modifiez" to "modif" but "modifier" to "modifi" */
const STEM_PREFIX = 5;

const stemmers = new Map<string, (word: string) => string>();
/** nlp.js's stemmer of a language, on words without accents (as the classifier sees them) */
function stemmerOf(language: string): (word: string) => string {
  let s = stemmers.get(language);
  if (!s) {
    const plugin = LANG_PLUGINS[language]!;
    const stemmer = new (require(plugin.module)[`Stemmer${plugin.name.slice(4)}`])();
    s = (w: string) => String(stemmer.stemWord(w));
    stemmers.set(language, s);
  }
  return s;
}

/**
 * The share of a text's content words (not stopwords or numbers) whose stem some intent was trained
 * on; 1 for texts of fewer than two content words. A text most of whose words the bot never saw is
 * not about any of its intents, whatever the few known words suggest ("I want to place an obituary"
 * is not "I want a person").
 */
export function coverage(vocabulary: Vocabulary, language: string, text: string): number {
  const stops = vocabulary.stopwords.get(language);
  const stems = vocabulary.intentStems.get(language);
  if (!stops || !stems) return 1;
  const content = normalizeAnswer(text).split(' ').filter((w) => w && !stops.has(w) && !/^\d+$/.test(w));
  if (content.length < 2) return 1;
  const stem = stemmerOf(language);
  return content.filter((w) => stems.has(stem(w).slice(0, STEM_PREFIX))).length / content.length;
}

/**
 * The language of a text of two words or more, when it is clear: words that only one of the allowed
 * languages knows decide ("mijn adres", "hello le bot"); nlp.js's trigram guess confirms a single such
 * word, and decides alone for a text of four words or more that has none. Null when unsure: a wrong
 * switch is worse than none.
 */
export function guessLanguage(text: string, allowed: string[], vocabulary: Map<string, Set<string>>): string | null {
  if (allowed.length < 2) return null;
  const sample = text.slice(0, 1000);
  const words = normalizeAnswer(sample).split(' ').filter((w) => w && !/^\d+$/.test(w));
  if (words.length < 2) return null;
  const evidence = new Map<string, number>();
  for (const w of words) {
    // one letter is an elision ("m'en", "j'ai") or an initial, in any language
    if (w.length < 2) continue;
    const knowers = allowed.filter((l) => vocabulary.get(l)?.has(w));
    if (knowers.length === 1) evidence.set(knowers[0]!, (evidence.get(knowers[0]!) ?? 0) + 1);
  }
  const [best, second] = [...evidence].sort((a, b) => b[1] - a[1]);
  if (best && best[1] >= 2 && (!second || best[1] >= 3 * second[1])) return best[0];
  const trigram = () => {
    const [top, next] = languageGuesser.guess(sample, allowed, 2) as Array<{ alpha2: string; score: number }>;
    return top && top.score >= 0.9 && (!next || top.score - next.score >= 0.25) ? top.alpha2 : null;
  };
  if (best && best[1] === 1 && !second) return words.length >= 3 && trigram() === best[0] ? best[0] : null;
  if (!best && words.length >= 4) return trigram();
  return null;
}

/** The part of a message the classifier reads: a 4,000-character message is classified by its start. */
const MAX_CLASSIFIED = 1000;
/** below this share of known content words a text is about none of the intents (see `coverage`) */
const MIN_COVERAGE = 0.5;
/** a score the coverage rule leaves alone: the model is sure of the words it knows */
const SURE = 0.75;
/** languages that write compounds as one word ("thuisadres", "leveradres") */
const COMPOUNDING = new Set(['nl', 'de']);

/**
 * A compound the bot never saw, split before a word an intent was trained on: "pas mijn thuisadres aan"
 * reads as "… thuis adres …". Only words of 7 to 40 letters, into a head of 3 or more and a known word
 * of 4 or more.
 */
export function splitCompounds(vocabulary: Vocabulary, language: string, text: string): string {
  const words = vocabulary.words.get(language);
  const heads = vocabulary.intentWords.get(language);
  if (!COMPOUNDING.has(language) || !words || !heads) return text;
  let changed = false;
  const out = normalizeAnswer(text)
    .split(' ')
    .map((w) => {
      if (w.length < 7 || w.length > 40 || words.has(w)) return w;
      for (let i = 3; i <= w.length - 4; i++) {
        if (heads.has(w.slice(i))) {
          changed = true;
          return `${w.slice(0, i)} ${w.slice(i)}`;
        }
      }
      return w;
    });
  return changed ? out.join(' ') : text;
}

export function createNlu(): Nlu {
  let model: Promise<Model> | undefined;
  let languages: string[] = [];
  let vocabulary: Vocabulary = { words: new Map(), stopwords: new Map(), intentStems: new Map(), intentWords: new Map() };
  return {
    async train(set) {
      const key = createHash('sha256').update(JSON.stringify(set)).digest('hex');
      let m = trained.get(key);
      if (!m) {
        const request = trainingRequest(set);
        m = (request.documents.length <= SMALL_TRAINING ? trainHere(request) : trainInThread(request)).then(classifier);
        m.catch(() => trained.delete(key));
        trained.set(key, m);
      }
      model = m;
      languages = set.languages;
      let v = vocabularies.get(key);
      if (!v) vocabularies.set(key, (v = vocabularyOf(set)));
      vocabulary = v;
      await m;
    },
    async classify(language, text) {
      if (!model) throw new Error('NLU not trained');
      const lang = languages.includes(language) ? language : languages[0]!;
      const canonical = splitCompounds(vocabulary, lang, canonicalText(lang, text.slice(0, MAX_CLASSIFIED)));
      const r = await (await model).process(lang, canonical);
      if (!r.intent || r.intent === NONE_INTENT || (r.score < SURE && coverage(vocabulary, lang, canonical) < MIN_COVERAGE)) return { intent: null, score: r.score ?? 0, runnerUp: 0 };
      return { intent: r.intent, score: r.score ?? 0, runnerUp: r.runnerUp ?? 0 };
    },
    guessLanguage(text, allowed) {
      return guessLanguage(text, allowed.filter((l) => languages.includes(l)), vocabulary.words);
    },
    upset: isUpset,
  };
}

// Intent classification with nlp.js: one model per bot and language, trained from the bot's phrases
// plus a None class of off-topic phrases, and a language guess for conversations without a locale.
// Models are trained in a worker thread (train-worker.ts) and imported here.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { OFF_TOPIC } from './off-topic.js';
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

/** the documents nlp.js trains on, in order: the bot's phrases, then the None class, per language */
function trainingRequest(set: TrainingSet): TrainingRequest {
  const languages = set.languages.filter((l) => LANG_PLUGINS[l]);
  const documents: Array<[string, string, string]> = [];
  for (const l of languages) {
    for (const [intent, byLang] of Object.entries(set.intents)) for (const p of byLang[l] ?? []) documents.push([l, p, intent]);
    for (const p of [...(OFF_TOPIC[l] ?? []), ...(set.none?.[l] ?? [])]) documents.push([l, p, NONE_INTENT]);
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
      return out.score < threshold ? { intent: NONE_INTENT, score: 1 } : { intent: out.intent, score: out.score };
    },
  };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * Below this many training documents (the demo bot has a few hundred) training on the event loop is
 * quicker than starting a training thread: such bots train in place, larger ones in the worker.
 */
const SMALL_TRAINING = 600;

export function createNlu(): Nlu {
  let model: Promise<Model> | undefined;
  let languages: string[] = [];
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

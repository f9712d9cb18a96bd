// NLU training off the event loop: nlp.js trains a bot's model in a worker thread of its own, with a
// deadline, and sends the model back (index.ts imports it). A big bot took 81 s of the event loop to
// train, during which no request or socket was served. At most TRAINING.concurrency threads train at
// once; other trainings wait their turn.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** How training runs; tests shorten the deadline. */
export const TRAINING = {
  /** a training that takes longer is stopped and the bot refused (its limits keep real bots far under) */
  deadlineMs: 60_000,
  /** training threads at once: one core is left to the event loop */
  concurrency: Math.max(1, Math.min(2, availableParallelism() - 1)),
  /** the thread's own JavaScript heap; the model's weights (typed arrays) are outside it */
  maxHeapMb: 768,
};

export interface TrainingRequest {
  /** resolved paths of @nlpjs/core, @nlpjs/nlp and the language plugins, and each plugin's export */
  modules: { core: string; nlp: string; languages: Record<string, { path: string; name: string }> };
  /** the Nlp settings (the main thread builds its Nlp with the same ones) */
  settings: Record<string, unknown>;
  languages: string[];
  /** [language, phrase, intent] in the order nlp.js gets them */
  documents: Array<[string, string, string]>;
}

/** A network's weights, outside the model's JSON (see TrainedModel). */
export interface NetworkWeights {
  /** `intents.length` rows of `features.length` */
  weights: Float32Array;
  /** nlp.js keeps biases as doubles */
  bias: Float64Array;
}

/**
 * A trained model as the training thread sends it. Its JSON (Nlp.toJSON) comes in texts of modest
 * size, parsed one per turn of the event loop (a structured clone of it blocked the main thread far
 * longer than parsing). Each neural network (per language and nlp.js
 * domain) comes apart: its features, intents and settings in `networks`, and its weights, moved (not
 * copied) in typed arrays.
 */
export interface TrainedModel {
  /** Nlp.toJSON() with `null` where a text of `texts` goes */
  root: string;
  /** [path from the root, JSON text] */
  texts: Array<[string[], string]>;
  /** JSON: Array<{ locale, domain, settings, features: string[], intents: string[] }> */
  networks: string;
  weights: NetworkWeights[];
}

/** Training refused: too slow or too large. The message says so for the bot's author. */
export class NluTrainingError extends Error {}

// plain JavaScript evaluated in the worker: it runs the same from src (vitest, tsx) and from dist.
// Nlp.toJSON would copy every weight into a JavaScript array (and the main thread would then rebuild
// typed arrays from it, element by element): the perceptrons are packed into one typed array per
// network instead, and taken out before the rest is exported.
const WORKER = `
const { parentPort, workerData: job } = require('node:worker_threads');
const { containerBootstrap } = require(job.modules.core);
const { Nlp } = require(job.modules.nlp);

// every property of each language's domain manager and of each of its domains, and the sentences
// for the language guess, as a text of its own
function cut(json) {
  const texts = [];
  const take = (obj, path, skip) => {
    for (const k of Object.keys(obj)) {
      if (k === skip || obj[k] === undefined) continue;
      texts.push([[...path, k], JSON.stringify(obj[k])]);
      obj[k] = null;
    }
  };
  const managers = json.nluManager.domainManagers;
  for (const l of Object.keys(managers)) {
    const path = ['nluManager', 'domainManagers', l];
    for (const d of Object.keys(managers[l].domains)) take(managers[l].domains[d], [...path, 'domains', d], 'neuralNetwork');
    take(managers[l], path, 'domains');
  }
  texts.push([['nluManager', 'extraSentences'], JSON.stringify(json.nluManager.extraSentences)]);
  json.nluManager.extraSentences = null;
  return { root: JSON.stringify(json), texts };
}

async function train() {
  const container = await containerBootstrap();
  for (const l of job.languages) container.use(require(job.modules.languages[l].path)[job.modules.languages[l].name]);
  const nlp = new Nlp({ ...job.settings, container, languages: job.languages });
  nlp.settings.log = false;
  for (const [l, phrase, intent] of job.documents) nlp.addDocument(l, phrase, intent);
  await nlp.train();
  const networks = [];
  const weights = [];
  const managers = nlp.nluManager.domainManagers;
  for (const locale of Object.keys(managers)) {
    for (const domain of Object.keys(managers[locale].domains)) {
      const nn = managers[locale].domains[domain].neuralNetwork;
      if (!nn || !nn.perceptrons || !nn.lookup) continue;
      const width = nn.lookup.inputLookup.items.length;
      const w = new Float32Array(nn.perceptrons.length * width);
      const bias = new Float64Array(nn.perceptrons.length);
      nn.perceptrons.forEach((p, i) => {
        w.set(p.weights, i * width);
        bias[i] = p.bias;
      });
      networks.push({ locale, domain, features: nn.lookup.inputLookup.items, intents: nn.lookup.outputLookup.items });
      weights.push({ weights: w, bias });
      nn.perceptrons = [];
    }
  }
  const json = nlp.toJSON();
  for (const n of networks) {
    const nn = json.nluManager.domainManagers[n.locale].domains[n.domain].neuralNetwork;
    n.settings = nn.settings;
    delete nn.features;
    delete nn.intents;
    delete nn.perceptrons;
  }
  const { root, texts } = cut(json);
  const model = { root, texts, networks: JSON.stringify(networks), weights };
  parentPort.postMessage({ ok: true, model }, weights.flatMap((w) => [w.weights.buffer, w.bias.buffer]));
}

train().catch((err) => parentPort.postMessage({ ok: false, error: String((err && err.message) || err) }));
`;

interface Job {
  request: TrainingRequest;
  resolve(model: TrainedModel): void;
  reject(err: Error): void;
}

const queue: Job[] = [];
let running = 0;

/** Trainings running and waiting (tests check the bound). */
export function trainingLoad(): { running: number; queued: number } {
  return { running, queued: queue.length };
}

/** A model trained in a thread of its own, within the deadline; NluTrainingError when too slow or too large. */
export function trainInWorker(request: TrainingRequest): Promise<TrainedModel> {
  return new Promise((resolve, reject) => {
    queue.push({ request, resolve, reject });
    next();
  });
}

// a thread per training, ended after it: nlp.js leaves hundreds of megabytes behind after a big
// training, which ending the thread gives back at once
function next(): void {
  if (running >= TRAINING.concurrency || !queue.length) return;
  const job = queue.shift()!;
  let worker: Worker;
  try {
    worker = new Worker(WORKER, { eval: true, workerData: job.request, resourceLimits: { maxOldGenerationSizeMb: TRAINING.maxHeapMb } });
  } catch (err) {
    job.reject(err as Error);
    return next();
  }
  running++;
  let settled = false;
  const settle = (fn: () => void) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    running--;
    fn();
    next();
  };
  const timer = setTimeout(() => {
    void worker.terminate();
    settle(() => job.reject(new NluTrainingError(`training took longer than ${TRAINING.deadlineMs / 1000} s: too many intents or phrases`)));
  }, TRAINING.deadlineMs);
  worker.on('message', (m: { ok: true; model: TrainedModel } | { ok: false; error: string }) => {
    void worker.terminate();
    settle(() => (m.ok ? job.resolve(m.model) : job.reject(new Error(`NLU training failed: ${m.error}`))));
  });
  worker.on('error', (err: Error & { code?: string }) => {
    void worker.terminate();
    const tooLarge = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    settle(() => job.reject(tooLarge ? new NluTrainingError('training ran out of memory: too many intents or phrases') : err));
  });
  worker.on('exit', (code) => settle(() => job.reject(new Error(`the NLU training thread stopped (exit code ${code})`))));
}

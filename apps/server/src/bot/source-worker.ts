// Bot definition sources (YAML or JSON, admin input up to 1 MB) are read in a worker thread with
// limits: a large or hostile source costs that thread, with a deadline, never the event loop. The
// `yaml` package's duplicate-key check compares every key of a mapping with every earlier one
// (60,000 keys: two minutes), so it is off and duplicates are found here in one pass; nesting depth,
// value count and alias expansion are bounded. The same thread rewrites the webhook header values
// in a source (encrypted at rest, masked for display) by their exact source ranges, so comments and
// formatting stay as the author wrote them.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Problem } from '../domain/bot/definition.js';

export const BOT_SOURCE_LIMITS = {
  /** mappings and lists inside one another; the format itself needs about 8 */
  maxDepth: 64,
  /** keys, values and list items (after alias expansion); the 1 MB body limit allows about 250,000 */
  maxNodes: 100_000,
  /** YAML alias resolutions (the billion-laughs bound) */
  maxAliasCount: 100,
};
/** a source that takes longer than this to read is refused and its thread replaced */
export const BOT_SOURCE_DEADLINE_MS = 5_000;

/** One `headers` value of a webhook step: dialogs.<dialog>.steps.<step>.webhook.headers.<name>. */
export interface HeaderSlot {
  dialog: string;
  step: number;
  name: string;
  value: unknown;
}

export type SourceRead = { ok: true; value: unknown; headers: HeaderSlot[] } | { ok: false; problems: Problem[] };

// plain JavaScript evaluated in the worker: it runs the same from src (vitest, tsx) and from dist
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const YAML = require(workerData.yaml);
const L = workerData.limits;
const join = (path, key) => (path ? path + '.' + key : String(key));
const fail = (message, path) => ({ ok: false, problems: [{ path: path || '', message }] });

function checkYaml(doc) {
  let nodes = 0;
  const stack = [[doc.contents, 1, '']];
  while (stack.length) {
    const [node, depth, path] = stack.pop();
    if (node === null || node === undefined) continue;
    if (++nodes > L.maxNodes) return fail('more than ' + L.maxNodes + ' values: a bot definition is far smaller');
    if (depth > L.maxDepth) return fail('nested deeper than ' + L.maxDepth + ' levels', path);
    if (YAML.isMap(node)) {
      const seen = new Set();
      for (const pair of node.items) {
        if (pair.key !== null && !YAML.isScalar(pair.key)) return fail('a key must be a plain value, not a list, map or alias', path);
        const name = pair.key === null ? '' : String(pair.key.value);
        if (seen.has(name)) return fail('duplicate key "' + name + '"', join(path, name));
        seen.add(name);
        if (++nodes > L.maxNodes) return fail('more than ' + L.maxNodes + ' values: a bot definition is far smaller');
        stack.push([pair.value, depth + 1, join(path, name)]);
      }
    } else if (YAML.isSeq(node)) node.items.forEach((v, i) => stack.push([v, depth + 1, join(path, i)]));
  }
  return undefined;
}

// the value as the schema will see it (aliases expanded): same bounds
function checkValue(value) {
  let nodes = 0;
  const stack = [[value, 1, '']];
  while (stack.length) {
    const [v, depth, path] = stack.pop();
    if (++nodes > L.maxNodes) return fail('more than ' + L.maxNodes + ' values: a bot definition is far smaller');
    if (v === null || typeof v !== 'object') continue;
    if (depth > L.maxDepth) return fail('nested deeper than ' + L.maxDepth + ' levels', path);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, depth + 1, join(path, i)]));
    else {
      // keys count as values, as they do in the YAML check
      const keys = Object.keys(v);
      nodes += keys.length;
      for (const k of keys) stack.push([v[k], depth + 1, join(path, k)]);
    }
  }
  return undefined;
}

const obj = (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : undefined);

function headerSlots(value) {
  const out = [];
  const dialogs = obj(obj(value) && value.dialogs) || {};
  for (const dialog of Object.keys(dialogs)) {
    const steps = obj(dialogs[dialog]) && dialogs[dialog].steps;
    if (!Array.isArray(steps)) continue;
    steps.forEach((s, step) => {
      const headers = obj(obj(s) && obj(s.webhook) && s.webhook.headers);
      if (headers) for (const name of Object.keys(headers)) out.push({ dialog, step, name, value: headers[name] });
    });
  }
  return out;
}

const pairs = (node) => (YAML.isMap(node) ? node.items : []);
const valueOf = (node, key) => pairs(node).find((p) => p.key && String(p.key.value) === key)?.value;

// the scalar nodes of the header values, found in the document as written (not through aliases)
function headerNodes(doc) {
  const out = [];
  for (const d of pairs(valueOf(doc.contents, 'dialogs'))) {
    const steps = valueOf(d.value, 'steps');
    if (!YAML.isSeq(steps)) continue;
    steps.items.forEach((s, step) => {
      for (const h of pairs(valueOf(valueOf(s, 'webhook'), 'headers'))) {
        if (YAML.isScalar(h.value)) out.push({ dialog: String(d.key.value), step, name: String(h.key.value), node: h.value });
      }
    });
  }
  return out;
}

function parseYaml(source) {
  const doc = YAML.parseDocument(source, { uniqueKeys: false, maxAliasCount: L.maxAliasCount, prettyErrors: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = e.linePos ? ' (line ' + e.linePos[0].line + ', column ' + e.linePos[0].col + ')' : '';
    return { problem: fail('not valid YAML' + at + ': ' + e.message.split('\\n')[0]) };
  }
  return { doc };
}

function read(source, format) {
  let value;
  let doc;
  if (format === 'json') {
    try {
      value = JSON.parse(source);
    } catch (err) {
      return fail('not valid JSON: ' + String(err.message).split('\\n')[0]);
    }
  } else {
    const r = parseYaml(source);
    if (r.problem) return r.problem;
    doc = r.doc;
    const bad = checkYaml(doc);
    if (bad) return bad;
    try {
      value = doc.toJS({ maxAliasCount: L.maxAliasCount });
    } catch (err) {
      return fail('not valid YAML: ' + String(err.message).split('\\n')[0]);
    }
  }
  const bad = checkValue(value);
  if (bad) return bad;
  return { ok: true, value, headers: headerSlots(value) };
}

const slotKey = (s) => s.dialog + '\\u0000' + s.step + '\\u0000' + s.name;

// sets header values; the rest of the source is kept byte for byte where the ranges allow it
function rewrite(source, format, values) {
  const wanted = new Map(values.map((v) => [slotKey(v), v.value]));
  if (format === 'json') {
    const value = JSON.parse(source);
    for (const v of values) value.dialogs[v.dialog].steps[v.step].webhook.headers[v.name] = v.value;
    return { ok: true, source: JSON.stringify(value, null, 2) };
  }
  const { doc } = parseYaml(source);
  const expected = doc.toJS({ maxAliasCount: L.maxAliasCount });
  for (const v of values) expected.dialogs[v.dialog].steps[v.step].webhook.headers[v.name] = v.value;
  const nodes = headerNodes(doc).filter((n) => wanted.has(slotKey(n)));
  if (nodes.length !== wanted.size) return fail('write webhook headers out in full: a header reached through a YAML alias cannot be kept secret');
  let out = source;
  for (const n of [...nodes].sort((a, b) => b.node.range[0] - a.node.range[0])) {
    out = out.slice(0, n.node.range[0]) + JSON.stringify(wanted.get(slotKey(n))) + out.slice(n.node.range[1]);
  }
  const again = parseYaml(out);
  if (!again.problem && JSON.stringify(again.doc.toJS({ maxAliasCount: L.maxAliasCount })) === JSON.stringify(expected)) return { ok: true, source: out };
  // e.g. a block scalar whose range ends past its line: set the nodes and print the document again
  for (const n of nodes) {
    n.node.value = wanted.get(slotKey(n));
    n.node.type = 'QUOTE_DOUBLE';
  }
  return { ok: true, source: doc.toString({ lineWidth: 0 }) };
}

parentPort.on('message', (m) => {
  let answer;
  try {
    answer = m.op === 'read' ? read(m.source, m.format) : rewrite(m.source, m.format, m.values);
  } catch (err) {
    answer = fail('could not read the definition: ' + String((err && err.message) || err).split('\\n')[0]);
  }
  parentPort.postMessage({ id: m.id, answer });
});
// loaded (yaml included): a job's deadline starts now, not while a loaded machine starts the thread
parentPort.postMessage({ ready: true });
`;

interface Job {
  id: number;
  message: Record<string, unknown>;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

export class BotSourceTimeout extends Error {}

// One small thread for every Baton in the process, started on first use and left alone (unref'd)
// when idle; jobs run one at a time, each with its own deadline.
let worker: Worker | undefined;
/** the thread has loaded and said so: only then does a job's deadline start */
let ready = false;
let running: (Job & { timer: NodeJS.Timeout }) | undefined;
const queue: Job[] = [];
let nextId = 1;

function spawn(): Worker {
  const w = new Worker(WORKER, {
    eval: true,
    workerData: { yaml: createRequire(import.meta.url).resolve('yaml'), limits: BOT_SOURCE_LIMITS },
    // a hostile source that gets past the limits runs the thread out of memory, not the server
    resourceLimits: { maxOldGenerationSizeMb: 256 },
  });
  w.unref();
  w.on('message', (m: { id: number; answer: unknown } | { ready: true }) => {
    if ('ready' in m) {
      if (worker === w) {
        ready = true;
        next();
      }
      return;
    }
    if (running?.id !== m.id) return;
    const job = running;
    clearTimeout(job.timer);
    running = undefined;
    job.resolve(m.answer);
    next();
  });
  const lost = (err: Error) => {
    if (worker !== w) return;
    worker = undefined;
    const job = running;
    running = undefined;
    if (job) {
      clearTimeout(job.timer);
      job.reject(err);
    } else if (!ready) {
      // the thread died before it could load: the next job fails with it rather than respawn forever
      queue.shift()?.reject(err);
    }
    ready = false;
    next();
  };
  w.on('error', lost);
  w.on('exit', (code) => lost(new Error(`the bot source thread stopped (exit code ${code})`)));
  return w;
}

function next(): void {
  if (running) return;
  // held open only while it works: an idle thread never keeps the process alive
  if (!queue.length) return void worker?.unref();
  if (!worker) {
    ready = false;
    worker = spawn();
  }
  const w = worker;
  w.ref();
  if (!ready) return; // its ready message calls next() again
  const job = queue.shift()!;
  const timer = setTimeout(() => {
    if (running?.id !== job.id) return;
    running = undefined;
    worker = undefined;
    ready = false;
    void w.terminate();
    job.reject(new BotSourceTimeout(`reading the definition took longer than ${BOT_SOURCE_DEADLINE_MS / 1000} s`));
    next();
  }, BOT_SOURCE_DEADLINE_MS);
  running = { ...job, timer };
  w.postMessage({ id: job.id, ...job.message });
}

function run<T>(message: Record<string, unknown>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    queue.push({ id: nextId++, message, resolve: resolve as (v: unknown) => void, reject });
    next();
  });
}

/** Parses a source within the limits; a problem (never a throw) for bad, oversized or slow input. */
export async function readBotSource(source: string, format: 'yaml' | 'json'): Promise<SourceRead> {
  try {
    return await run<SourceRead>({ op: 'read', source, format });
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: (err as Error).message }] };
  }
}

/** The source with these header values set (the source must have been read successfully). */
export async function rewriteBotSource(source: string, format: 'yaml' | 'json', values: HeaderSlot[]): Promise<{ ok: true; source: string } | { ok: false; problems: Problem[] }> {
  if (!values.length) return { ok: true, source };
  try {
    return await run({ op: 'rewrite', source, format, values });
  } catch (err) {
    return { ok: false, problems: [{ path: '', message: (err as Error).message }] };
  }
}

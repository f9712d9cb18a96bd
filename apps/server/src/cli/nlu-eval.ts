// npm run nlu:eval [bot.yaml] [eval.yaml] — where held-out phrasings lead in the bot (per category and
// language, with the confusion pairs and the language detection), against each category's target.
// Defaults: examples/demo-bot.yaml and examples/demo-bot.eval.yaml. Exits 1 below a target.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate, formatEvaluation, leakedPhrases, parseEvalSet } from '../bot/nlu-evaluation.js';
import { parseBotDefinition } from '../domain/bot/definition.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const file = process.argv[2] ?? path.join(root, 'examples/demo-bot.yaml');
const evalFile = process.argv[3] ?? file.replace(/\.(ya?ml|json)$/, '.eval.yaml');

async function main() {
  const r = parseBotDefinition(fs.readFileSync(file, 'utf8'), file.endsWith('.json') ? 'json' : 'yaml');
  if (!r.ok) {
    for (const p of r.problems) console.error(`${p.path}: ${p.message}`);
    process.exit(1);
  }
  const def = r.definition;
  const set = parseEvalSet(fs.readFileSync(evalFile, 'utf8'));
  const leaked = leakedPhrases(def, set);
  if (leaked.length) {
    console.error(`These evaluation phrases are training phrases of the bot: an evaluation must use unseen text.\n  ${leaked.join('\n  ')}`);
    process.exit(1);
  }
  const started = performance.now();
  const result = await evaluate(def, set);
  const cases = set.categories.reduce((n, c) => n + Object.values(c.phrases).flat().length, 0);
  console.log(`NLU evaluation of ${path.relative(root, file)} with ${path.relative(root, evalFile)}: ${cases} unseen phrasings, threshold ${def.nlu.threshold}, margin ${def.nlu.margin} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  console.log(formatEvaluation(result, def.languages));
  process.exit(result.failures.length ? 1 : 0);
}

void main();

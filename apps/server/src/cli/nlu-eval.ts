// npm run nlu:eval [bot.yaml] — accuracy of intent classification per language on a held-out split
// of the bot's own training phrases (every 4th phrase of each intent and language is held out), plus
// how often held-out off-topic text is kept out of the real intents.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBotDefinition } from '../domain/bot/definition.js';
import { createNlu } from '../nlu/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const file = process.argv[2] ?? path.join(root, 'examples/demo-bot.yaml');

// off-topic text never seen in training, per language
const UNSEEN_OFF_TOPIC: Record<string, string[]> = {
  en: ['my grandmother knits blue socks', 'the volcano erupted last year', 'penguins cannot fly', 'I prefer tea over coffee', 'the museum opens a new exhibition on dinosaurs'],
  nl: ['mijn oma breit blauwe sokken', 'de vulkaan barstte vorig jaar uit', 'pinguïns kunnen niet vliegen', 'ik drink liever thee dan koffie', 'het museum toont nieuwe dinosaurussen'],
  fr: ['ma grand-mère tricote des chaussettes bleues', 'le volcan est entré en éruption', 'les pingouins ne volent pas', 'je préfère le thé au café', 'le musée expose de nouveaux dinosaures'],
};

async function main() {
  const r = parseBotDefinition(fs.readFileSync(file, 'utf8'), file.endsWith('.json') ? 'json' : 'yaml');
  if (!r.ok) {
    for (const p of r.problems) console.error(`${p.path}: ${p.message}`);
    process.exit(1);
  }
  const def = r.definition;
  const train: Record<string, Record<string, string[]>> = {};
  const test: Array<{ lang: string; text: string; intent: string }> = [];
  for (const [name, intent] of Object.entries(def.intents)) {
    train[name] = {};
    for (const [lang, phrases] of Object.entries(intent.phrases)) {
      train[name]![lang] = phrases.filter((_, i) => i % 4 !== 3);
      phrases.forEach((text, i) => i % 4 === 3 && test.push({ lang, text, intent: name }));
    }
  }
  const nlu = createNlu();
  await nlu.train({ languages: def.languages, intents: train, none: def.nlu.none });
  console.log(`NLU evaluation of ${path.relative(root, file)} — held-out phrases (every 4th), threshold ${def.nlu.threshold}\n`);
  console.log('language  intents (correct/held out)  accuracy   off-topic kept out');
  let allOk = 0;
  let all = 0;
  for (const lang of def.languages) {
    const cases = test.filter((t) => t.lang === lang);
    let ok = 0;
    const misses: string[] = [];
    for (const c of cases) {
      const got = await nlu.classify(lang, c.text);
      const hit = got.intent === c.intent && got.score >= def.nlu.threshold;
      if (hit) ok++;
      else misses.push(`    "${c.text}" → ${got.intent ?? 'None'} (${got.score.toFixed(2)}), expected ${c.intent}`);
    }
    const off = UNSEEN_OFF_TOPIC[lang] ?? [];
    let kept = 0;
    for (const t of off) {
      const got = await nlu.classify(lang, t);
      if (!got.intent || got.score < def.nlu.threshold) kept++;
    }
    allOk += ok;
    all += cases.length;
    console.log(`${lang.padEnd(9)} ${`${ok}/${cases.length}`.padEnd(27)} ${((100 * ok) / Math.max(1, cases.length)).toFixed(1).padStart(5)} %   ${kept}/${off.length}`);
    for (const m of misses) console.log(m);
  }
  console.log(`\noverall   ${allOk}/${all} = ${((100 * allOk) / Math.max(1, all)).toFixed(1)} %`);
}

void main();

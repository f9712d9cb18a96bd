// The held-out NLU evaluation (npm run nlu:eval) as a CI gate: 999 phrasings nobody wrote into the demo
// bot, per category and language, against the targets of examples/demo-bot.eval.yaml (explicit
// requests ≥ 95 %, flow starts and other intents ≥ 90 %, typed yes/no ≥ 95 %, off-topic kept out
// ≥ 90 % with at most 2 % handed over). One training, about two seconds.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate, formatEvaluation, leakedPhrases, parseEvalSet } from '../../src/bot/nlu-evaluation.js';
import { parseBotDefinition } from '../../src/domain/bot/definition.js';

const read = (p: string) => fs.readFileSync(fileURLToPath(new URL(`../../../../examples/${p}`, import.meta.url)), 'utf8');

describe('NLU evaluation on unseen phrasings', () => {
  const r = parseBotDefinition(read('demo-bot.yaml'));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  const def = r.definition;
  const set = parseEvalSet(read('demo-bot.eval.yaml'));

  it('uses no training phrase, and has at least 40 phrasings per language and category', () => {
    expect(leakedPhrases(def, set)).toEqual([]);
    const typed = set.categories.filter((c) => c.after);
    for (const c of set.categories.filter((x) => !x.after)) for (const l of def.languages) expect(c.phrases[l]?.length ?? 0, `${c.name} ${l}`).toBeGreaterThanOrEqual(40);
    // typed yes and no together
    for (const l of def.languages) expect(typed.reduce((n, c) => n + (c.phrases[l]?.length ?? 0), 0)).toBeGreaterThanOrEqual(40);
    // and the check finds a leak when there is one
    const leaky = { categories: [{ ...set.categories[0]!, phrases: { en: ['I want to speak to a REAL agent!'] } }] };
    expect(leakedPhrases(def, leaky)).toEqual(['en: I want to speak to a REAL agent!']);
  });

  it('meets every target of the evaluation set', { timeout: 60_000 }, async () => {
    const result = await evaluate(def, set);
    const report = formatEvaluation(result, def.languages);
    expect(result.failures, report).toEqual([]);
    // no conversation is switched to a wrong language
    for (const g of Object.values(result.languageGuess)) expect(g.wrong, report).toBeLessThanOrEqual(1);
  });
});

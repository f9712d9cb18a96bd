// The bot's intent classifier asks nlp.js's NLU manager directly instead of going through Nlp.process
// (entities, answers, actions, contexts: unused, and most of the CPU of a classification). It must
// answer exactly what Nlp.process answers.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBotDefinition } from '../../src/domain/bot/definition.js';
import { classifier, trainNlp } from '../../src/nlu/index.js';
import { OFF_TOPIC } from '../../src/nlu/off-topic.js';

const demo = fs.readFileSync(fileURLToPath(new URL('../../../../examples/demo-bot.yaml', import.meta.url)), 'utf8');

describe('intent classification', () => {
  it('answers the intent and score Nlp.process answers, for trained, held-out, off-topic and odd texts in en, nl and fr', async () => {
    const r = parseBotDefinition(demo);
    if (!r.ok) throw new Error('demo bot does not parse');
    const def = r.definition;
    const train: Record<string, Record<string, string[]>> = {};
    const cases: Array<[string, string]> = [];
    for (const [name, intent] of Object.entries(def.intents)) {
      train[name] = {};
      for (const [lang, phrases] of Object.entries(intent.phrases)) {
        // every 4th phrase held out, so some texts are not in the training set
        train[name]![lang] = phrases.filter((_, i) => i % 4 !== 3);
        for (const text of phrases) cases.push([lang, text]);
      }
    }
    for (const lang of def.languages) {
      for (const text of (OFF_TOPIC[lang] ?? []).slice(0, 15)) cases.push([lang, text]);
      for (const text of ['?', 'ok', 'asdf qwerty zxcv', '12345', 'human', 'HELP ME NOW!!!', 'je veux parler à quelqu’un']) cases.push([lang, text]);
    }
    const nlp = await trainNlp({ languages: def.languages, intents: train, none: def.nlu.none });
    const fast = classifier(nlp);
    const expected: Array<{ intent: string; score: number }> = [];
    const got: Array<{ intent: string; score: number }> = [];
    for (const [lang, text] of cases) {
      const full = await nlp.process(lang, text);
      expected.push({ intent: full.intent, score: full.score });
      const { runnerUp, ...answer } = await fast.process(lang, text);
      got.push(answer);
      // an intent comes with the runner-up's score, for the margin rule
      if (answer.intent !== 'None') expect(runnerUp).toBe(full.classifications?.[1]?.score ?? 0);
    }
    expect(cases.length).toBeGreaterThan(150);
    expect(got).toEqual(expected);
    // the cases cover both sides of the threshold
    expect(expected.some((e) => e.intent === 'None')).toBe(true);
    expect(expected.some((e) => e.intent !== 'None')).toBe(true);
  });
});

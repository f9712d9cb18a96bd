// The NLU evaluation: a held-out set of phrasings (examples/demo-bot.eval.yaml) sent through the real
// bot runtime, each as a first message or as the typed answer to a dialog's buttons, and where each
// one led, per category and language, against the category's target. `npm run nlu:eval` prints it;
// CI asserts the targets (test/bot/nlu-eval.test.ts).
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { BotDefinition } from '../domain/bot/definition.js';
import { createBotRuntime } from '../domain/bot/runtime.js';
import { INITIAL_STATUS } from '../domain/conversation-machine.js';
import { normalizeAnswer } from '../domain/bot/typed-answers.js';
import type { BotContext } from '../domain/bot/types.js';
import { createNlu, type Nlu } from '../nlu/index.js';

export const EvalSet = z
  .object({
    categories: z
      .array(
        z
          .object({
            name: z.string().min(1),
            /** the dialog each phrase must reach */
            expect: z.string().min(1),
            /** run this dialog first: the phrase is the typed answer to its buttons */
            after: z.string().min(1).optional(),
            /** the share per language that must reach `expect` */
            target: z.number().min(0).max(1),
            /** the share that may hand over (for text that should not), over all languages together */
            maxHandover: z.number().min(0).max(1).optional(),
            phrases: z.record(z.string(), z.array(z.coerce.string().min(1)).min(1)),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
export type EvalSet = z.infer<typeof EvalSet>;

export function parseEvalSet(source: string): EvalSet {
  return EvalSet.parse(parseYaml(source));
}

/** Eval phrases that are also training phrases or None phrases of the bot (case, accents, punctuation ignored). */
export function leakedPhrases(def: BotDefinition, set: EvalSet): string[] {
  const seen = new Set<string>();
  for (const intent of Object.values(def.intents)) for (const [l, ps] of Object.entries(intent.phrases)) for (const p of ps) seen.add(`${l}:${normalizeAnswer(p)}`);
  for (const [l, ps] of Object.entries(def.nlu.none ?? {})) for (const p of ps) seen.add(`${l}:${normalizeAnswer(p)}`);
  return set.categories.flatMap((c) => (c.after ? [] : Object.entries(c.phrases).flatMap(([l, ps]) => ps.filter((p) => seen.has(`${l}:${normalizeAnswer(p)}`)).map((p) => `${l}: ${p}`))));
}

export interface CategoryResult {
  name: string;
  expect: string;
  target: number;
  maxHandover?: number;
  /** per language: reached `expect`, phrases, handovers */
  byLanguage: Record<string, { ok: number; total: number; handovers: number }>;
  /** the misses: what each phrase reached instead */
  misses: Array<{ language: string; text: string; got: string; handover: boolean }>;
}

export interface EvalResult {
  categories: CategoryResult[];
  /** language detection on the phrases of two words or more: right, wrong (a false switch) or undecided */
  languageGuess: Record<string, { right: number; wrong: number; undecided: number }>;
  /** each category and language below its target, in words; empty when all pass */
  failures: string[];
}

const ctx = (language: string, state: unknown = null): BotContext => ({
  conversationId: 'eval', status: INITIAL_STATUS, language, localeGiven: true, variables: {}, tags: [], state, now: new Date(0), offloading: 'open',
});

/** Runs every phrase of `set` through a runtime of `def` (trained once) and scores where it led. */
export async function evaluate(def: BotDefinition, set: EvalSet, nlu: Nlu = createNlu()): Promise<EvalResult> {
  const runtime = await createBotRuntime(def, { nlu, callWebhook: async () => ({ ok: false, status: 0, error: 'no webhooks in an evaluation' }) });
  const categories: CategoryResult[] = [];
  const languageGuess: EvalResult['languageGuess'] = {};
  const failures: string[] = [];
  for (const c of set.categories) {
    const result: CategoryResult = { name: c.name, expect: c.expect, target: c.target, ...(c.maxHandover !== undefined ? { maxHandover: c.maxHandover } : {}), byLanguage: {}, misses: [] };
    for (const [language, phrases] of Object.entries(c.phrases)) {
      const score = (result.byLanguage[language] = { ok: 0, total: 0, handovers: 0 });
      for (const text of phrases) {
        const state = c.after ? (await runtime.runDialog(ctx(language), c.after)).state : null;
        const turn = await runtime.respond(ctx(language, state), { text });
        const got = turn.dialog ?? '(nothing)';
        score.total++;
        if (turn.offload) score.handovers++;
        if (got === c.expect) score.ok++;
        else result.misses.push({ language, text, got, handover: Boolean(turn.offload) });
        if (!c.after && text.trim().split(/\s+/).length >= 2) {
          const g = (languageGuess[language] ??= { right: 0, wrong: 0, undecided: 0 });
          const guess = nlu.guessLanguage(text, def.languages);
          if (guess === null) g.undecided++;
          else if (guess === language) g.right++;
          else g.wrong++;
        }
      }
      if (score.ok < c.target * score.total) failures.push(`${c.name} (${language}): ${score.ok}/${score.total} reached ${c.expect}, the target is ${pct(c.target)}`);
    }
    const all = Object.values(result.byLanguage);
    const [handovers, total] = [all.reduce((n, s) => n + s.handovers, 0), all.reduce((n, s) => n + s.total, 0)];
    if (c.maxHandover !== undefined && handovers > c.maxHandover * total) failures.push(`${c.name}: ${handovers}/${total} handed over, at most ${pct(c.maxHandover)} may`);
    categories.push(result);
  }
  return { categories, languageGuess, failures };
}

const pct = (x: number) => `${(100 * x).toFixed(x * 100 === Math.round(x * 100) ? 0 : 1)} %`;

/** The report `npm run nlu:eval` prints: accuracy per category and language, then the confusion pairs. */
export function formatEvaluation(r: EvalResult, languages: string[]): string {
  const lines: string[] = [];
  const head = `${'category'.padEnd(36)}${[...languages, 'all'].map((l) => l.padStart(16)).join('')}   target (per language)`;
  lines.push(head, '-'.repeat(head.length));
  const cell = (n: number, of: number) => (of ? `${n}/${of} ${((100 * n) / of).toFixed(1)}%` : '-').padStart(16);
  for (const c of r.categories) {
    const scores = languages.map((l) => c.byLanguage[l] ?? { ok: 0, total: 0, handovers: 0 });
    const sum = (k: 'ok' | 'total' | 'handovers') => scores.reduce((n, s) => n + s[k], 0);
    lines.push(`${c.name.slice(0, 35).padEnd(36)}${scores.map((s) => cell(s.ok, s.total)).join('')}${cell(sum('ok'), sum('total'))}   ≥ ${pct(c.target)}`);
    if (c.maxHandover !== undefined) {
      lines.push(`${'  … of which handed over'.padEnd(36)}${scores.map((s) => cell(s.handovers, s.total)).join('')}${cell(sum('handovers'), sum('total'))}   ≤ ${pct(c.maxHandover)} (all)`);
    }
  }
  lines.push('', 'Confusion pairs (expected → reached: count; examples)');
  const pairs = new Map<string, string[]>();
  for (const c of r.categories) for (const m of c.misses) {
    const k = `${c.expect} → ${m.got}${m.handover ? ' (handed over)' : ''}`;
    pairs.set(k, [...(pairs.get(k) ?? []), `${m.language}: "${m.text}"`]);
  }
  if (!pairs.size) lines.push('  none');
  for (const [k, ex] of [...pairs].sort((a, b) => b[1].length - a[1].length)) lines.push(`  ${k}: ${ex.length}; ${ex.slice(0, 4).join(', ')}${ex.length > 4 ? ', …' : ''}`);
  lines.push('', 'Language detection on the phrases of two words or more (a wrong guess switches the conversation)');
  for (const [l, g] of Object.entries(r.languageGuess)) {
    const n = g.right + g.wrong + g.undecided;
    lines.push(`  ${l}: ${g.right}/${n} detected, ${g.wrong} wrong, ${g.undecided} undecided (kept the page's language)`);
  }
  lines.push('', r.failures.length ? `BELOW TARGET:\n${r.failures.map((f) => `  ${f}`).join('\n')}` : 'All targets met.');
  return lines.join('\n');
}

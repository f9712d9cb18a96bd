// The bot definition format (YAML or JSON), one zod schema: validation with the path of every
// problem, TypeScript types, and the JSON Schema for editors (docs/bot-definition.schema.json).
import { FollowupReason, HandoverTrigger, LEAVE_MESSAGE_DIALOG } from '@baton/proto';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';

/** A text in every language of the bot, or one string for all of them. `{{variable}}` is interpolated. */
export const LocalizedText = z.union([z.string().min(1).max(4000), z.record(z.string().min(2).max(10), z.string().min(1).max(4000))]);
export type LocalizedText = z.infer<typeof LocalizedText>;

const Name = z.string().min(1).max(100).regex(/^[a-z0-9_.-]+$/i, 'letters, digits, _ . - only');

export const BotButton = z
  .object({
    title: LocalizedText,
    /** run this dialog when clicked */
    goto: Name.optional(),
    /** or send this payload (an intent or dialog name, or anything the bot handles) */
    payload: z.string().min(1).max(1000).optional(),
  })
  .strict()
  .refine((b) => b.goto || b.payload, { message: 'a button needs goto or payload' });

export const BotCard = z
  .object({
    title: LocalizedText,
    subtitle: LocalizedText.optional(),
    imageUrl: z.url({ protocol: /^https?$/ }).optional(),
    buttons: z.array(BotButton).max(5).optional(),
  })
  .strict();

export const MessageStep = z
  .object({
    message: z
      .object({
        text: LocalizedText.optional(),
        buttons: z.array(BotButton).max(10).optional(),
        /** one card, or several shown as a carousel */
        cards: z.array(BotCard).max(10).optional(),
      })
      .strict()
      .refine((m) => m.text || m.buttons?.length || m.cards?.length, { message: 'a message needs text, buttons or cards' }),
  })
  .strict();

/** `file`: the user sends a file (the variable holds its URL, /api/v1/attachments/{id}); typed text gets the retry text */
export const QuestionType = z.enum(['text', 'email', 'phone', 'number', 'choice', 'file']);

export const QuestionStep = z
  .object({
    question: z
      .object({
        variable: Name,
        type: QuestionType.default('text'),
        prompt: LocalizedText,
        /** what the bot says when the answer is not valid; a default per type otherwise */
        invalid: LocalizedText.optional(),
        /** for type file: `image` takes only images (a photo of a meter), `any` every accepted file (default) */
        accept: z.enum(['any', 'image']).optional(),
        /** for type choice: the allowed answers, shown as buttons */
        choices: z.array(z.object({ value: z.string().min(1).max(200), title: LocalizedText }).strict()).max(10).optional(),
        /** how many invalid answers before giving up (then onFail) */
        retries: z.number().int().min(0).max(10).default(2),
        onFail: Name.optional(),
        /** ask only when the variable has no value yet (e.g. the e-mail a user already gave) */
        skipIfKnown: z.boolean().default(false),
      })
      .strict()
      .refine((q) => q.type !== 'choice' || (q.choices?.length ?? 0) > 0, { message: 'a choice question needs choices' })
      .refine((q) => q.accept === undefined || q.type === 'file', { message: 'accept is for file questions' }),
  })
  .strict();

export const TagStep = z.object({ tag: z.union([Name, z.array(Name).min(1)]) }).strict();
export const GotoStep = z.object({ goto: Name }).strict();
export const SetVariableStep = z.object({ setVariable: z.object({ name: Name, value: z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]) }).strict() }).strict();

export const OffloadStep = z
  .object({
    offload: z
      .object({
        skill: Name.default('general'),
        reason: z.string().min(1).max(200),
        trigger: HandoverTrigger.default('other'),
        /** variables sent with the handover (all collected ones when absent) */
        variables: z.array(Name).optional(),
        tags: z.array(Name).default([]),
        note: z.string().max(1000).optional(),
        providerId: Name.optional(),
      })
      .strict(),
  })
  .strict();

export const WebhookStep = z
  .object({
    webhook: z
      .object({
        url: z.string().min(1).max(2000),
        method: z.enum(['GET', 'POST', 'PUT']).default('POST'),
        headers: z.record(z.string(), z.string().max(2000)).optional(),
        /** JSON body; strings may use {{variable}} */
        body: z.unknown().optional(),
        timeoutMs: z.number().int().min(100).max(30_000).default(5000),
        /** variable name → dotted path in the JSON answer, e.g. { status: "order.status" } */
        assign: z.record(Name, z.string().min(1).max(200)).optional(),
        /** dialog to run when the call fails (timeout, network, non-2xx); a friendly default otherwise */
        onError: Name.optional(),
      })
      .strict(),
  })
  .strict();

/**
 * Leaves a message for the agents (DESIGN §10.3): a follow-up with the e-mail and the question the
 * dialog collected, for when nobody could take the chat. Its reason is why the bot got here (closed,
 * the wait timed out, nobody eligible online) unless named.
 */
export const FollowupStep = z
  .object({
    followup: z
      .object({
        /** the variable holding the user's e-mail (validated by an email question) */
        email: Name.default('email'),
        /** the variable holding the question */
        question: Name.default('question'),
        reason: FollowupReason.optional(),
        /** the skill of the agents who answer; the blocked handover's skill otherwise */
        skill: Name.optional(),
      })
      .strict(),
  })
  .strict();

const STEP_KINDS = { message: MessageStep, question: QuestionStep, tag: TagStep, goto: GotoStep, setVariable: SetVariableStep, offload: OffloadStep, webhook: WebhookStep, followup: FollowupStep } as const;
export const Step = z.union(Object.values(STEP_KINDS) as [typeof MessageStep, ...Array<(typeof STEP_KINDS)[keyof typeof STEP_KINDS]>]);
export type Step = z.infer<typeof Step>;

export const Dialog = z
  .object({
    /** what people see for this dialog, e.g. in the desk's hand-back list (its name otherwise) */
    label: LocalizedText.optional(),
    description: z.string().max(500).optional(),
    steps: z.array(Step).min(1).max(100),
  })
  .strict();
export type Dialog = z.infer<typeof Dialog>;

/**
 * What one bot may ask of NLU training. Training time grows with intents × phrases and a model holds a
 * weight per intent and different word, so these bound both; a large real bot (a few hundred intents
 * of a few dozen phrases) stays far below them. docs/bot-definition.md lists them.
 */
export const BOT_NLU_LIMITS = {
  maxIntents: 2_000,
  /** per intent and language */
  maxPhrasesPerIntent: 200,
  /** per language, intents and nlu.none together */
  maxPhrasesPerLanguage: 20_000,
  /** nlu.none, per language */
  maxNonePhrases: 1_000,
  maxPhraseLength: 500,
  /** per language: (intents + None) × different words of its phrases, about 80 MB of model */
  maxModelWeights: 20_000_000,
  /**
   * (intents + None) × phrases, summed over the languages: what training time grows with. 2,000 intents
   * of 3 phrases (12 million) train in about 10 s on one core, so this keeps a bot far from the
   * training deadline (nlu/train-worker.ts), also when it is trained again at start-up
   */
  maxTrainingWork: 30_000_000,
};

const Phrase = z.string().min(1).max(BOT_NLU_LIMITS.maxPhraseLength);

export const Intent = z
  .object({
    dialog: Name,
    /** training phrases per language */
    phrases: z.record(z.string().min(2).max(10), z.array(Phrase).min(1).max(BOT_NLU_LIMITS.maxPhrasesPerIntent)),
  })
  .strict();

export const SYSTEM_DIALOGS = ['welcome', 'not_understood', 'offloading_disabled', 'offloading_closed', 'offloading_opened'] as const;
/**
 * optional system dialogs: what the user sees when the wait ends without an agent, when nobody eligible
 * is online (`offloading_no_agent`, routing.closeWhenNoAgents; offloading_closed without it), what a
 * channel's user hears after the waiting message while nobody eligible is online
 * (`offloading_nobody_online`: the widget shows a banner instead), `frustrated`,
 * for a user who is clearly upset or did not get understood nlu.maxNotUnderstood times in a row, and
 * `leave_message` (the widget's button while nobody is online)
 */
export const OPTIONAL_SYSTEM_DIALOGS = ['offloading_cancelled', 'offloading_timeout', 'offloading_refused', 'offloading_no_agent', 'offloading_nobody_online', 'frustrated', LEAVE_MESSAGE_DIALOG] as const;
/**
 * the dialog the widget's "Leave a message" button runs (postback `leave_message`) while nobody
 * eligible is online: it collects the e-mail and the question and ends in a followup step
 */
export { LEAVE_MESSAGE_DIALOG };
/** dialogs the runtime runs by itself: not a target for people (the desk's hand-back list leaves them out) */
export const isSystemDialog = (name: string) => (SYSTEM_DIALOGS as readonly string[]).includes(name) || (OPTIONAL_SYSTEM_DIALOGS as readonly string[]).includes(name);

export const BotDefinitionSchema = z
  .object({
    id: Name.optional(),
    name: z.string().min(1).max(100),
    defaultLanguage: z.string().min(2).max(10),
    languages: z.array(z.string().min(2).max(10)).min(1).max(20),
    nlu: z
      .object({
        /** below this intent confidence the bot runs not_understood */
        threshold: z.number().min(0).max(1).default(0.7),
        /** and when the best intent is not this far ahead of the second (two near-tied intents mean neither) */
        margin: z.number().min(0).max(1).default(0.1),
        /** not-understood turns in a row before the `frustrated` dialog runs (0: never) */
        maxNotUnderstood: z.number().int().min(0).max(20).default(2),
        /** extra off-topic phrases for the None class, per language */
        none: z.record(z.string(), z.array(Phrase).max(BOT_NLU_LIMITS.maxNonePhrases)).optional(),
      })
      .strict()
      .default({ threshold: 0.7, margin: 0.1, maxNotUnderstood: 2 }),
    intents: z.record(Name, Intent).default({}),
    dialogs: z.record(Name, Dialog),
    /**
     * which variables fill the conversation's user as the bot collects them (marked as given by the
     * user, never over a verified identity); without it, the variables `name` and `email`
     */
    user: z.object({ name: Name.optional(), email: Name.optional() }).strict().optional(),
  })
  .strict();
export type BotDefinition = z.infer<typeof BotDefinitionSchema>;

export interface Problem {
  path: string;
  message: string;
}

export type ParseResult = { ok: true; definition: BotDefinition } | { ok: false; problems: Problem[] };

function localizedProblems(text: LocalizedText | undefined, languages: string[], path: string): Problem[] {
  if (text === undefined || typeof text === 'string') return [];
  return languages.filter((l) => !text[l]).map((l) => ({ path: `${path}.${l}`, message: `missing the ${l} text` }));
}

/** What zod alone cannot check: references between dialogs and intents, and every language present. */
function crossCheck(d: BotDefinition): Problem[] {
  const problems: Problem[] = [];
  const dialogs = new Set(Object.keys(d.dialogs));
  const ref = (name: string | undefined, path: string) => {
    if (name && !dialogs.has(name)) problems.push({ path, message: `no dialog named "${name}"` });
  };
  if (!d.languages.includes(d.defaultLanguage)) problems.push({ path: 'defaultLanguage', message: `must be one of languages (${d.languages.join(', ')})` });
  for (const s of SYSTEM_DIALOGS) if (!dialogs.has(s)) problems.push({ path: `dialogs.${s}`, message: 'this system dialog is required' });
  for (const [name, intent] of Object.entries(d.intents)) {
    ref(intent.dialog, `intents.${name}.dialog`);
    for (const l of d.languages) if (!intent.phrases[l]?.length) problems.push({ path: `intents.${name}.phrases.${l}`, message: `no training phrases for ${l}` });
  }
  problems.push(...nluProblems(d));
  const buttons = (bs: z.infer<typeof BotButton>[] | undefined, path: string) =>
    bs?.forEach((b, i) => {
      ref(b.goto, `${path}.${i}.goto`);
      problems.push(...localizedProblems(b.title, d.languages, `${path}.${i}.title`));
    });
  for (const [name, dialog] of Object.entries(d.dialogs)) {
    dialog.steps.forEach((step, i) => {
      const p = `dialogs.${name}.steps.${i}`;
      if ('message' in step) {
        problems.push(...localizedProblems(step.message.text, d.languages, `${p}.message.text`));
        buttons(step.message.buttons, `${p}.message.buttons`);
        step.message.cards?.forEach((c, j) => {
          problems.push(...localizedProblems(c.title, d.languages, `${p}.message.cards.${j}.title`));
          problems.push(...localizedProblems(c.subtitle, d.languages, `${p}.message.cards.${j}.subtitle`));
          buttons(c.buttons, `${p}.message.cards.${j}.buttons`);
        });
      } else if ('question' in step) {
        problems.push(...localizedProblems(step.question.prompt, d.languages, `${p}.question.prompt`));
        problems.push(...localizedProblems(step.question.invalid, d.languages, `${p}.question.invalid`));
        ref(step.question.onFail, `${p}.question.onFail`);
      } else if ('goto' in step) ref(step.goto, `${p}.goto`);
      else if ('webhook' in step) ref(step.webhook.onError, `${p}.webhook.onError`);
    });
  }
  return problems;
}

/** The training limits (BOT_NLU_LIMITS) that zod cannot express: counts across intents. */
function nluProblems(d: BotDefinition): Problem[] {
  const L = BOT_NLU_LIMITS;
  const intents = Object.values(d.intents);
  if (intents.length > L.maxIntents) return [{ path: 'intents', message: `${intents.length} intents, more than ${L.maxIntents}: too many to train` }];
  const problems: Problem[] = [];
  const m = (n: number) => `${(n / 1_000_000).toFixed(1)} million`;
  let work = 0;
  for (const l of d.languages) {
    const phrases = [...intents.flatMap((i) => i.phrases[l] ?? []), ...(d.nlu.none?.[l] ?? [])];
    work += (intents.length + 1) * phrases.length;
    if (phrases.length > L.maxPhrasesPerLanguage) {
      problems.push({ path: 'intents', message: `${phrases.length} training phrases in ${l} (intents and nlu.none), more than ${L.maxPhrasesPerLanguage}: too many to train` });
      continue;
    }
    // nlp.js's features are stems of these words: about as many, never many more. Split at spaces and
    // ASCII punctuation (a Unicode property class is slow to compile at first use)
    const words = new Set<string>();
    for (const p of phrases) for (const w of p.toLowerCase().split(/[\s!-/:-@[-`{-~]+/)) if (w) words.add(w);
    const weights = (intents.length + 1) * words.size;
    if (weights > L.maxModelWeights) {
      problems.push({ path: 'intents', message: `the ${l} model would need ${m(weights)} weights ((${intents.length} intents + None) × ${words.size} different words), more than ${m(L.maxModelWeights)}: fewer intents or fewer different words` });
    }
  }
  if (!problems.length && work > L.maxTrainingWork) {
    problems.push({ path: 'intents', message: `too much to train: (${intents.length} intents + None) × phrases, summed over the languages, is ${m(work)}, more than ${m(L.maxTrainingWork)}: fewer intents or fewer phrases` });
  }
  return problems;
}

/**
 * A step that matches no kind fails as a whole union; re-check it against the kind its key names,
 * so the author sees e.g. dialogs.x.steps.2.question.type instead of dialogs.x.steps.2.
 */
function explain(raw: unknown, issue: z.core.$ZodIssue): Problem[] {
  const at = issue.path.join('.');
  if (issue.code !== 'invalid_union') return [{ path: at, message: issue.message }];
  let step: unknown = raw;
  for (const k of issue.path) step = (step as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey];
  const key = step && typeof step === 'object' ? Object.keys(step).find((k) => k in STEP_KINDS) : undefined;
  if (!key) return [{ path: at, message: `a step must be one of: ${Object.keys(STEP_KINDS).join(', ')}` }];
  const r = STEP_KINDS[key as keyof typeof STEP_KINDS].safeParse(step);
  return r.success ? [{ path: at, message: issue.message }] : r.error.issues.map((i) => ({ path: [at, ...i.path].join('.'), message: i.message }));
}

export function parseBotDefinition(source: string | unknown, format: 'yaml' | 'json' = 'yaml'): ParseResult {
  let raw: unknown = source;
  if (typeof source === 'string') {
    try {
      raw = format === 'json' ? JSON.parse(source) : parseYaml(source, { maxAliasCount: 100 });
    } catch (err) {
      const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line}, column ${err.linePos[0].col})` : '';
      return { ok: false, problems: [{ path: '', message: `not valid ${format.toUpperCase()}${where}: ${(err as Error).message.split('\n')[0]}` }] };
    }
  }
  const r = BotDefinitionSchema.safeParse(raw);
  if (!r.success) return { ok: false, problems: bounded(r.error.issues.flatMap((i) => explain(raw, i))) };
  const problems = crossCheck(r.data);
  return problems.length ? { ok: false, problems: bounded(problems) } : { ok: true, definition: r.data };
}

const MAX_PROBLEMS = 100;
const MAX_PROBLEM_LENGTH = 500;

/** A hostile source can have 100,000 unknown keys: the answer names the first ones, not all. */
function bounded(problems: Problem[]): Problem[] {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => (p.message.length > MAX_PROBLEM_LENGTH ? { ...p, message: `${p.message.slice(0, MAX_PROBLEM_LENGTH)}…` } : p));
  if (problems.length > MAX_PROBLEMS) shown.push({ path: '', message: `and ${problems.length - MAX_PROBLEMS} more problems` });
  return shown;
}

/**
 * A webhook step's URL as the address check sees it: `{{variables}}` (URL-encoded at call time, so
 * they cannot leave their path segment or query value) replaced by a placeholder. Undefined when a
 * variable sits in the scheme, user, host or port: the target itself must be fixed when saved.
 */
export function webhookTarget(template: string): string | undefined {
  const origin = template.match(/^[a-z][a-z0-9+.-]*:(\/\/)?[^/?#]*/i)?.[0];
  if (!origin || origin.includes('{{')) return undefined;
  return template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, 'x');
}

/** Every webhook step of a definition, with the path of its url. */
export function webhookSteps(d: BotDefinition): Array<{ path: string; dialog: string; step: number; webhook: z.infer<typeof WebhookStep>['webhook'] }> {
  return Object.entries(d.dialogs).flatMap(([dialog, dl]) =>
    dl.steps.flatMap((s, step) => ('webhook' in s ? [{ path: `dialogs.${dialog}.steps.${step}.webhook`, dialog, step, webhook: s.webhook }] : [])),
  );
}

/**
 * The dialogs a person would hand a conversation back to, by label (in `language`, else the bot's
 * default): not the system dialogs the runtime runs by itself, and not a dialog whose first step hands
 * over again (the user would be back in the queue at once).
 */
export function handbackTargets(d: BotDefinition, language = d.defaultLanguage): Array<{ name: string; label: string }> {
  return Object.entries(d.dialogs)
    .filter(([name, dialog]) => !isSystemDialog(name) && !('offload' in dialog.steps[0]!))
    .map(([name, dialog]) => {
      const label = dialog.label === undefined ? name : typeof dialog.label === 'string' ? dialog.label : (dialog.label[language] ?? dialog.label[d.defaultLanguage] ?? Object.values(dialog.label)[0] ?? name);
      return { name, label };
    })
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function botDefinitionJsonSchema() {
  return z.toJSONSchema(BotDefinitionSchema, { io: 'input', unrepresentable: 'any' });
}

/** Every skill the bot's offload steps hand over to ('general' always: an explicit request without one goes there). */
export function offloadSkills(d: BotDefinition): string[] {
  const skills = new Set(['general']);
  for (const dialog of Object.values(d.dialogs)) for (const step of dialog.steps) if ('offload' in step) skills.add(step.offload.skill);
  return [...skills];
}

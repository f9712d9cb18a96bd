// The dialog runtime: turns one user input (or a named dialog) into a BotTurn. Pure apart from the
// two ports it is given: NLU classification and the webhook plugin's HTTP call.
import type { Button, Card } from '@baton/proto';
import type { Nlu } from '../../nlu/index.js';
import { dialogOf, transition } from '../conversation-machine.js';
import type { BotDefinition, Dialog, LocalizedText, Step } from './definition.js';
import { matchTypedAnswer, normalizeAnswer, type OfferedButton } from './typed-answers.js';
import type { BotContext, BotInput, BotRuntime, BotTurn, FollowupContext, FollowupRequest, OffloadRequest, OutgoingBotMessage, VariableMap, VariableValue } from './types.js';

export interface WebhookCall {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
}
export type WebhookResult = { ok: boolean; status: number; json?: unknown; error?: string };

export interface BotPorts {
  nlu: Nlu;
  callWebhook: (req: WebhookCall) => Promise<WebhookResult>;
}

/** What the runtime keeps between turns (opaque to the core). */
interface RuntimeState {
  /** a question waiting for its answer */
  pending?: { dialog: string; step: number; retries: number };
  /** the buttons of the bot's latest turn: a typed answer that names one acts as its press */
  offered?: OfferedButton[];
  /** not-understood turns in a row (nlu.maxNotUnderstood of them: the user is stuck) */
  misses?: number;
  /** the language was read from the user's text once: it is kept from then on */
  languageSettled?: boolean;
  /** why nobody could take the chat, kept until the user leaves a message (a followup step) */
  followup?: FollowupContext;
}

/** The system dialog for an upset or stuck user (optional: without it, not_understood as before). */
export const FRUSTRATED = 'frustrated';

const GOTO_PREFIX = 'goto:';
const MAX_JUMPS = 25;

const DEFAULT_INVALID: Record<string, Record<string, string>> = {
  email: { en: "That doesn't look like an email address. Could you check it?", nl: 'Dat lijkt geen e-mailadres. Kun je het nakijken?', fr: "Cela ne ressemble pas à une adresse e-mail. Pouvez-vous vérifier ?" },
  phone: { en: "That doesn't look like a phone number.", nl: 'Dat lijkt geen telefoonnummer.', fr: 'Cela ne ressemble pas à un numéro de téléphone.' },
  number: { en: 'Please answer with a number.', nl: 'Antwoord met een getal.', fr: 'Merci de répondre avec un nombre.' },
  choice: { en: 'Please pick one of the options.', nl: 'Kies een van de opties.', fr: "Choisissez l'une des options." },
  text: { en: 'Could you say that again?', nl: 'Kun je dat nog eens zeggen?', fr: 'Pouvez-vous répéter ?' },
  file: { en: 'Please send it as a file with the paperclip button.', nl: 'Stuur het als bestand met de paperclipknop.', fr: 'Envoyez-le comme fichier avec le bouton trombone.' },
};

/** A `file` question's answer: the URL of the first file the message carries (an image when it asks for one). */
function fileAnswer(accept: 'any' | 'image' | undefined, files: BotInput['attachments']): string | undefined {
  const file = files?.[0];
  if (!file) return undefined;
  if (accept === 'image' && !file.contentType.startsWith('image/')) return undefined;
  return file.url;
}
const WEBHOOK_FAILED: Record<string, string> = {
  en: "Sorry, I can't reach that service right now. Please try again later — I can still help with other questions.",
  nl: 'Sorry, ik kan die dienst nu niet bereiken. Probeer het later opnieuw — met andere vragen help ik je graag verder.',
  fr: "Désolé, je ne peux pas joindre ce service pour le moment. Réessayez plus tard — je peux vous aider pour d'autres questions.",
};

export function localize(text: LocalizedText, language: string, fallback: string, vars: VariableMap): string {
  const raw = typeof text === 'string' ? text : (text[language] ?? text[fallback] ?? Object.values(text)[0] ?? '');
  return raw.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    return v === undefined || v === null ? '' : String(v);
  });
}

/**
 * A webhook step's URL with `{{variable}}` values URL-encoded, so an answer stays inside its path
 * segment or query value (`../../admin?x#` cannot climb the path or add a query). A value that is
 * only `.` or `..` would still be a dot segment once parsed: undefined, and the call is not made.
 */
export function webhookUrl(template: string, vars: VariableMap): string | undefined {
  let unsafe = false;
  const url = template.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    const v = vars[name];
    const encoded = encodeURIComponent(v === undefined || v === null ? '' : String(v));
    if (encoded === '.' || encoded === '..') unsafe = true;
    return encoded;
  });
  return unsafe ? undefined : url;
}

/** Validates and normalises an answer to a question; undefined when invalid. */
export function validateAnswer(type: string, answer: string, choices?: Array<{ value: string; title: LocalizedText }>, language = 'en'): VariableValue | undefined {
  const a = answer.trim();
  if (!a) return undefined;
  switch (type) {
    case 'email':
      return /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(a) ? a.toLowerCase() : undefined;
    case 'phone': {
      const digits = a.replace(/[\s().-]/g, '');
      return /^\+?\d{6,15}$/.test(digits) ? digits : undefined;
    }
    case 'number': {
      const n = Number(a.replace(',', '.'));
      return /^-?\d+([.,]\d+)?$/.test(a) && Number.isFinite(n) ? n : undefined;
    }
    case 'choice': {
      // a press sends the value; a typed title is matched as typed answers are (typed-answers.ts)
      const said = normalizeAnswer(a);
      const hit = choices?.find((c) => c.value === a || normalizeAnswer(c.value) === said || normalizeAnswer(localize(c.title, language, language, {})) === said);
      return hit?.value;
    }
    default:
      return a.slice(0, 1000);
  }
}

function getPath(json: unknown, path: string): VariableValue | undefined {
  let cur: unknown = json;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === null || ['string', 'number', 'boolean'].includes(typeof cur)) return cur as VariableValue;
  return cur === undefined ? undefined : JSON.stringify(cur);
}

function interpolateJson(value: unknown, vars: VariableMap): unknown {
  if (typeof value === 'string') return value.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (_, n: string) => String(vars[n] ?? ''));
  if (Array.isArray(value)) return value.map((v) => interpolateJson(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateJson(v, vars)]));
  return value;
}

export async function createBotRuntime(def: BotDefinition, ports: BotPorts): Promise<BotRuntime> {
  const intents: Record<string, Record<string, string[]>> = Object.fromEntries(Object.entries(def.intents).map(([n, i]) => [n, i.phrases]));
  await ports.nlu.train({ languages: def.languages, intents, none: def.nlu.none });
  const threshold = def.nlu.threshold;

  /** One turn being built. */
  class Turn {
    messages: OutgoingBotMessage[] = [];
    variables: VariableMap;
    tags: string[];
    language: string;
    offload?: OffloadRequest;
    offloadBlocked?: 'disabled' | 'closed' | 'no_agent';
    followup?: FollowupRequest;
    waitingFrom?: number;
    cancelOffload = false;
    state: RuntimeState = {};
    intent: BotTurn['intent'] = null;
    /** the first dialog this turn ran */
    dialog?: string;
    notUnderstood = false;
    offered: OfferedButton[] = [];
    constructor(readonly ctx: BotContext) {
      this.variables = { ...ctx.variables };
      this.tags = [...ctx.tags];
      this.language = ctx.language;
      const before = ctx.state as RuntimeState | null;
      if (before?.misses) this.state.misses = before.misses;
      if (before?.languageSettled) this.state.languageSettled = true;
      if (before?.followup) this.state.followup = before.followup;
    }
    /** buttons shown in this turn; the numbers of earlier messages' buttons no longer apply */
    offer(buttons: Button[], numbered: boolean): void {
      if (numbered) for (const b of this.offered) delete b.n;
      buttons.forEach((b, i) => this.offered.push({ title: b.title, payload: b.payload, ...(numbered ? { n: i + 1 } : {}) }));
    }
    /** values the core gives this turn's texts only (never stored as variables), e.g. `offloading.nextOpen` */
    told: VariableMap = {};
    t(text: LocalizedText): string {
      return localize(text, this.language, def.defaultLanguage, { ...this.variables, ...this.told });
    }
    button(b: { title: LocalizedText; goto?: string; payload?: string }): Button {
      return { title: this.t(b.title), payload: b.goto ? `${GOTO_PREFIX}${b.goto}` : b.payload! };
    }
    result(): BotTurn {
      if (this.offered.length) this.state.offered = this.offered;
      return {
        messages: this.messages,
        state: this.state,
        variables: this.variables,
        tags: this.tags,
        ...(this.language !== this.ctx.language ? { language: this.language } : {}),
        ...(this.offload ? { offload: this.offload, waitingFrom: this.waitingFrom ?? this.messages.length } : {}),
        ...(this.offloadBlocked ? { offloadBlocked: this.offloadBlocked } : {}),
        ...(this.followup ? { followup: this.followup } : {}),
        ...(this.cancelOffload ? { cancelOffload: true } : {}),
        ...(this.dialog ? { dialog: this.dialog } : {}),
        ...(this.notUnderstood ? { notUnderstood: true } : {}),
        intent: this.intent,
      };
    }
  }

  const NO_AGENT = 'offloading_no_agent';
  const NOBODY_ONLINE = 'offloading_nobody_online';
  /**
   * The dialog to run for a system dialog: the one settings.dialogs names when this bot has it, else
   * the bot's own; a bot without offloading_no_agent says what it says when closed.
   */
  function systemDialog(turn: Turn, name: string): string {
    const override = turn.ctx.systemDialogs?.[name];
    if (override && Object.prototype.hasOwnProperty.call(def.dialogs, override)) return override;
    if (name === NO_AGENT && !Object.prototype.hasOwnProperty.call(def.dialogs, NO_AGENT)) return systemDialog(turn, 'offloading_closed');
    return name;
  }

  async function run(turn: Turn, dialogName: string, from = 0, jumps = 0): Promise<void> {
    const dialog: Dialog | undefined = def.dialogs[dialogName];
    if (!dialog || jumps > MAX_JUMPS) return;
    turn.dialog ??= dialogName;
    for (let i = from; i < dialog.steps.length; i++) {
      const step: Step = dialog.steps[i]!;
      if ('message' in step) {
        const m = step.message;
        const out: OutgoingBotMessage = {};
        if (m.text) out.text = turn.t(m.text);
        if (m.buttons?.length) out.buttons = m.buttons.map((b) => turn.button(b));
        if (m.cards?.length) {
          out.cards = m.cards.map(
            (c): Card => ({
              title: turn.t(c.title),
              ...(c.subtitle ? { subtitle: turn.t(c.subtitle) } : {}),
              ...(c.imageUrl ? { imageUrl: c.imageUrl } : {}),
              ...(c.buttons?.length ? { buttons: c.buttons.map((b) => turn.button(b)) } : {}),
            }),
          );
        }
        turn.messages.push(out);
        if (out.buttons) turn.offer(out.buttons, true);
        for (const c of out.cards ?? []) if (c.buttons) turn.offer(c.buttons, false);
      } else if ('question' in step) {
        const q = step.question;
        const known = turn.variables[q.variable];
        if (q.skipIfKnown && known !== undefined && known !== null && known !== '') continue;
        const out: OutgoingBotMessage = { text: turn.t(q.prompt) };
        if (q.type === 'choice' && q.choices) out.buttons = q.choices.map((c) => ({ title: turn.t(c.title), payload: c.value }));
        turn.messages.push(out);
        if (out.buttons) turn.offer(out.buttons, true);
        turn.state.pending = { dialog: dialogName, step: i, retries: 0 };
        return;
      } else if ('tag' in step) {
        for (const t of [step.tag].flat()) if (!turn.tags.includes(t)) turn.tags.push(t);
      } else if ('setVariable' in step) {
        const v = step.setVariable.value;
        turn.variables[step.setVariable.name] = typeof v === 'string' ? localize(v, turn.language, def.defaultLanguage, turn.variables) : v;
      } else if ('goto' in step) {
        return run(turn, step.goto, 0, jumps + 1);
      } else if ('offload' in step) {
        const o = step.offload;
        let availability: 'disabled' | 'closed' | 'no_agent' | 'open' = turn.ctx.offloading;
        // nobody eligible online counts as closed only when the settings say so (the core answers)
        if (availability === 'open' && turn.ctx.status === 'bot' && (await turn.ctx.noAgentFor?.(o.skill))) availability = 'no_agent';
        // the machine names the dialog: the waiting message again when already waiting (no second
        // request), the disabled/closed/no-agent dialog when nobody can take it, else the handover request
        const event = availability === 'disabled' ? 'offload.disabled' : availability === 'closed' ? 'offload.closed' : availability === 'no_agent' ? 'offload.no_agent' : 'offload.open';
        const t = transition(turn.ctx.status, event);
        if (!t.ok) return;
        const dialog = systemDialog(turn, dialogOf(t.effects)!);
        if (!t.effects.includes('request_handover')) {
          if (t.to === 'bot' && availability !== 'open') {
            turn.offloadBlocked = availability;
            if (availability === 'closed' && turn.ctx.nextOpening) turn.told['offloading.nextOpen'] = turn.ctx.nextOpening(turn.language);
            // the user may leave a message in the dialog that follows
            if (availability !== 'disabled') turn.state.followup = { reason: availability, skill: o.skill };
          }
          return run(turn, dialog, 0, jumps + 1);
        }
        const sent = o.variables ? Object.fromEntries(o.variables.filter((n) => n in turn.variables).map((n) => [n, turn.variables[n]!])) : { ...turn.variables };
        for (const t of o.tags) if (!turn.tags.includes(t)) turn.tags.push(t);
        turn.offload = { skill: o.skill, tags: [...turn.tags], variables: sent, reason: o.reason, trigger: o.trigger, dialog: dialogName, providerId: o.providerId, note: o.note };
        // what the opened dialog says from here on is about waiting: the core drops it when an agent takes the chat at once
        turn.waitingFrom = turn.messages.length;
        await run(turn, dialog, 0, jumps + 1);
        // a channel's user waiting while nobody eligible is online is told so, and may leave a message instead
        if (!turn.state.pending && Object.prototype.hasOwnProperty.call(def.dialogs, NOBODY_ONLINE) && (await turn.ctx.nobodyOnlineFor?.(o.skill))) {
          turn.state.followup = { reason: 'no_agent', skill: o.skill };
          await run(turn, systemDialog(turn, NOBODY_ONLINE), 0, jumps + 1);
        }
        return;
      } else if ('followup' in step) {
        const f = step.followup;
        const question = turn.variables[f.question];
        const email = turn.variables[f.email];
        // a dialog that did not collect the question has nothing to leave
        if (typeof question !== 'string' || !question.trim()) continue;
        const why = turn.state.followup;
        // still waiting in the queue: leaving a message instead is leaving the queue
        const waiting = turn.ctx.status === 'offloaded';
        turn.followup = {
          reason: f.reason ?? why?.reason ?? (waiting ? 'no_agent' : 'closed'),
          skill: f.skill ?? why?.skill ?? null,
          email: typeof email === 'string' && email ? email : null,
          question: question.trim(),
        };
        if (waiting) turn.cancelOffload = true;
        delete turn.state.followup;
      } else if ('webhook' in step) {
        const w = step.webhook;
        const url = webhookUrl(w.url, turn.variables);
        const res: WebhookResult = url === undefined ? { ok: false, status: 0, error: 'a value inserted into the URL is a dot segment' } : await ports.callWebhook({
          url,
          method: w.method,
          headers: w.headers ?? {},
          body: w.body === undefined ? undefined : interpolateJson(w.body, turn.variables),
          timeoutMs: w.timeoutMs,
        });
        if (!res.ok) {
          if (w.onError && def.dialogs[w.onError]) return run(turn, w.onError, 0, jumps + 1);
          turn.messages.push({ text: WEBHOOK_FAILED[turn.language] ?? WEBHOOK_FAILED.en! });
          return;
        }
        for (const [name, path] of Object.entries(w.assign ?? {})) {
          const v = getPath(res.json, path);
          if (v !== undefined) turn.variables[name] = v;
        }
      }
    }
  }

  async function answerQuestion(turn: Turn, pending: NonNullable<RuntimeState['pending']>, input: BotInput): Promise<void> {
    const step = def.dialogs[pending.dialog]?.steps[pending.step];
    if (!step || !('question' in step)) {
      turn.notUnderstood = true;
      return run(turn, 'not_understood');
    }
    const q = step.question;
    const value = q.type === 'file' ? fileAnswer(q.accept, input.attachments) : validateAnswer(q.type, input.postback ?? input.text ?? '', q.choices, turn.language);
    if (value !== undefined) {
      delete turn.state.misses;
      turn.variables[q.variable] = value;
      return run(turn, pending.dialog, pending.step + 1);
    }
    if (pending.retries + 1 > q.retries) return q.onFail ? run(turn, q.onFail) : notUnderstood(turn);
    turn.messages.push({ text: q.invalid ? turn.t(q.invalid) : (DEFAULT_INVALID[q.type]?.[turn.language] ?? DEFAULT_INVALID.text!.en!) });
    const again: OutgoingBotMessage = { text: turn.t(q.prompt) };
    if (q.type === 'choice' && q.choices) again.buttons = q.choices.map((c) => ({ title: turn.t(c.title), payload: c.value }));
    turn.messages.push(again);
    if (again.buttons) turn.offer(again.buttons, true);
    turn.state.pending = { ...pending, retries: pending.retries + 1 };
  }

  const hasDialog = (d: string) => Object.prototype.hasOwnProperty.call(def.dialogs, d);
  const maxMisses = def.nlu.maxNotUnderstood;
  const margin = def.nlu.margin;

  /** not understood once more: the offer of a person, or, stuck that many times in a row, the frustrated dialog */
  function notUnderstood(turn: Turn): Promise<void> {
    turn.notUnderstood = true;
    const misses = (turn.state.misses ?? 0) + 1;
    if (maxMisses > 0 && misses >= maxMisses && hasDialog(FRUSTRATED)) {
      delete turn.state.misses;
      return run(turn, FRUSTRATED);
    }
    turn.state.misses = misses;
    return run(turn, 'not_understood');
  }

  return {
    botId: def.id ?? def.name,
    hasDialog,
    async welcome(ctx) {
      const turn = new Turn(ctx);
      delete turn.state.misses;
      await run(turn, 'welcome');
      return turn.result();
    },
    async runDialog(ctx, dialog, why) {
      // a hand back or a dialog the core asks for starts the not-understood count again
      const turn = new Turn(ctx);
      delete turn.state.misses;
      if (why) turn.state.followup = why;
      else delete turn.state.followup;
      const target = systemDialog(turn, dialog);
      await run(turn, hasDialog(target) ? target : 'not_understood');
      return turn.result();
    },
    async respond(ctx, input) {
      const turn = new Turn(ctx);
      const before = ctx.state as RuntimeState | null;
      const text = input.text?.trim() ?? '';
      // the language of the first message that tells it (the locale may be the page's, not the user's)
      if (text && !turn.state.languageSettled) {
        const guess = ports.nlu.guessLanguage(text, def.languages);
        if (guess) {
          turn.language = guess;
          turn.state.languageSettled = true;
        }
      }
      const pending = before?.pending;
      const question = pending && def.dialogs[pending.dialog]?.steps[pending.step];
      // a typed answer that names a button of the latest turn takes the button's path (a free-text
      // question waiting for its answer takes the text as it is)
      let postback = input.postback;
      if (!postback && text && !(question && 'question' in question && question.question.type !== 'choice')) {
        postback = matchTypedAnswer(text, before?.offered ?? [])?.payload;
      }
      if (pending && (text || postback || input.attachments?.length) && !postback?.startsWith(GOTO_PREFIX)) {
        await answerQuestion(turn, pending, { text: input.text, postback, attachments: input.attachments });
        return turn.result();
      }
      // files without words, and no question asked for them: the bot cannot read them. It says so (the
      // not_understood dialog offers a person) without counting it as the user being stuck.
      if (!text && !postback && input.attachments?.length) {
        await run(turn, 'not_understood');
        return turn.result();
      }
      if (postback) {
        const p = postback;
        const target = p.startsWith(GOTO_PREFIX) ? p.slice(GOTO_PREFIX.length) : def.intents[p]?.dialog ?? (hasDialog(p) ? p : undefined);
        if (target && hasDialog(target)) {
          delete turn.state.misses;
          await run(turn, target);
          return turn.result();
        }
      }
      // clearly upset: the frustrated dialog at once (the demo apologises and hands over)
      if (text && hasDialog(FRUSTRATED) && ports.nlu.upset(turn.language, text)) {
        delete turn.state.misses;
        await run(turn, FRUSTRATED);
        return turn.result();
      }
      const c = await ports.nlu.classify(turn.language, text || postback || '');
      turn.intent = c.intent ? { name: c.intent, score: c.score } : null;
      // confident, and clearly ahead of the runner-up (two intents nearly tied mean the text is neither)
      const dialog = c.intent && c.score >= threshold && c.score - c.runnerUp >= margin ? def.intents[c.intent]?.dialog : undefined;
      if (!dialog) {
        await notUnderstood(turn);
        return turn.result();
      }
      delete turn.state.misses;
      await run(turn, dialog);
      return turn.result();
    },
  };
}

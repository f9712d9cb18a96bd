// The satisfaction question on text channels (the widget asks with its own component): its words in
// the conversation's language, its buttons, and which answers count as a rating. One place, so every
// channel type (the channel webhook now, WhatsApp and the others later) asks and understands alike.
import type { Button } from '@baton/proto';

/** A rating button's payload: `rating:<score>`. */
export const RATING_POSTBACK_PREFIX = 'rating:';

const QUESTION: Record<string, string> = {
  en: 'How would you rate the help you got? 1 (poor) to 5 (excellent)',
  nl: 'Hoe beoordeelt u de hulp die u kreeg? 1 (slecht) tot 5 (uitstekend)',
  fr: "Comment évaluez-vous l'aide reçue ? 1 (mauvaise) à 5 (excellente)",
};
const THANKS: Record<string, string> = {
  en: 'Thank you for your rating!',
  nl: 'Bedankt voor uw beoordeling!',
  fr: 'Merci pour votre évaluation !',
};

const words = (table: Record<string, string>, language: string) => table[language.slice(0, 2)] ?? table.en!;

/** The question as a message with five buttons; text-only channels show them numbered 1–5. */
export function ratingQuestion(language: string): { text: string; buttons: Button[] } {
  return { text: words(QUESTION, language), buttons: [1, 2, 3, 4, 5].map((n) => ({ title: '★'.repeat(n), payload: `${RATING_POSTBACK_PREFIX}${n}` })) };
}

export const ratingThanks = (language: string) => words(THANKS, language);

/**
 * The score an answer gives: a rating button's postback, or (typed) a lone digit 1–5, optionally
 * "out of 5" ("4", "4/5", "4 / 5.") — the same as pressing that button. Undefined otherwise.
 */
export function ratingAnswer(input: { text?: string; postback?: string }): { score: number; typed: boolean } | undefined {
  if (input.postback?.startsWith(RATING_POSTBACK_PREFIX)) {
    const n = Number(input.postback.slice(RATING_POSTBACK_PREFIX.length));
    return Number.isInteger(n) && n >= 1 && n <= 5 ? { score: n, typed: false } : undefined;
  }
  if (input.postback || !input.text) return undefined;
  const m = /^\s*([1-5])\s*(?:\/\s*5)?\s*[.!]?\s*$/.exec(input.text);
  return m ? { score: Number(m[1]), typed: true } : undefined;
}

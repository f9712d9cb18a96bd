// Chat spellings and synonyms, per language, rewritten to one common form before training and before
// classification: "hiya", "heya", "hullo" and "yo" are "hello", "cya", "ciao" and "take care" are
// "goodbye". A bot's training phrases name a handful of these; users type dozens, and a word the model
// never saw weighs nothing. Only small talk and spelling: words that carry a request ("person",
// "someone", "address") are left to the training phrases, since a synonym there changes what an
// off-topic sentence means too ("someone stole my bike").
import { normalizeAnswer } from '../domain/bot/typed-answers.js';

const SYNONYMS: Record<string, Record<string, string[]>> = {
  en: {
    hello: ['hiya', 'heya', 'hii', 'hiii', 'helo', 'hullo', 'hallo', 'yo', 'sup', 'wassup', 'whats up', 'what s up', 'howdy', 'how s it going', 'how is it going', 'how are you', 'how are you doing', 'how are things', 'g day', 'hey there', 'hi there'],
    goodbye: ['cya', 'see ya', 'see you', 'ciao', 'adios', 'cheerio', 'so long', 'take care', 'farewell', 'bye', 'byebye', 'bye bye', 'goodnight', 'good night', 'nighty night', 'till next time', 'until next time', 'see you later', 'later alligator', 'gotta go', 'got to go', 'i have to go', 'i must go', 'i m off'],
    thanks: ['ty', 'tysm', 'thx', 'thnx', 'thnks', 'thanx', 'cheers', 'ta', 'thank you', 'thank u', 'thankyou', 'many thanks', 'much appreciated'],
  },
  nl: {
    hallo: ['hoi', 'hai', 'hee', 'hey', 'heey', 'jo', 'hallootjes', 'hellow', 'hello', 'hoe gaat het', 'hoe is het', 'alles goed', 'hoe gaat het ermee', 'daar ben ik weer'],
    goedemorgen: ['goeiemorgen', 'goede morgen', 'goedemorgen'],
    goedemiddag: ['goeiemiddag', 'goedenmiddag', 'goede middag'],
    goedenavond: ['goeienavond', 'goede avond', 'goeieavond'],
    'tot ziens': ['doei', 'doeg', 'daaag', 'daag', 'ajuu', 'adieu', 'houdoe', 'vaarwel', 'ciao', 'bye', 'groetjes', 'de groeten', 'tot weerziens', 'tot kijk', 'ik moet gaan', 'ik ga ervandoor', 'ik moet weg', 'ik ben weg'],
    slaapwel: ['welterusten', 'goedenacht', 'goeienacht', 'goede nacht', 'slaap lekker'],
    bedankt: ['dankjewel', 'dankuwel', 'dank je wel', 'dank u wel', 'dank je', 'dank u', 'thx', 'thanks', 'merci', 'mercikes', 'dankje'],
  },
  fr: {
    bonjour: ['slt', 'bjr', 'wesh', 'yo', 'hello', 'coucou', 'rebonjour', 're bonjour', 'hey', 'bonjour', 'comment ça va', 'comment ca va', 'comment vas tu', 'comment allez vous'],
    'au revoir': ['tchao', 'ciao', 'bye', 'bye bye', 'adieu', 'salut a bientot', 'a la revoyure', 'je dois y aller', 'je dois partir', 'je pars', 'je m en vais', 'je vous laisse', 'je vous quitte', 'je file', 'a demain', 'a la prochaine', 'a bientot', 'a plus tard', 'a tout a l heure', 'bonne nuit', 'bonne soiree', 'bonne fin de journee', 'bonne continuation', 'bon week end', 'bonne semaine', 'a une prochaine', 'a une prochaine fois', 'a la prochaine fois', 'allez salut'],
    merci: ['mci', 'thx', 'thanks', 'merci bcp', 'remerciements'],
  },
};

interface Table {
  re: RegExp;
  to: Map<string, string>;
}
const tables = new Map<string, Table | null>();

function table(language: string): Table | null {
  let t = tables.get(language);
  if (t === undefined) {
    const byCanon = SYNONYMS[language];
    if (!byCanon) t = null;
    else {
      const to = new Map<string, string>();
      for (const [canon, variants] of Object.entries(byCanon)) for (const v of variants) to.set(normalizeAnswer(v), canon);
      const keys = [...to.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      t = { re: new RegExp(`(?<= |^)(?:${keys.join('|')})(?= |$)`, 'g'), to };
    }
    tables.set(language, t);
  }
  return t;
}

/**
 * The text as the classifier sees it: with the small-talk synonyms of its language in their common form
 * (then lower case, without accents and punctuation), or as it is when it has none.
 */
export function canonicalText(language: string, text: string): string {
  const t = table(language);
  if (!t) return text;
  const normalized = normalizeAnswer(text);
  let changed = false;
  const out = normalized.replace(t.re, (m) => {
    changed = true;
    return t.to.get(m) ?? m;
  });
  // nlp.js's own tokenizer knows its language's elisions ("j'ai", "l'adresse"): text without a
  // synonym reaches it as written
  return changed ? out.replace(/ {2,}/g, ' ').trim() : text;
}

// Is the user clearly upset? A small lexicon of strongly negative expressions per language, scored.
// nlp.js ships sentiment lexicons for en, nl and fr, but they miss what upset chat users write
// ("worst service ever" and "nothing works, I am fed up" score positive, "wat een tijdverspilling"
// neutral), and a general sentiment score is negative for "the traffic was terrible" too, which is
// no reason to hand over. So: what the user says they feel ("I'm furious", "j'en ai marre") counts
// on its own; a judgement ("useless", "waardeloos", "nul") counts when it is aimed at us ("you",
// "this bot", "jullie service") or said with force ("so", "!!", capitals); profanity counts as a
// judgement. A negation just before ("not bad", "pas mal") cancels it.
import { normalizeAnswer } from '../domain/bot/typed-answers.js';

interface Lexicon {
  /** the user's own state: enough on its own */
  feeling: string[];
  /** judgements and profanity: with a target or force */
  judgement: string[];
  /** "it doesn't work", "you don't understand": adds to the rest */
  stuck: string[];
  /** who or what a judgement is aimed at */
  target: string[];
  intensifier: string[];
  negation: string[];
}

// normalized (lower case, no accents, punctuation as spaces); a trailing * matches any ending
const LEXICONS: Record<string, Lexicon> = {
  en: {
    feeling: ['angry', 'furious', 'pissed', 'pissed off', 'fed up', 'sick of', 'sick and tired', 'frustrated', 'frustrating', 'i give up', 'i hate', 'hate this', 'hate you', 'livid', 'outraged', 'had enough', 'are you kidding me', 'for god s sake', 'for fuck s sake', 'losing my patience', 'driving me crazy', 'driving me mad', 'waste of time', 'waste of my time', 'you don t understand anything', 'you understand nothing', 'you re not helping', 'you are not helping', 'unacceptable', 'wtf'],
    judgement: ['useless', 'stupid', 'idiot*', 'ridiculous', 'terrible', 'horrible', 'awful', 'worst', 'pathetic', 'garbage', 'rubbish', 'crap', 'crappy', 'shit*', 'fuck*', 'damn*', 'bullshit', 'dumb', 'moron*', 'incompetent', 'disgusting', 'scam', 'annoying', 'joke', 'nonsense', 'a disgrace', 'hopeless', 'lousy', 'sucks', 'suck'],
    stuck: ['doesn t work', 'doesnt work', 'does not work', 'not working', 'nothing works', 'don t understand', 'dont understand', 'do not understand', 'not helpful', 'doesn t help', 'doesnt help', 'no help'],
    target: ['you', 'your', 'you re', 'bot', 'this', 'service', 'company', 'chatbot', 'assistant', 'it s', 'this is', 'that s'],
    intensifier: ['so', 'really', 'very', 'totally', 'completely', 'absolutely', 'such', 'fucking', 'damn', 'extremely', 'utterly'],
    negation: ['not', 'no', 'never', 't'],
  },
  nl: {
    feeling: ['boos', 'woedend', 'kwaad', 'het beu', 'het zat', 'ben het zat', 'ben het beu', 'gefrustreerd', 'frustrerend', 'ik geef het op', 'ik word gek', 'ik word er gek van', 'tijdverspilling', 'verspilling van tijd', 'zonde van mijn tijd', 'ik haat', 'dit slaat nergens op', 'slaat nergens op', 'onacceptabel', 'je begrijpt er niets van', 'je snapt er niks van', 'je begrijpt niks', 'je helpt me niet', 'je helpt niet', 'om te huilen', 'schandalig', 'godverdomme', 'verdomme'],
    judgement: ['waardeloos', 'waardeloze', 'belachelijk', 'verschrikkelijk', 'vreselijk', 'slechtste', 'dom', 'domme', 'stom', 'stomme', 'idioot', 'idioten', 'klote*', 'kut*', 'shit', 'nutteloos', 'nutteloze', 'hopeloos', 'schande', 'prutsers', 'amateurs', 'oplichters', 'irritant', 'onzin', 'flauwekul', 'rot*', 'bagger', 'waardeloos'],
    stuck: ['werkt niet', 'werkt niks', 'niets werkt', 'niks werkt', 'begrijp je niet', 'snap je niet', 'begrijpt me niet', 'helpt niet'],
    target: ['je', 'jij', 'jullie', 'u', 'bot', 'dit', 'dat', 'service', 'dienst', 'klantendienst', 'klantenservice', 'bedrijf', 'chatbot', 'assistent', 'het is'],
    intensifier: ['zo', 'echt', 'heel', 'erg', 'totaal', 'volledig', 'compleet', 'ontzettend', 'super', 'ongelofelijk'],
    negation: ['niet', 'geen', 'nooit'],
  },
  fr: {
    feeling: ['en colere', 'furieux', 'furieuse', 'enerve', 'enervee', 'j en ai marre', 'en ai marre', 'marre', 'ras le bol', 'j en peux plus', 'frustre', 'frustree', 'frustrant', 'je laisse tomber', 'perte de temps', 'je deteste', 'inadmissible', 'inacceptable', 'n importe quoi', 'tu ne comprends rien', 'tu comprends rien', 'vous ne comprenez rien', 'vous comprenez rien', 'ca ne sert a rien', 'ca sert a rien', 'insupportable', 'c est une honte', 'scandaleux', 'honteux', 'putain', 'bordel'],
    judgement: ['nul', 'nulle', 'nuls', 'inutile', 'stupide', 'idiot', 'idiote', 'debile', 'ridicule', 'horrible', 'affreux', 'lamentable', 'pire', 'pitoyable', 'merde*', 'chiant*', 'con', 'conne', 'arnaque', 'escroc*', 'incompetent*', 'agacant', 'minable', 'naze', 'pourri', 'pourrie', 'pourris', 'une blague'],
    stuck: ['ne marche pas', 'marche pas', 'ne fonctionne pas', 'fonctionne pas', 'rien ne marche', 'tu ne comprends pas', 'vous ne comprenez pas', 'comprends pas', 'toujours pas'],
    target: ['tu', 'toi', 'vous', 'votre', 'vos', 'ton', 'bot', 'robot', 'ce', 'c est', 'service', 'chatbot', 'assistant', 'societe', 'entreprise'],
    intensifier: ['tellement', 'vraiment', 'tres', 'trop', 'completement', 'totalement', 'absolument', 'si', 'grave'],
    negation: ['pas', 'jamais'],
  },
};

interface Compiled {
  feeling: RegExp;
  judgement: RegExp;
  stuck: RegExp;
  target: RegExp;
  intensifier: RegExp;
  negation: Set<string>;
}

/** one regular expression per list: whole words, a trailing * for any ending */
const alternation = (phrases: string[]) =>
  new RegExp(`(?<= |^)(?:${phrases.map((p) => (p.endsWith('*') ? `${p.slice(0, -1)}\\p{L}*` : p)).sort((a, b) => b.length - a.length).join('|')})(?= |$)`, 'gu');

const compiled = new Map<string, Compiled>();
function lexicon(language: string): Compiled | undefined {
  let c = compiled.get(language);
  const l = LEXICONS[language];
  if (!c && l) {
    c = { feeling: alternation(l.feeling), judgement: alternation(l.judgement), stuck: alternation(l.stuck), target: alternation(l.target), intensifier: alternation(l.intensifier), negation: new Set(l.negation) };
    compiled.set(language, c);
  }
  return c;
}

/** the hits of `re` in `text` that a negation just before does not cancel ("not bad", "pas nul") */
function hits(re: RegExp, text: string, negation: Set<string>): number {
  let n = 0;
  for (const m of text.matchAll(re)) {
    const before = text.slice(0, m.index).trim().split(' ').at(-1) ?? '';
    if (!negation.has(before)) n++;
  }
  return n;
}

/** Long texts are read up to here: a rant is upset in its first lines. */
const MAX_READ = 1000;

/**
 * How upset the text sounds, 0 and up; 3 or more is clearly upset. Feelings count 3, judgements 2
 * (with a target or force, +1), being stuck 1; shouting ("!!", words in capitals) and intensifiers add 1.
 */
export function upsetScore(language: string, text: string): number {
  const lex = lexicon(language);
  if (!lex || !text) return 0;
  const raw = text.slice(0, MAX_READ);
  const t = normalizeAnswer(raw);
  if (!t) return 0;
  const feeling = hits(lex.feeling, t, lex.negation);
  const judgement = hits(lex.judgement, t, lex.negation);
  const stuck = Math.min(1, hits(lex.stuck, t, lex.negation));
  if (!feeling && !judgement) return 0;
  const shouting = /!{2,}/.test(raw) || (raw.match(/\b\p{Lu}{3,}\b/gu)?.length ?? 0) >= 2 ? 1 : 0;
  const force = Math.min(1, (t.match(lex.intensifier)?.length ?? 0) + shouting);
  const aimed = judgement && t.match(lex.target) ? 1 : 0;
  return 3 * Math.min(1, feeling) + 2 * Math.min(1, judgement) + aimed + force + stuck;
}

/** Clearly upset: strongly negative, not merely a complaint about the weather. */
export const UPSET = 3;
export const isUpset = (language: string, text: string) => upsetScore(language, text) >= UPSET;

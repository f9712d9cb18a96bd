// Typed answers to the bot's buttons: on a channel that shows buttons as numbered text (SMS, WhatsApp,
// the channel webhook's fallbackText) and in the widget alike, a user who types the title of a button,
// its number, or — for a yes/no question — a yes or no word, means that button. The runtime then takes
// the button's postback path, so the typed answer acts exactly as the press.

/** A button the bot's latest turn offered, as the user saw it. */
export interface OfferedButton {
  title: string;
  payload: string;
  /** its number in its message, as fallbackText shows it (buttons of cards have none) */
  n?: number;
}

// a turn normalizes the same text several times (typed answers, language, upset, classification):
// the last one is kept
let lastText = '';
let lastNormalized = '';

/** Lower case, accents and punctuation gone, single spaces: "Oui, volontiers !" → "oui volontiers". */
export function normalizeAnswer(text: string): string {
  if (text === lastText) return lastNormalized;
  // plain ASCII (most chat text) needs no Unicode decomposition
  const out = /^[\x20-\x7e]*$/.test(text)
    ? text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()
    : text
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N}]+/gu, ' ')
        .trim();
  lastText = text;
  lastNormalized = out;
  return out;
}

// button titles come from bot definitions (a bounded set): normalized once
const titles = new Map<string, { normalized: string; core: string; polarity: 'yes' | 'no' | undefined }>();
function title(t: string) {
  let k = titles.get(t);
  if (!k) {
    if (titles.size > 10_000) titles.clear();
    const normalized = normalizeAnswer(t);
    k = { normalized, core: strip(normalized), polarity: polarity(normalized) };
    titles.set(t, k);
  }
  return k;
}

// Yes and no answers of every language Baton ships (en, nl, fr): a user on an English page may well
// answer "ja". Words of one language never mean the opposite in another, so one set serves all.
const YES = new Set(
  [
    // en
    'yes', 'y', 'yeah', 'yea', 'yep', 'yup', 'ya', 'sure', 'ok', 'okay', 'okey', 'k', 'kk', 'of course', 'please do', 'absolutely', 'alright', 'all right',
    'definitely', 'sounds good', 'go ahead', 'certainly', 'yes i do', 'yes i would', 'yes i want', 'yes i would like that', 'i do', 'i would', 'sure thing',
    'indeed', 'why not', 'correct', 'that would be great', 'please', 'yes sure', 'yes of course', 'ok sure', 'yes go ahead', 'yes definitely',
    // nl
    'ja', 'jawel', 'jazeker', 'ja zeker', 'ja hoor', 'oke', 'okee', 'oki', 'goed', 'prima', 'graag', 'zeker', 'natuurlijk', 'uiteraard', 'doe maar',
    'akkoord', 'is goed', 'dat is goed', 'ja dat is goed', 'ja dat wil ik', 'dat wil ik', 'ja graag', 'jep', 'jup', 'in orde', 'ja natuurlijk', 'ja prima',
    'graag zelfs', 'ja doe maar', 'top',
    // fr
    'oui', 'ouais', 'ouai', 'oui oui', 'd accord', 'dacc', 'dac', 'd acc', 'bien sur', 'volontiers', 'avec plaisir', 'carrement', 'absolument', 'evidemment',
    'tout a fait', 'je veux bien', 'ca marche', 'oui bien sur', 'allez y', 'vas y', 'bien entendu', 'oui je veux', 'oui je veux bien', 'exactement',
    'pourquoi pas', 'oui volontiers', 'oui avec plaisir', 'ok d accord', 'oui d accord',
  ],
);
const NO = new Set(
  [
    // en
    'no', 'n', 'nope', 'nah', 'not now', 'not really', 'no need', 'never mind', 'nevermind', 'not necessary', 'no way', 'not at the moment', 'no i don t',
    'no i do not', 'i don t', 'definitely not', 'of course not', 'not today', 'no it s fine', 'no it s ok', 'no it s okay', 'i m fine', 'i m good',
    'no i m fine', 'no i m good', 'maybe later', 'no not now', 'no no', 'not at all', 'no i don t want to', 'i don t want to',
    // nl
    'nee', 'neen', 'nee hoor', 'neen hoor', 'liever niet', 'niet nodig', 'helemaal niet', 'nu niet', 'niet nu', 'nee laat maar', 'laat maar', 'zeker niet',
    'dat hoeft niet', 'hoeft niet', 'nee dat hoeft niet', 'nooit', 'nee nee', 'later misschien', 'nee nu niet', 'nee liever niet', 'nee niet nodig',
    // fr
    'non', 'nan', 'non non', 'pas maintenant', 'non pas maintenant', 'non pas besoin', 'pas besoin', 'pas la peine', 'non pas la peine', 'sans facon',
    'ca ira', 'non ca va', 'pas du tout', 'surtout pas', 'laisse tomber', 'laissez tomber', 'non je ne veux pas', 'je ne veux pas', 'plus tard',
    'non plus tard', 'non c est bon', 'jamais', 'non jamais',
  ],
);
// politeness around an answer ("no, thanks", "ja graag", "oui merci", "yes please"): dropped at either
// end before the lookup, never in the middle
const FILLERS = new Set(['please', 'pls', 'plz', 'thanks', 'thank', 'you', 'thx', 'ty', 'bot', 'aub', 'alsjeblieft', 'alstublieft', 'asjeblieft', 'bedankt', 'dank', 'je', 'u', 'wel', 'hoor', 'merci', 'svp', 'stp', 's', 'il', 'vous', 'te', 'plait', 'beaucoup', 'graag']);

/** A normalized answer without the politeness at its ends. */
function strip(normalized: string): string {
  const words = normalized.split(' ').filter(Boolean);
  let from = 0;
  let to = words.length;
  while (from < to && FILLERS.has(words[from]!)) from++;
  while (to > from && FILLERS.has(words[to - 1]!)) to--;
  return words.slice(from, to).join(' ');
}

/** 'yes', 'no' or undefined for a normalized answer, as it is or without its politeness. */
function polarity(normalized: string): 'yes' | 'no' | undefined {
  const look = (s: string) => (YES.has(s) ? 'yes' : NO.has(s) ? 'no' : undefined);
  return normalized ? (look(normalized) ?? look(strip(normalized))) : undefined;
}

/** The longest text that can still be a typed answer: a longer message is a question of its own. */
const MAX_ANSWER_LENGTH = 80;

/**
 * The button a typed text names, or undefined (then the text goes to the NLU): its position ("2", "2.",
 * "#2"), its title (case, accents, punctuation and politeness ignored), or, when the buttons are one
 * yes and one no, a yes or no answer ("sure", "ja hoor", "d'accord", "nope").
 */
export function matchTypedAnswer(text: string, offered: readonly OfferedButton[]): OfferedButton | undefined {
  if (!offered.length || text.length > MAX_ANSWER_LENGTH) return undefined;
  const position = /^\s*#?\s*(\d{1,2})\s*[.)]?\s*$/.exec(text);
  if (position) return offered.find((b) => b.n === Number(position[1]));
  const said = normalizeAnswer(text);
  if (!said) return undefined;
  const byTitle = offered.filter((b) => title(b.title).normalized === said);
  if (byTitle.length === 1) return byTitle[0];
  const core = strip(said);
  const byCore = core ? offered.filter((b) => title(b.title).core === core) : [];
  if (byCore.length === 1) return byCore[0];
  const answer = polarity(said);
  if (!answer) return undefined;
  const yes = offered.filter((b) => title(b.title).polarity === 'yes');
  const no = offered.filter((b) => title(b.title).polarity === 'no');
  if (yes.length !== 1 || no.length !== 1) return undefined;
  return answer === 'yes' ? yes[0] : no[0];
}

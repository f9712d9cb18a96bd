// "/" in the composer opens canned responses: the slash word before the caret is the filter.
export interface CannedLike {
  shortcut: string;
  title: string;
  text: string;
}

/** The "/word" being typed at the caret, or null when the caret is not in one. */
export function slashQuery(text: string, caret: number): { query: string; start: number } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\w-]*)$/.exec(before);
  if (!m) return null;
  return { query: m[2]!.toLowerCase(), start: before.length - m[2]!.length - 1 };
}

/** Shortcut prefix matches first, then title/text matches. */
export function filterCanned<T extends CannedLike>(list: readonly T[], query: string, max = 8): T[] {
  const q = query.toLowerCase();
  const starts = list.filter((c) => c.shortcut.toLowerCase().replace(/^\//, '').startsWith(q));
  const contains = list.filter((c) => !starts.includes(c) && (c.title.toLowerCase().includes(q) || c.text.toLowerCase().includes(q)));
  return [...starts, ...contains].slice(0, max);
}

/** Replace the "/word" at `start..caret` with the canned text; returns the new text and caret. */
export function insertCanned(text: string, start: number, caret: number, snippet: string): { text: string; caret: number } {
  const next = text.slice(0, start) + snippet + text.slice(caret);
  return { text: next, caret: start + snippet.length };
}

// Pure helpers for the admin forms: random shared secrets, and the server's 422 `problems` (paths
// like "url" or "providers.2.config.clientId") sorted onto the fields they belong to.

export interface Problem {
  path: string;
  message: string;
}

export const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

type RandomFill = (bytes: Uint8Array) => Uint8Array;
const webCrypto: RandomFill = (bytes) => globalThis.crypto.getRandomValues(bytes);

/**
 * A random secret of `length` letters and digits from `crypto.getRandomValues`. Bytes at or above
 * the largest multiple of the alphabet size are thrown away, so every character is equally likely.
 */
export function generateSecret(length = 32, fill: RandomFill = webCrypto): string {
  const n = SECRET_ALPHABET.length;
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    for (const b of fill(new Uint8Array(length * 2))) {
      if (b < limit) out += SECRET_ALPHABET[b % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/**
 * The problems under `prefix` (e.g. "providers.2"), keyed by the field they belong to: the next path
 * segment ("name", "skills" for "skills.0"), or two segments when the first is one of `nested`
 * ("config.clientId" for "config.clientId" and "config.skillMailboxes.billing"). Several problems on
 * one field are joined.
 */
export function problemsAt(problems: Problem[], prefix = '', nested: string[] = []): Record<string, string> {
  const head = prefix ? prefix.split('.') : [];
  const out: Record<string, string> = {};
  for (const p of problems) {
    const parts = p.path ? p.path.split('.') : [];
    if (parts.length <= head.length || head.some((h, i) => parts[i] !== h)) continue;
    const rest = parts.slice(head.length);
    const key = nested.includes(rest[0]!) && rest.length > 1 ? `${rest[0]}.${rest[1]}` : rest[0]!;
    out[key] = out[key] ? `${out[key]}; ${p.message}` : p.message;
  }
  return out;
}

/** The problems no field shows (their field is not in `fields`), for a general error list. */
export function unclaimedProblems(problems: Problem[], fields: string[], prefix = ''): Problem[] {
  return problems.filter((p) => {
    const rest = prefix ? (p.path.startsWith(`${prefix}.`) ? p.path.slice(prefix.length + 1) : undefined) : p.path;
    if (rest === undefined || rest === '') return true;
    return !fields.some((f) => rest === f || rest.startsWith(`${f}.`));
  });
}

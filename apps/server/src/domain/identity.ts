// Identity from the bot (DESIGN §10.3): which variables name the user and give their e-mail address,
// and what of a turn's variables may fill the conversation's user. Pure: commands/bot-turns.ts writes it.
import { z } from 'zod';
import type { VariableMap } from './bot/types.js';

/** The bot definition's `user:` mapping; absent fields use the variables `name` and `email`. */
export interface IdentityMapping {
  name?: string;
  email?: string;
}

export interface GivenIdentity {
  name?: string;
  email?: string;
}

/** the lengths the API takes for a user's name and e-mail (CreateConversationBody) */
export const MAX_NAME = 200;
export const MAX_EMAIL = 320;
// the same rule as a user's e-mail given to POST /conversations
const EMAIL = z.email().max(MAX_EMAIL);

function validName(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  // control characters and runs of spaces are tidied: the name is shown on one line in the desk
  const name = v.replace(/[\p{Cc}\p{Cf}]/gu, ' ').replace(/\s+/g, ' ').trim();
  return name.length > 0 && name.length <= MAX_NAME ? name : undefined;
}

function validEmail(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const email = v.trim();
  return EMAIL.safeParse(email).success ? email : undefined;
}

/**
 * What a bot turn collected about the user: the mapped variables whose value changed in this turn
 * and is valid (a name of 1–200 characters, an e-mail address of at most 320). Undefined when nothing
 * is to be written, so the common turn costs no write.
 */
export function givenIdentity(before: VariableMap, after: VariableMap, mapping: IdentityMapping = {}): GivenIdentity | undefined {
  const nameVar = mapping.name ?? 'name';
  const emailVar = mapping.email ?? 'email';
  const out: GivenIdentity = {};
  if (after[nameVar] !== before[nameVar]) {
    const name = validName(after[nameVar]);
    if (name !== undefined) out.name = name;
  }
  if (after[emailVar] !== before[emailVar]) {
    const email = validEmail(after[emailVar]);
    if (email !== undefined) out.email = email;
  }
  return out.name !== undefined || out.email !== undefined ? out : undefined;
}

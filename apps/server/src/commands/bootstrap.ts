// First start: an admin account, from BATON_ADMIN_EMAIL/PASSWORD or with a generated password that is
// written to a file only its owner can read (stdout ends up in log collectors, which keep it).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps.js';
import { newId } from '../tokens.js';
import { verify } from '@node-rs/argon2';
import { hashPassword } from './auth.js';

export const INITIAL_PASSWORD_FILE = 'initial-admin-password';

export interface EnsuredAdmin {
  created: boolean;
  email?: string;
  /** where the generated password was written (undefined when BATON_ADMIN_PASSWORD chose it) */
  passwordFile?: string;
}

/**
 * `skills`: what the first admin serves; the app passes every skill of the demo bot, so a first trial
 * of its address-change flow reaches the one agent there is.
 */
export async function ensureAdmin(deps: Deps, skills: readonly string[] = ['general']): Promise<EnsuredAdmin> {
  const any = await deps.store.db.selectFrom('agents').select('id').where('deleted_at', 'is', null).limit(1).executeTakeFirst();
  if (any) return { created: false };
  const email = (deps.config.BATON_ADMIN_EMAIL ?? 'admin@baton.local').toLowerCase();
  const generated = !deps.config.BATON_ADMIN_PASSWORD;
  const password = deps.config.BATON_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const now = deps.clock.now();
  const passwordHash = await hashPassword(password);
  const inserted = await deps.store.write.run(async (tx) => {
    const again = await tx.selectFrom('agents').select('id').limit(1).executeTakeFirst();
    if (again) return false;
    await tx
      .insertInto('agents')
      .values({
        id: newId(),
        email,
        name: 'Administrator',
        password_hash: passwordHash,
        role: 'admin',
        skills: JSON.stringify(skills),
        languages: JSON.stringify(['en', 'nl', 'fr']),
        max_concurrent: 3,
        status: 'offline',
        last_seen_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
    return true;
  });
  // another instance created it first (its own data dir has the file)
  if (!inserted) return { created: false };
  if (!generated) return { created: true, email };
  return { created: true, email, passwordFile: writePasswordFile(deps.config.dataDir, password) };
}

function writePasswordFile(dataDir: string, password: string): string {
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  // a file left by an earlier database is replaced, and created 0600 rather than narrowed afterwards
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return file;
}

/**
 * An agent's password changed: if the first-start password file still held the password this agent
 * had, it is deleted (it opens nothing any more, and a secret left on disk is one more to guard).
 */
export async function retireInitialPassword(dataDir: string, previousHash: string): Promise<void> {
  const file = path.join(dataDir, INITIAL_PASSWORD_FILE);
  let password: string;
  try {
    password = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return;
  }
  if (await verify(previousHash, password).catch(() => false)) fs.rmSync(file, { force: true });
}

// First start: an admin account (from BATON_ADMIN_EMAIL/PASSWORD, or a generated password printed
// once) and the demo bot when no bot exists.
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import { newId } from '../tokens.js';
import { hashPassword } from './auth.js';

export async function ensureAdmin(deps: Deps): Promise<{ created: boolean; email?: string; password?: string }> {
  const any = await deps.store.db.selectFrom('agents').select('id').where('deleted_at', 'is', null).limit(1).executeTakeFirst();
  if (any) return { created: false };
  const email = (deps.config.BATON_ADMIN_EMAIL ?? 'admin@baton.local').toLowerCase();
  const generated = !deps.config.BATON_ADMIN_PASSWORD;
  const password = deps.config.BATON_ADMIN_PASSWORD ?? randomBytes(12).toString('base64url');
  const now = deps.clock.now();
  const passwordHash = await hashPassword(password);
  await deps.store.write.run(async (tx) => {
    const again = await tx.selectFrom('agents').select('id').limit(1).executeTakeFirst();
    if (again) return;
    await tx
      .insertInto('agents')
      .values({
        id: newId(),
        email,
        name: 'Administrator',
        password_hash: passwordHash,
        role: 'admin',
        skills: JSON.stringify(['general']),
        languages: JSON.stringify(['en', 'nl', 'fr']),
        max_concurrent: 3,
        status: 'offline',
        last_seen_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
  });
  return { created: true, email, password: generated ? password : undefined };
}

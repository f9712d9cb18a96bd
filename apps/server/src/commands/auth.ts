// Agent login and sessions: argon2id password hashes, opaque session tokens stored hashed, expiry.
import { hash, verify } from '@node-rs/argon2';
import type { Agent, AgentRole } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { fromJson } from '../store/json.js';
import type { AgentRow } from '../store/schema.js';
import { hashToken, newToken } from '../tokens.js';

export const SESSION_COOKIE = 'baton_session';

// a fixed hash to verify against when the email is unknown, so timing does not reveal accounts
let dummyHash: Promise<string> | undefined;

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export function presentAgent(row: AgentRow): Agent {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as AgentRole,
    skills: fromJson(row.skills, []),
    languages: fromJson(row.languages, []),
    maxConcurrent: row.max_concurrent,
    status: row.status as Agent['status'],
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function login(deps: Deps, email: string, password: string) {
  const row = await deps.store.db
    .selectFrom('agents')
    .selectAll()
    .where('email', '=', email.trim().toLowerCase())
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    await verify((await (dummyHash ??= hash('not-a-real-password'))), password).catch(() => false);
    throw new AppError('INVALID_CREDENTIALS');
  }
  if (!(await verify(row.password_hash, password).catch(() => false))) throw new AppError('INVALID_CREDENTIALS');
  const token = newToken('as');
  const now = deps.clock.now();
  const expiresAt = now + deps.config.SESSION_TTL_HOURS * 3600 * 1000;
  await deps.store.write.run(async (tx) => {
    await tx.insertInto('sessions').values({ token_hash: hashToken(token), agent_id: row.id, created_at: now, expires_at: expiresAt }).execute();
    // expired sessions are swept on login, so the table does not grow without bound
    await tx.deleteFrom('sessions').where('expires_at', '<', now).execute();
  });
  return { token, agent: presentAgent(row), expiresAt: new Date(expiresAt).toISOString() };
}

export async function logout(deps: Deps, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  const ended = await deps.store.write.run(async (tx) => {
    const session = await tx.selectFrom('sessions').select('agent_id').where('token_hash', '=', tokenHash).executeTakeFirst();
    await tx.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    return session;
  });
  // the sockets opened with this session close too, on every instance
  if (ended) deps.bus.publish({ type: 'session.revoked', agentId: ended.agent_id, tokenHash, reason: 'logout' });
}

export async function authenticate(deps: Deps, token: string): Promise<AgentRow> {
  const now = deps.clock.now();
  const row = await deps.store.db
    .selectFrom('sessions')
    .innerJoin('agents', 'agents.id', 'sessions.agent_id')
    .selectAll('agents')
    .select('sessions.expires_at')
    .where('sessions.token_hash', '=', hashToken(token))
    .where('agents.deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new AppError('UNAUTHORIZED', 'Unknown or revoked session');
  if (row.expires_at < now) throw new AppError('SESSION_EXPIRED');
  const { expires_at: _e, ...agent } = row;
  return agent;
}

export function can(role: string, needed: AgentRole[]): boolean {
  return needed.includes(role as AgentRole);
}

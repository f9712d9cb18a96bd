// Agents CRUD (admins). Passwords are hashed with argon2id; the last admin cannot be removed.
import type { z } from 'zod';
import type { CreateAgentBody, UpdateAgentBody } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { AgentRow } from '../store/schema.js';
import { newId } from '../tokens.js';
import { transferConversation } from './agent-actions.js';
import { hashPassword, presentAgent } from './auth.js';
import { retireInitialPassword } from './bootstrap.js';
import { isUniqueViolation } from '../store/errors.js';

export async function createAgent(deps: Deps, body: z.infer<typeof CreateAgentBody>) {
  const now = deps.clock.now();
  const row: AgentRow = {
    active_chats: 0,
    last_assigned_at: 0,
    id: newId(),
    email: body.email.toLowerCase(),
    name: body.name,
    password_hash: await hashPassword(body.password),
    role: body.role,
    skills: JSON.stringify(body.skills),
    languages: JSON.stringify(body.languages),
    max_concurrent: body.maxConcurrent,
    status: 'offline',
    last_seen_at: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  try {
    await deps.store.write.run(async (tx) => {
      const taken = await tx.selectFrom('agents').select('id').where('email', '=', row.email).executeTakeFirst();
      if (taken) throw new AppError('EMAIL_TAKEN');
      await tx.insertInto('agents').values(row).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN');
    throw err;
  }
  return presentAgent(row);
}

async function otherAdmins(deps: Deps, id: string): Promise<number> {
  const r = await deps.store.db
    .selectFrom('agents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('role', '=', 'admin')
    .where('deleted_at', 'is', null)
    .where('id', '!=', id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function getAgent(deps: Deps, id: string): Promise<AgentRow> {
  const row = await deps.store.db.selectFrom('agents').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw new AppError('AGENT_NOT_FOUND');
  return row;
}

export async function updateAgent(deps: Deps, id: string, body: z.infer<typeof UpdateAgentBody>) {
  const row = await getAgent(deps, id);
  if (body.role && body.role !== 'admin' && row.role === 'admin' && (await otherAdmins(deps, id)) === 0) throw new AppError('LAST_ADMIN');
  const now = deps.clock.now();
  const patch: Partial<AgentRow> = { updated_at: now };
  if (body.email) patch.email = body.email.toLowerCase();
  if (body.name) patch.name = body.name;
  if (body.role) patch.role = body.role;
  if (body.skills) patch.skills = JSON.stringify(body.skills);
  if (body.languages) patch.languages = JSON.stringify(body.languages);
  if (body.maxConcurrent) patch.max_concurrent = body.maxConcurrent;
  if (body.password) patch.password_hash = await hashPassword(body.password);
  try {
    await deps.store.write.run(async (tx) => {
      await tx.updateTable('agents').set(patch).where('id', '=', id).execute();
      // a new password ends every session of that agent
      if (body.password) await tx.deleteFrom('sessions').where('agent_id', '=', id).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('EMAIL_TAKEN');
    throw err;
  }
  if (body.maxConcurrent || body.skills || body.languages) deps.routing.agentAvailable(id);
  // open desk sockets hold the old role or a session that just ended: closed on every instance
  if (body.password) {
    deps.bus.publish({ type: 'session.revoked', agentId: id, reason: 'password' });
    await retireInitialPassword(deps.config.dataDir, row.password_hash);
  }
  else if (body.role && body.role !== row.role) deps.bus.publish({ type: 'session.revoked', agentId: id, reason: 'role' });
  return presentAgent({ ...row, ...patch } as AgentRow);
}

export async function deleteAgent(deps: Deps, id: string): Promise<void> {
  const row = await getAgent(deps, id);
  if (row.role === 'admin' && (await otherAdmins(deps, id)) === 0) throw new AppError('LAST_ADMIN');
  const now = deps.clock.now();
  // soft delete: history keeps the agent's name; sessions end; live chats go back to the queue
  const live = await deps.store.db.selectFrom('conversations').select(['id', 'skill']).where('assignee_id', '=', id).where('status', '=', 'agent').execute();
  await deps.store.write.run(async (tx) => {
    await tx.updateTable('agents').set({ deleted_at: now, status: 'offline', email: `${row.email}#deleted-${now}`, updated_at: now }).where('id', '=', id).execute();
    await tx.deleteFrom('sessions').where('agent_id', '=', id).execute();
  });
  deps.bus.publish({ type: 'session.revoked', agentId: id, reason: 'deleted' });
  for (const c of live) {
    await transferConversation(deps, { ...row, role: 'admin' }, c.id, { skill: c.skill ?? 'general' }).catch((err) =>
      deps.log.error({ err, conversationId: c.id }, 'could not requeue a deleted agent\'s chat'),
    );
  }
}

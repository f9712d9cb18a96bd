// Common flows for agent-side tests: settings that keep offloading open, agents, and a user who asks
// the demo bot for a person.
import { call, createConversation, login } from './http.js';
import { waitFor } from './server.js';

export async function openOffloading(base: string, admin: string, patch: Record<string, unknown> = {}) {
  const current = await call(base, 'GET', '/api/v1/settings/offloading', { token: admin });
  if (current.status !== 200) throw new Error(`settings: ${current.status} ${JSON.stringify(current.body)}`);
  const next = { ...current.body, enabled: true, alwaysOpen: true, ...patch };
  const r = await call(base, 'PUT', '/api/v1/settings/offloading', { token: admin, body: next });
  if (r.status !== 200) throw new Error(`settings put: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

let n = 0;
export async function makeAgent(
  base: string,
  admin: string,
  opts: { role?: string; skills?: string[]; languages?: string[]; maxConcurrent?: number; online?: boolean; name?: string } = {},
) {
  const email = `agent${++n}-${Math.random().toString(36).slice(2, 7)}@example.com`;
  const r = await call(base, 'POST', '/api/v1/agents', {
    token: admin,
    body: { email, password: 'agent-password', name: opts.name ?? `Agent ${n}`, role: opts.role ?? 'agent', skills: opts.skills ?? [], languages: opts.languages ?? [], maxConcurrent: opts.maxConcurrent ?? 3 },
  });
  if (r.status !== 201) throw new Error(`agent: ${r.status} ${JSON.stringify(r.body)}`);
  const token = await login(base, email, 'agent-password');
  if (opts.online !== false) await call(base, 'PUT', '/api/v1/agent/status', { token, body: { status: 'online' } });
  return { id: r.body.agent.id as string, token, email, name: r.body.agent.name as string };
}

export const ASK_FOR_AGENT: Record<string, string> = {
  en: 'I want to speak to a real agent',
  nl: 'Ik wil met een echte medewerker spreken',
  fr: 'Je veux parler à un vrai agent',
};

type AskOptions = { locale?: string; user?: Record<string, unknown>; userHash?: string };

/**
 * A new conversation whose user has asked for a person, without waiting for the handover: where the
 * provider may refuse it at once (the offload's commit wakes the outbox), the user can be back with
 * the bot before anyone sees the conversation offloaded.
 */
export async function askedForAgent(base: string, opts: AskOptions = {}) {
  const locale = opts.locale ?? 'en';
  const c = await createConversation(base, { locale, ...(opts.user ? { user: opts.user } : {}), ...(opts.userHash ? { userHash: opts.userHash } : {}) });
  const sent = await call(base, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { text: ASK_FOR_AGENT[locale] ?? ASK_FOR_AGENT.en } });
  if (sent.status !== 201) throw new Error(`send: ${sent.status}`);
  return { id: c.conversation.id, token: c.token };
}

/** A new conversation whose user asks for a person; resolves once it is offloaded. */
export async function offloadedConversation(base: string, opts: AskOptions = {}) {
  const c = await askedForAgent(base, opts);
  await waitFor(async () => (await call(base, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status !== 'bot', 10_000, 'offload');
  return c;
}

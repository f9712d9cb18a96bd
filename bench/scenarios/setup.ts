// Bench fixtures through the public API: admin, settings, agents, conversations handed to agents.
import { api, openSocketReady, type BatonProcess } from '../lib.js';
import type WebSocket from 'ws';

export async function adminToken(b: { url: string }): Promise<string> {
  const r = await api(b.url, 'POST', '/api/v1/auth/login', { body: { email: 'admin@example.com', password: 'admin-password' } });
  if (r.status !== 200) throw new Error(`login ${r.status}`);
  return r.body.token;
}

export async function configure(b: { url: string }, admin: string, patch: Record<string, unknown>) {
  const cur = await api(b.url, 'GET', '/api/v1/settings/offloading', { token: admin });
  const r = await api(b.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: { ...cur.body, enabled: true, alwaysOpen: true, waitingTimeoutSeconds: 3600, ...patch } });
  if (r.status !== 200) throw new Error(`settings ${r.status} ${JSON.stringify(r.body)}`);
}

let n = 0;
export async function agent(b: { url: string }, admin: string, maxConcurrent: number) {
  const email = `bench${++n}-${Date.now()}@example.com`;
  const r = await api(b.url, 'POST', '/api/v1/agents', { token: admin, body: { email, password: 'bench-password', name: `Bench ${n}`, skills: [], languages: [], maxConcurrent } });
  if (r.status !== 201) throw new Error(`agent ${r.status} ${JSON.stringify(r.body)}`);
  const l = await api(b.url, 'POST', '/api/v1/auth/login', { body: { email, password: 'bench-password' } });
  await api(b.url, 'PUT', '/api/v1/agent/status', { token: l.body.token, body: { status: 'online' } });
  return { id: r.body.agent.id as string, token: l.body.token as string };
}

export async function conversation(b: { url: string }) {
  const r = await api(b.url, 'POST', '/api/v1/conversations', { body: { locale: 'en' } });
  if (r.status !== 201) throw new Error(`conversation ${r.status}`);
  return { id: r.body.conversation.id as string, token: r.body.token as string };
}

export async function waitStatus(b: { url: string }, c: { id: string; token: string }, status: string, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api(b.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token });
    if (r.body.conversation.status === status) return;
    if (Date.now() > end) throw new Error(`conversation stuck in ${r.body.conversation.status}`);
    await new Promise((x) => setTimeout(x, 20));
  }
}

/** `pairs` conversations, each accepted by an agent whose socket is subscribed: ready to relay. */
export async function agentPairs(b: BatonProcess | { url: string }, pairs: number, wsBase?: string) {
  const admin = await adminToken(b);
  await configure(b, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  // one agent (with one desk socket) per pair, as in real life: an agent's socket gets the events
  // of all of that agent's chats, so one agent for every pair would multiply the pushes by `pairs`
  const agents = [];
  for (let i = 0; i < pairs; i++) agents.push(await agent(b, admin, 5));
  const out: Array<{ c: { id: string; token: string }; agentSocket: WebSocket; agentToken: string }> = [];
  const base = wsBase ?? b.url.replace(/^http/, 'ws');
  for (let i = 0; i < pairs; i++) {
    const ag = agents[i % agents.length]!;
    const c = await conversation(b);
    await api(b.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'I want to speak to a real agent' } });
    await waitStatus(b, c, 'offloaded');
    const acc = await api(b.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: ag.token });
    if (acc.status !== 200) throw new Error(`accept ${acc.status}`);
    const s = await openSocketReady(`${base}/api/v1/ws?token=${ag.token}`);
    s.send(JSON.stringify({ type: 'subscribe', conversationId: c.id }));
    out.push({ c, agentSocket: s, agentToken: ag.token });
  }
  await new Promise((r) => setTimeout(r, 300));
  return out;
}

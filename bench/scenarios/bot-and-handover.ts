// Bot turns (user message → NLU → dialog → reply persisted and pushed) and handovers
// (offload → routed → assigned) through the public API.
import path from 'node:path';
import Database from 'better-sqlite3';
import { api, openSocket, sleep, stats, type Stats } from '../lib.js';
import { adminToken, agent, configure, conversation } from './setup.js';

const QUESTIONS = ['what are your opening hours?', 'hello', 'thank you very much', 'when are you open on saturday?'];

async function botUsers(b: { url: string }, users: number) {
  const out = [];
  for (let i = 0; i < users; i++) {
    const c = await conversation(b);
    const s = await openSocket(`${b.url.replace(/^http/, 'ws')}/api/v1/ws?token=${c.token}`);
    out.push({ c, s });
  }
  return out;
}

/** Closed loop: each user asks, waits for the bot's answer, asks again. */
export async function botTurns(b: { url: string }, opts: { users: number; seconds: number }) {
  const users = await botUsers(b, opts.users);
  const lat: number[] = [];
  let turns = 0;
  const end = Date.now() + opts.seconds * 1000;
  await Promise.all(
    users.map(async ({ s }, i) => {
      let k = 0;
      let answered: (() => void) | undefined;
      s.on('message', (d) => {
        const e = JSON.parse(String(d));
        if (e.type === 'message.created' && e.message.author.type === 'bot') answered?.();
      });
      while (Date.now() < end) {
        const got = new Promise<void>((r) => (answered = r));
        const t = performance.now();
        // sent on the user's socket (message.send), as a client that has one would
        s.send(JSON.stringify({ type: 'message.send', clientMessageId: `q${i}-${k}`, message: { text: QUESTIONS[(i + k++) % QUESTIONS.length] } }));
        await Promise.race([got, sleep(5000)]);
        // a dialog may answer with several messages: let them land before the next question
        await sleep(2);
        if (Date.now() <= end) {
          lat.push(performance.now() - t);
          turns++;
        }
      }
    }),
  );
  for (const u of users) u.s.close();
  return { turnsPerSec: Math.round(turns / opts.seconds), latency: stats(lat) };
}

/** Open loop at a fixed rate of questions; latency = send → first bot message pushed. */
export async function botTurnsAtRate(b: { url: string }, opts: { users: number; seconds: number; rate: number }): Promise<{ offered: number; latency: Stats }> {
  const users = await botUsers(b, opts.users);
  const lat: number[] = [];
  const pendingSince = new Map<string, number[]>();
  for (const { c, s } of users) {
    pendingSince.set(c.id, []);
    s.on('message', (d) => {
      const e = JSON.parse(String(d));
      if (e.type !== 'message.created') return;
      const q = pendingSince.get(c.id)!;
      if (e.message.author.type === 'bot' && q.length && !e.message.__seen) {
        lat.push(performance.now() - q.shift()!);
      }
    });
  }
  const total = opts.rate * opts.seconds;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.floor(((performance.now() - start) / 1000) * opts.rate);
    while (sent < Math.min(due, total)) {
      const u = users[sent % users.length]!;
      pendingSince.get(u.c.id)!.push(performance.now());
      u.s.send(JSON.stringify({ type: 'message.send', clientMessageId: `r${sent}`, message: { text: 'what are your opening hours?' } }));
      sent++;
    }
    await sleep(1);
  }
  await sleep(2000);
  for (const u of users) u.s.close();
  return { offered: opts.rate, latency: stats(lat) };
}

/**
 * Handovers: many users ask for a person at once; agents are online with room (auto-assign). Rate =
 * assigned conversations / time; assignment latency from the stored events (offloaded → assigned).
 */
export async function handovers(b: { url: string; dataDir?: string }, opts: { count: number; agents: number }) {
  const admin = await adminToken(b);
  await configure(b, admin, { routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null } });
  for (let i = 0; i < opts.agents; i++) await agent(b, admin, Math.min(50, Math.ceil(opts.count / opts.agents) + 5));
  const convs: Array<{ id: string; token: string }> = [];
  for (let i = 0; i < opts.count; i++) convs.push(await conversation(b));
  const startedAt = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let i = next++; i < convs.length; i = next++) {
        const c = convs[i]!;
        await api(b.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'I want to speak to a real agent' } });
      }
    }),
  );
  // wait until all are assigned
  let assigned = 0;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const r = await api(b.url, 'GET', '/api/v1/analytics', { token: admin });
    assigned = r.body.waitSeconds.count;
    if (assigned >= opts.count) break;
    await sleep(100);
  }
  // until the last assignment as stored (SQLite): the 100 ms polls above would add up to 100 ms to a
  // measurement of under 2 s; otherwise until the poll saw them all
  const assignment = b.dataDir ? assignments(b.dataDir) : null;
  const seconds = assignment && assigned >= opts.count ? (assignment.lastAt - startedAt) / 1000 : (Date.now() - startedAt) / 1000;
  return { handovers: assigned, seconds: Math.round(seconds * 100) / 100, perSec: Math.round(assigned / seconds), assignment: assignment?.latency ?? null };
}

/**
 * The user's request stored → an agent assigned, per conversation, in ms, from the stored transcript
 * (SQLite). It spans the bot turn that offloads and the routing (which runs in the same transaction
 * when an agent is free, so offloaded → assigned alone would be 0); and when the last one was assigned.
 */
function assignments(dataDir: string): { latency: Stats; lastAt: number } {
  const db = new Database(path.join(dataDir, 'baton.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `select min(m.created_at) as o, a.created_at as a from messages m
         join conversation_events a on a.conversation_id = m.conversation_id and a.type = 'conversation.assigned'
         where m.author_type = 'user' group by m.conversation_id`,
      )
      .all() as Array<{ o: number; a: number }>;
    return { latency: stats(rows.map((r) => r.a - r.o)), lastAt: Math.max(...rows.map((r) => r.a)) };
  } finally {
    db.close();
  }
}

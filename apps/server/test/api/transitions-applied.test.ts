// Every command that changes a conversation's status takes the change from the state machine: driven
// over the real HTTP API (users, agents, the timer worker and a signed provider), each resulting status
// and each recorded event name equal what `transition(from, event)` says. And no source file but
// commands/transition.ts writes a conversation status.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INITIAL_STATUS, STATUSES, transition, type ConversationEvent } from '../../src/domain/conversation-machine.js';
import { signBody } from '../../src/providers/signing.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { call, createConversation, login } from '../support/http.js';
import { startReceiver, type Received } from '../support/receiver.js';
import { startTestServer, TestClock, waitFor, type TestServer } from '../support/server.js';

const SECRET = 'webhook-secret-0123456789';
// real time: the provider's signatures are checked against the server's clock
const clock = new TestClock(Date.now());
let s: TestServer;
let admin: string;
/** while set, the receiver refuses a handover once it resolves (the delivery is held in flight until then) */
let refuse: Promise<void> | undefined;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let deskSettings: Record<string, unknown>;

beforeAll(async () => {
  rx = await startReceiver(SECRET, async (r: Received) => {
    if (refuse && r.body.type === 'handover.requested') {
      await refuse;
      return { status: 200, body: { accepted: false, reason: 'nobody there' } };
    }
    return { status: 200 };
  });
  s = await startTestServer({ clock, build: { workers: false } });
  admin = await login(s.url);
  deskSettings = await openOffloading(s.url, admin, { waitingTimeoutSeconds: 120, routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

type Status = (typeof STATUSES)[number];
const db = () => s.baton.deps.store.db;
const statusOf = async (id: string) =>
  (await db().selectFrom('conversations').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status as Status;
const recorded = async (id: string) =>
  (await db().selectFrom('conversation_events').select('type').where('conversation_id', '=', id).orderBy('id').execute()).map((e) => e.type);
const lines = async (id: string) =>
  (await db().selectFrom('messages').select('event').where('conversation_id', '=', id).where('author_type', '=', 'system').orderBy('seq').execute()).map((m) => m.event);

/**
 * Runs `act` and checks the conversation lands where the table says, with the table's name recorded
 * as the first transcript line and analytics event after it (unless the command records none).
 */
async function applies(id: string, event: ConversationEvent, act: () => Promise<unknown>, opts: { recordsLine?: boolean } = {}) {
  const from = await statusOf(id);
  const t = transition(from, event);
  if (!t.ok) throw new Error(`${from} × ${event} is refused (${t.code}): the test drives it wrongly`);
  const [eventsBefore, linesBefore] = [(await recorded(id)).length, (await lines(id)).length];
  await act();
  await waitFor(async () => (await statusOf(id)) === t.to && (opts.recordsLine === false || (await recorded(id)).length > eventsBefore), 10_000, `${from} × ${event}`);
  expect(await statusOf(id)).toBe(t.to);
  if (opts.recordsLine === false) return;
  expect((await recorded(id))[eventsBefore]).toBe(t.name);
  expect((await lines(id))[linesBefore]).toBe(t.name);
}

const agentCall = (token: string, id: string, action: string, body?: unknown) =>
  call(s.url, 'POST', `/api/v1/agent/conversations/${id}/${action}`, { token, ...(body ? { body } : {}) }).then((r) => {
    if (r.status !== 200) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
  });
const userCall = (c: { id: string; token: string }, action: string, body?: unknown) =>
  call(s.url, 'POST', `/api/v1/conversations/${c.id}/${action}`, { token: c.token, ...(body ? { body } : {}) }).then((r) => {
    if (r.status >= 300) throw new Error(`${action}: ${r.status} ${JSON.stringify(r.body)}`);
  });

describe('every status change comes from the state machine', () => {
  it('a new conversation starts in the initial status', async () => {
    const c = await createConversation(s.url, { locale: 'en' });
    expect(await statusOf(c.conversation.id)).toBe(INITIAL_STATUS);
  });

  it('user and bot: offload, cancel, end, reopen', async () => {
    const c0 = await createConversation(s.url, { locale: 'en' });
    const c = { id: c0.conversation.id, token: c0.token };
    await applies(c.id, 'offload.open', () => userCall(c, 'messages', { text: 'I want to speak to a real agent' }));
    await applies(c.id, 'wait.cancel', () => userCall(c, 'cancel'));
    await applies(c.id, 'user.end', () => userCall(c, 'end'));
    await applies(c.id, 'user.message', () => userCall(c, 'messages', { text: 'hello again' }));
  });

  it('the waiting timer returns the user to the bot', async () => {
    const c = await offloadedConversation(s.url);
    clock.advance(121_000);
    await applies(c.id, 'wait.timeout', () => s.baton.timers.runOnce());
  });

  it('agents: accept, transfer to an agent, take over, transfer to a skill, hand back, close', async () => {
    const a = await makeAgent(s.url, admin);
    const b = await makeAgent(s.url, admin);
    const sup = await makeAgent(s.url, admin, { role: 'supervisor' });
    const c = await offloadedConversation(s.url);
    await applies(c.id, 'agent.accept', () => agentCall(a.token, c.id, 'accept'));
    await applies(c.id, 'agent.transfer.agent', () => agentCall(a.token, c.id, 'transfer', { agentId: b.id }));
    await applies(c.id, 'agent.transfer.agent', () => agentCall(sup.token, c.id, 'accept'));
    await applies(c.id, 'agent.transfer.skill', () => agentCall(sup.token, c.id, 'transfer', { skill: 'general' }));
    // a supervisor routes a waiting conversation straight to an agent
    await applies(c.id, 'agent.transfer.agent', () => agentCall(sup.token, c.id, 'transfer', { agentId: a.id }));
    await applies(c.id, 'agent.handback', () => agentCall(a.token, c.id, 'handback', {}));
    await applies(c.id, 'offload.open', () => userCall(c, 'messages', { text: 'I want to speak to a real agent' }));
    await applies(c.id, 'agent.accept', () => agentCall(b.token, c.id, 'accept'));
    await applies(c.id, 'agent.close', () => agentCall(b.token, c.id, 'close'));
    // a supervisor closes a conversation still waiting
    const w = await offloadedConversation(s.url);
    await applies(w.id, 'agent.close', () => agentCall(sup.token, w.id, 'close'));
  });

  it('desk routing: an auto-assignment is an accept', async () => {
    await openOffloading(s.url, admin, { routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null } });
    try {
      const c0 = await createConversation(s.url, { locale: 'en' });
      const c = { id: c0.conversation.id, token: c0.token };
      await makeAgent(s.url, admin);
      await userCall(c, 'messages', { text: 'I want to speak to a real agent' });
      await waitFor(async () => (await recorded(c.id)).length >= 2, 10_000, 'auto-assigned');
      // offloaded and assigned in one transaction: both transitions recorded, the last status the accept's
      const offloaded = transition(INITIAL_STATUS, 'offload.open');
      if (!offloaded.ok) throw new Error('offload.open refused');
      const accepted = transition(offloaded.to, 'agent.accept');
      if (!accepted.ok) throw new Error('agent.accept refused');
      expect(await statusOf(c.id)).toBe(accepted.to);
      expect((await recorded(c.id)).slice(-2)).toEqual([offloaded.name, accepted.name]);
    } finally {
      await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    }
  });

  describe('a signed external provider', () => {
    beforeAll(async () => {
      await openOffloading(s.url, admin, {
        defaultProviderId: 'acme',
        providers: [
          ...(deskSettings.providers as Array<{ id: string }>).filter((p) => p.id !== 'acme'),
          { id: 'acme', type: 'webhook', name: 'Acme CC', config: { url: rx.url, secret: SECRET, retryWindowSeconds: 3 } },
        ],
      });
    });
    afterAll(async () => {
      await openOffloading(s.url, admin, { defaultProviderId: deskSettings.defaultProviderId, providers: deskSettings.providers });
    });

    let n = 0;
    const callback = (event: Record<string, unknown>) => {
      const raw = JSON.stringify({ id: `t${++n}`, ...event });
      return call(s.url, 'POST', '/api/v1/providers/webhook/acme/events', {
        raw,
        headers: { 'x-baton-signature': signBody(SECRET, raw, Math.floor(clock.now() / 1000)) },
      }).then((r) => {
        if (r.status !== 200) throw new Error(`${String(event.type)}: ${r.status} ${JSON.stringify(r.body)}`);
      });
    };

    it('accepts, hands back, closes and refuses through the table', async () => {
      const c = await offloadedConversation(s.url);
      await applies(c.id, 'agent.accept', () => callback({ type: 'agent.accepted', conversationId: c.id, agent: { id: 'x1', name: 'Alex' } }));
      await applies(c.id, 'agent.handback', () => callback({ type: 'conversation.handback', conversationId: c.id }));
      const d = await offloadedConversation(s.url);
      await applies(d.id, 'agent.close', () => callback({ type: 'conversation.closed', conversationId: d.id, agent: { id: 'x1', name: 'Alex' } }));
      // the offload's commit wakes the outbox at once: the refusal is held until the conversation has
      // been seen offloaded (a CI run saw it back with the bot first)
      let release = () => {};
      refuse = new Promise<void>((r) => (release = r));
      try {
        const r = await offloadedConversation(s.url);
        await applies(r.id, 'provider.refuse', () => (release(), s.baton.outbox.runOnce()));
      } finally {
        release();
        refuse = undefined;
      }
    });
  });

  // last: it moves the clock on by days
  it('retention closes idle conversations: with the bot, waiting, and with an agent', async () => {
    const retention = (body: unknown) =>
      login(s.url).then(async (token) => {
        const r = await call(s.url, 'PUT', '/api/v1/settings/retention', { token, body });
        if (r.status !== 200) throw new Error(`retention: ${r.status} ${JSON.stringify(r.body)}`);
      });
    // the waiting timer must not return the waiting one to the bot first
    await openOffloading(s.url, await login(s.url), { waitingTimeoutSeconds: 7 * 24 * 3600 });
    const c0 = await createConversation(s.url, { locale: 'en' });
    const waiting = await offloadedConversation(s.url);
    await retention({ idleCloseHours: 24, closedAfterDays: null });
    clock.advance(25 * 3600_000);
    await applies(c0.conversation.id, 'idle.close', () => s.baton.retention.runOnce());
    expect(await statusOf(waiting.id)).toBe('offloaded');
    const a = await makeAgent(s.url, await login(s.url));
    const owned = await offloadedConversation(s.url);
    await agentCall(a.token, owned.id, 'accept');
    await retention({ idleCloseHours: 24, closedAfterDays: 2 });
    clock.advance(24 * 3600_000);
    await applies(waiting.id, 'idle.close', () => s.baton.retention.runOnce());
    expect(await statusOf(owned.id)).toBe('agent');
    clock.advance(25 * 3600_000);
    await applies(owned.id, 'idle.close', () => s.baton.retention.runOnce());
  });
});

describe('no status is written outside commands/transition.ts', () => {
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = path.join(dir, f);
      return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
    });
  // the schema and its migrations define the column; the transition is the one writer
  const allowed = new Set(['commands/transition.ts', 'store/schema.ts']);
  const sources = files(src)
    .map((p) => ({ file: path.relative(src, p).split(path.sep).join('/'), text: readFileSync(p, 'utf8') }))
    .filter((f) => !allowed.has(f.file) && !f.file.startsWith('store/migrations/'));
  const literal = `'(?:${STATUSES.join('|')})'`;

  it('finds the sources', () => {
    expect(sources.length).toBeGreaterThan(50);
  });

  it('no conversation status literal is set as a row value', () => {
    // `status: 'agent'` as a value (a type like `status: 'agent' | 'bot'` is not a write)
    const pattern = new RegExp(`\\bstatus\\s*:\\s*${literal}\\s*[,}\\n]`, 'g');
    expect(sources.flatMap((f) => (f.text.match(pattern) ?? []).map((m) => `${f.file}: ${m.trim()}`))).toEqual([]);
  });

  it('no SQL or query builder sets the conversations status', () => {
    const sql = /update\s+conversations\s+set\s+((?:(?!\bwhere\b)[^;`'"])*)/gi;
    const builder = /updateTable\(\s*'conversations'\s*\)[\s\S]{0,300}?\.set\(\s*\{([^}]*)\}/g;
    const found: string[] = [];
    for (const f of sources) {
      for (const m of f.text.matchAll(sql)) if (/\bstatus\b\s*=/.test(m[1]!)) found.push(`${f.file}: ${m[0]}`);
      for (const m of f.text.matchAll(builder)) if (/\bstatus\b/.test(m[1]!)) found.push(`${f.file}: ${m[0]}`);
    }
    expect(found).toEqual([]);
  });

  it('creating a conversation takes its first status from the machine', () => {
    const create = sources.find((f) => f.file === 'commands/create-conversation.ts')!;
    expect(create.text).toMatch(/status:\s*INITIAL_STATUS/);
  });
});

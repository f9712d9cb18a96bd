// The Channel API through real HTTP on loopback, as a widget or another channel would use it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERRORS } from '../../src/errors.js';
import { sendUserMessage } from '../../src/commands/send-user-message.js';
import { findConversation, listMessages } from '../../src/store/conversations.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
});

describe('Channel API', () => {
  it('creates a conversation with a token scoped to it, and the bot welcome is already there', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'nl-BE', user: { name: 'Jan', email: 'jan@example.com' } });
    expect(conversation).toMatchObject({ status: 'bot', language: 'nl' });
    expect(token).toMatch(/^cu_/);
    const msgs = await messages(s.url, conversation.id, token);
    expect(msgs.length).toBeGreaterThan(0);
    expect(msgs[0]).toMatchObject({ seq: 1, author: { type: 'bot' } });
    const got = await call(s.url, 'GET', `/api/v1/conversations/${conversation.id}`, { token });
    expect(got.status).toBe(200);
    expect(got.body.conversation).toMatchObject({ id: conversation.id, status: 'bot', language: 'nl' });
  });

  it('an unknown locale falls back to the bot default language', async () => {
    const { conversation } = await createConversation(s.url, { locale: 'de-DE' });
    expect(conversation.language).toBe('en');
  });

  it('stores a user message durably (201) and the bot answers after it', async () => {
    const { conversation, token } = await createConversation(s.url, { locale: 'en' });
    const sent = await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: 'hello there' } });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ text: 'hello there', author: { type: 'user' } });
    const userSeq = sent.body.message.seq as number;
    const reply = await waitFor(async () => (await messages(s.url, conversation.id, token, userSeq)).find((m) => m.author.type === 'bot'), 10_000, 'bot reply');
    expect(reply.seq).toBeGreaterThan(userSeq);
  });

  it('a retried send with the same Idempotency-Key stores one message', async () => {
    const { conversation, token } = await createConversation(s.url);
    const path = `/api/v1/conversations/${conversation.id}/messages`;
    const headers = { 'idempotency-key': 'retry-1' };
    const results = await Promise.all([1, 2, 3].map(() => call(s.url, 'POST', path, { token, body: { text: 'once' }, headers })));
    const ids = new Set(results.map((r) => r.body.message.id));
    expect(ids.size).toBe(1);
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    const again = await call(s.url, 'POST', path, { token, body: { text: 'once' }, headers });
    expect(again.status).toBe(200);
    const all = await messages(s.url, conversation.id, token);
    expect(all.filter((m) => m.text === 'once')).toHaveLength(1);
    const reused = await call(s.url, 'POST', path, { token, body: { text: 'something else' }, headers });
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('lists messages after a seq, paged, oldest first', async () => {
    const { conversation, token } = await createConversation(s.url);
    for (let i = 0; i < 5; i++) {
      const r = await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: `n${i}` } });
      expect(r.status).toBe(201);
    }
    const all = await messages(s.url, conversation.id, token);
    const seqs = all.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    const page = await call(s.url, 'GET', `/api/v1/conversations/${conversation.id}/messages?after=1&limit=2`, { token });
    expect(page.body.messages.map((m: { seq: number }) => m.seq)).toEqual([2, 3]);
    const bad = await call(s.url, 'GET', `/api/v1/conversations/${conversation.id}/messages?limit=501`, { token });
    expect(bad.status).toBe(422);
  });

  it('refuses missing, unknown and foreign tokens without leaking data', async () => {
    const a = await createConversation(s.url);
    const b = await createConversation(s.url);
    const none = await call(s.url, 'GET', `/api/v1/conversations/${a.conversation.id}`);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHORIZED');
    const bogus = await call(s.url, 'GET', `/api/v1/conversations/${a.conversation.id}/messages`, { token: 'cu_nope' });
    expect(bogus.status).toBe(401);
    const foreign = await call(s.url, 'GET', `/api/v1/conversations/${a.conversation.id}/messages`, { token: b.token });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('FORBIDDEN');
    expect(JSON.stringify(foreign.body)).not.toContain('Welcome');
    const foreignSend = await call(s.url, 'POST', `/api/v1/conversations/${a.conversation.id}/messages`, { token: b.token, body: { text: 'x' } });
    expect(foreignSend.status).toBe(403);
    const unknown = await call(s.url, 'GET', '/api/v1/conversations/does-not-exist', { token: a.token });
    expect([403, 404]).toContain(unknown.status);
  });

  it('answers bad input with a clear 4xx and a stable code, never a stack trace', async () => {
    const { conversation, token } = await createConversation(s.url);
    const path = `/api/v1/conversations/${conversation.id}/messages`;
    const malformed = await call(s.url, 'POST', path, { token, raw: '{"text": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('INVALID_JSON');
    const missing = await call(s.url, 'POST', path, { token, body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    const empty = await call(s.url, 'POST', path, { token, body: { text: '   ' } });
    expect(empty.status).toBe(422);
    const long = await call(s.url, 'POST', path, { token, body: { text: 'x'.repeat(4001) } });
    expect(long.status).toBe(422);
    expect(long.body.error.code).toBe('TEXT_TOO_LONG');
    const exactly = await call(s.url, 'POST', path, { token, body: { text: 'x'.repeat(4000) } });
    expect(exactly.status).toBe(201);
    const extra = await call(s.url, 'POST', '/api/v1/conversations', { body: { locale: 'en', admin: true } });
    expect(extra.status).toBe(422);
    const badEmail = await call(s.url, 'POST', '/api/v1/conversations', { body: { user: { email: 'not-an-email' } } });
    expect(badEmail.status).toBe(422);
    expect(badEmail.body.error.details.problems[0].path).toBe('user.email');
    const huge = await call(s.url, 'POST', path, { token, raw: JSON.stringify({ text: 'y'.repeat(2_000_000) }) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await call(s.url, 'POST', path, { token, raw: '<text/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.status).toBe(415);
    const route = await call(s.url, 'GET', '/api/v1/nothing-here');
    expect(route.status).toBe(404);
    expect(route.body.error.code).toBe('ROUTE_NOT_FOUND');
    for (const r of [malformed, missing, long, extra, huge, xml]) {
      expect(JSON.stringify(r.body)).not.toMatch(/at \w+ \(|node_modules/);
      expect(Object.keys(ERRORS)).toContain(r.body.error.code);
    }
  });

  it('a JSON route refuses a text/plain body with 415 UNSUPPORTED_MEDIA_TYPE (the bot routes still take YAML and text)', async () => {
    const { conversation, token } = await createConversation(s.url);
    const plain = { 'content-type': 'text/plain' };
    const create = await call(s.url, 'POST', '/api/v1/conversations', { raw: '{"locale":"en"}', headers: plain });
    const send = await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, raw: '{"text":"hi"}', headers: plain });
    const admin = await login(s.url);
    const agent = await call(s.url, 'POST', '/api/v1/agents', { token: admin, raw: '{}', headers: plain });
    for (const r of [create, send, agent]) {
      expect(r.status).toBe(415);
      expect(r.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(r.body.error.message).toContain('application/json');
    }
    // nothing was stored from the refused send
    expect((await messages(s.url, conversation.id, token)).some((m) => m.text === 'hi')).toBe(false);
    // JSON with a charset parameter is still JSON
    const charset = await call(s.url, 'POST', '/api/v1/conversations', { raw: '{"locale":"en"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(charset.status).toBe(201);
    const bots = await call(s.url, 'GET', '/api/v1/bots', { token: admin });
    const demo = await call(s.url, 'GET', `/api/v1/bots/${bots.body.bots[0].id}`, { token: admin });
    expect(demo.body.bot.format).toBe('yaml');
    const yaml = demo.body.bot.source as string;
    for (const type of ['application/yaml', 'text/plain']) {
      const bot = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, raw: yaml, headers: { 'content-type': type } });
      expect(bot.status, `${type}: ${JSON.stringify(bot.body)}`).toBe(200);
    }
  });

  it('cancel outside the queue is refused with NOT_WAITING; ending closes and a new message reopens', async () => {
    const { conversation, token } = await createConversation(s.url);
    const cancel = await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/cancel`, { token });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error.code).toBe('NOT_WAITING');
    const end = await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/end`, { token });
    expect(end.body.conversation.status).toBe('closed');
    const again = await call(s.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: 'hi again' } });
    expect(again.status).toBe(201);
    const now = await call(s.url, 'GET', `/api/v1/conversations/${conversation.id}`, { token });
    expect(now.body.conversation.status).toBe('bot');
  });

  it('allows CORS from the widget host sites', async () => {
    const pre = await fetch(`${s.url}/api/v1/conversations`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
  });
});

describe('service endpoints', () => {
  it('a message is counted once in the metrics even when its batch fails and each job runs again', async () => {
    const { conversation } = await createConversation(s.url);
    const userMessages = async () => (await s.baton.deps.metrics.messages.get()).values.find((v) => v.labels.author === 'user')?.value ?? 0;
    const before = await userMessages();
    // queued in one tick, so one batch: the failing job rolls it back and the two sends run again alone
    const sends = [sendUserMessage(s.baton.deps, conversation.id, { text: 'one' }), sendUserMessage(s.baton.deps, conversation.id, { text: 'two' })];
    const failing = s.baton.deps.store.write.run(async () => {
      throw new Error('boom');
    });
    await Promise.all(sends);
    await expect(failing).rejects.toThrow('boom');
    expect((await userMessages()) - before).toBe(2);
  });

  it("user messages and the bot's turns are stored by the SQLite writer thread once it is up (the metrics say 'statement')", async () => {
    const { conversation } = await createConversation(s.url);
    const statements = async () => {
      const body = (await call(s.url, 'GET', '/metrics')).body as string;
      return Number(/^baton_group_commit_jobs_sum\{path="statement"\} (\d+)$/m.exec(body)?.[1] ?? 0);
    };
    await s.baton.deps.store.ready();
    // the welcome has been stored
    await waitFor(async () => (await findConversation(s.baton.deps.store.db, conversation.id))?.bot_version);
    // questions the bot answers: not-understood turns in a row would hand the user over (frustration), a turn of more writes.
    // Queued in one tick: one batch of three, by the writer — unless a background job (the analytics fold,
    // a timer) joined that batch and sent it down the transaction path: then the next try is measured.
    let before = 0;
    let sent: Awaited<ReturnType<typeof sendUserMessage>>[] = [];
    let byWriter = 0;
    for (let attempt = 0; attempt < 3 && byWriter < 3; attempt++) {
      if (sent.length) await waitFor(async () => ((await findConversation(s.baton.deps.store.db, conversation.id))!.bot_seq >= sent[2]!.message.seq ? true : undefined));
      before = await statements();
      sent = await Promise.all(['hello', 'thanks', 'what are your opening hours'].map((text) => sendUserMessage(s.baton.deps, conversation.id, { text })));
      byWriter = (await statements()) - before;
    }
    expect(byWriter).toBeGreaterThanOrEqual(3);
    // the bot answers each, by the writer too
    const last = sent[2]!.message.seq;
    await waitFor(async () => ((await findConversation(s.baton.deps.store.db, conversation.id))!.bot_seq === last ? true : undefined));
    expect((await statements()) - before).toBeGreaterThanOrEqual(4);
    const stored = await listMessages(s.baton.deps.store.db, conversation.id, { limit: 50, includeInternal: false });
    expect(sent.map((r) => stored.find((m) => m.seq === r.message.seq)?.text)).toEqual(['hello', 'thanks', 'what are your opening hours']);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, i) => i + 1));
    expect(stored.filter((m) => m.seq > sent[0]!.message.seq && m.author_type === 'bot').length).toBeGreaterThanOrEqual(3);
  });

  it('health, readiness and Prometheus metrics', async () => {
    expect((await call(s.url, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await call(s.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', store: 'sqlite' });
    const metrics = await call(s.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('baton_messages_total');
    expect(metrics.body).toContain('baton_http_requests_total');
    expect(metrics.body).toContain('baton_queue_length');
    // group commits are observed (this file's requests have committed several)
    const commits = /^baton_group_commit_jobs_count\{path="transaction"\} (\d+)$/m.exec(metrics.body);
    expect(Number(commits?.[1])).toBeGreaterThan(0);
  });

  it('serves an OpenAPI document built from the zod schemas, listing every /api/v1 route, and docs at /docs', async () => {
    const doc = await call(s.url, 'GET', '/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const create = doc.body.paths['/api/v1/conversations'].post;
    expect(create.requestBody.content['application/json'].schema.properties).toHaveProperty('locale');
    expect(doc.body['x-error-codes']).toHaveProperty('ALREADY_ASSIGNED');
    const documented = new Set(Object.entries(doc.body.paths as Record<string, object>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)));
    const undocumented = s.baton.routes
      .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .filter((r) => !documented.has(r));
    expect(undocumented).toEqual([]);
    const docs = await fetch(`${s.url}/docs`, { redirect: 'follow' });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('rate-limits message sends per token with 429 RATE_LIMITED', async () => {
    const limited = await startTestServer({ env: { RATE_LIMIT_MESSAGES_PER_MINUTE: '5' } });
    try {
      const { conversation, token } = await createConversation(limited.url);
      const codes: number[] = [];
      for (let i = 0; i < 7; i++) {
        codes.push((await call(limited.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: `m${i}` } })).status);
      }
      expect(codes.slice(0, 5)).toEqual([201, 201, 201, 201, 201]);
      const last = await call(limited.url, 'POST', `/api/v1/conversations/${conversation.id}/messages`, { token, body: { text: 'x' } });
      expect(last.status).toBe(429);
      expect(last.body.error.code).toBe('RATE_LIMITED');
      // another conversation has its own budget
      const other = await createConversation(limited.url);
      expect((await call(limited.url, 'POST', `/api/v1/conversations/${other.conversation.id}/messages`, { token: other.token, body: { text: 'ok' } })).status).toBe(201);
    } finally {
      await limited.close();
    }
  });
});

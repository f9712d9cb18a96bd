// The generic Offloading Webhook end to end against a receiver on loopback that checks signatures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../../src/providers/signing.js';
import { call, login, messages } from '../support/http.js';
import { offloadedConversation, openOffloading } from '../support/flows.js';
import { PDF } from '../support/files.js';
import { startReceiver, type Received } from '../support/receiver.js';
import { startTestServer, waitFor, type TestServer } from '../support/server.js';

const SECRET = 'webhook-secret-0123456789';
let s: TestServer;
let admin: string;
let mode: 'ok' | 'down' | 'refuse' = 'ok';
/** in mode 'refuse', a handover is refused once this resolves (held in flight until then) */
let refusal: Promise<void> = Promise.resolve();
let rx: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  rx = await startReceiver(SECRET, async (r: Received) => {
    if (!r.signatureOk) return { status: 401 };
    if (mode === 'down') return { status: 503 };
    if (mode === 'refuse' && r.body.type === 'handover.requested') {
      await refusal;
      return { status: 200, body: { accepted: false, reason: 'no agents for this skill' } };
    }
    return { status: 200 };
  });
  s = await startTestServer();
  admin = await login(s.url);
  const settings = await openOffloading(s.url, admin);
  await openOffloading(s.url, admin, {
    defaultProviderId: 'acme',
    providers: [...settings.providers.filter((p: { id: string }) => p.id !== 'acme'), { id: 'acme', type: 'webhook', name: 'Acme CC', config: { url: rx.url, secret: SECRET, retryWindowSeconds: 3 } }],
  });
});
afterAll(async () => {
  await s?.close();
  await rx?.close();
});

function callback(event: Record<string, unknown>, opts: { secret?: string; t?: number } = {}) {
  const raw = JSON.stringify(event);
  return call(s.url, 'POST', '/api/v1/providers/webhook/acme/events', {
    raw,
    headers: { 'x-baton-signature': signBody(opts.secret ?? SECRET, raw, opts.t ?? Math.floor(Date.now() / 1000)) },
  });
}
const eventsFor = (id: string) => rx.received.filter((r) => r.body?.conversation?.id === id);

describe('Offloading Webhook', () => {
  it('keeps the secret write-only in the settings API', async () => {
    const got = await call(s.url, 'GET', '/api/v1/settings/offloading', { token: admin });
    const acme = got.body.providers.find((p: { id: string }) => p.id === 'acme');
    expect(acme.config.secret).toBe('********');
    expect(JSON.stringify(got.body)).not.toContain(SECRET);
    // the output is valid input as it is, and the mask keeps the stored secret
    expect((await call(s.url, 'PUT', '/api/v1/settings/offloading', { token: admin, body: got.body })).status).toBe(200);
    const stored = await s.baton.deps.store.db.selectFrom('settings').select('value').where('key', '=', 'offloading').executeTakeFirstOrThrow();
    expect(stored.value).not.toContain(SECRET);
  });

  it('sends a signed handover with the transcript (including the triggering message), then user and bot messages', async () => {
    const c = await offloadedConversation(s.url, { user: { name: 'Jan', email: 'jan@example.com' } });
    await s.baton.outbox.runOnce();
    const handover = await waitFor(() => eventsFor(c.id).find((r) => r.body.type === 'handover.requested'), 10_000, 'handover delivery');
    expect(handover.signatureOk).toBe(true);
    expect(handover.headers['x-baton-event']).toBe('handover.requested');
    expect(handover.headers['x-baton-delivery']).toBe(handover.body.id);
    expect(handover.body.handover).toMatchObject({ trigger: 'explicit', skill: 'general', language: 'en' });
    // a claim is passed on as one: the receiver must not file it under that e-mail without checking
    expect(handover.body.conversation.user).toMatchObject({ name: 'Jan', email: 'jan@example.com', verified: false });
    const transcript = handover.body.transcript as Array<{ author: { type: string }; text?: string }>;
    expect(transcript.some((m) => m.author.type === 'bot')).toBe(true);
    expect(transcript.some((m) => m.author.type === 'user' && /real agent/.test(m.text ?? ''))).toBe(true);
    // while waiting the bot stays active; both sides are mirrored to the provider
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'what are your opening hours?' } });
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const types = eventsFor(c.id).filter((r) => r.body.type === 'message.created').map((r) => r.body.message.author.type);
      return types.includes('user') && types.includes('bot');
    }, 10_000, 'mirrored messages');
  });

  it('applies signed callbacks: accept, message, typing, hand back; refuses forged and stale ones; dedupes ids', async () => {
    const c = await offloadedConversation(s.url);
    const forged = await callback({ id: 'f1', type: 'agent.accepted', conversationId: c.id, agent: { id: 'a1', name: 'Alex' } }, { secret: 'not-the-secret-0000000' });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('SIGNATURE_INVALID');
    const stale = await callback({ id: 'f2', type: 'agent.accepted', conversationId: c.id, agent: { id: 'a1' } }, { t: Math.floor(Date.now() / 1000) - 400 });
    expect(stale.body.error.code).toBe('TIMESTAMP_OUT_OF_WINDOW');
    const future = await callback({ id: 'f3', type: 'agent.accepted', conversationId: c.id, agent: { id: 'a1' } }, { t: Math.floor(Date.now() / 1000) + 400 });
    expect(future.status).toBe(401);
    const unsigned = await call(s.url, 'POST', '/api/v1/providers/webhook/acme/events', { body: { id: 'f4', type: 'agent.accepted', conversationId: c.id, agent: { id: 'a1' } } });
    expect(unsigned.status).toBe(401);
    expect((await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status).toBe('offloaded');

    expect((await callback({ id: 'e1', type: 'agent.accepted', conversationId: c.id, agent: { id: 'a1', name: 'Alex' } })).status).toBe(200);
    const conv = (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation;
    expect(conv).toMatchObject({ status: 'agent', assignee: { name: 'Alex' } });
    const msg = { id: 'e2', type: 'agent.message', conversationId: c.id, agent: { id: 'a1', name: 'Alex' }, text: 'Hi, Alex here', buttons: [{ title: 'OK', payload: 'ok' }] };
    expect((await callback(msg)).body).toEqual({ ok: true, duplicate: false });
    expect((await callback(msg)).body).toEqual({ ok: true, duplicate: true });
    const userSide = await messages(s.url, c.id, c.token);
    expect(userSide.filter((m) => m.text === 'Hi, Alex here')).toHaveLength(1);
    expect(userSide.find((m) => m.text === 'Hi, Alex here')!.author).toMatchObject({ type: 'agent', name: 'Alex' });
    expect((await callback({ id: 'e3', type: 'agent.typing', conversationId: c.id, agent: { id: 'a1' }, on: true })).status).toBe(200);
    const badDialog = await callback({ id: 'e4', type: 'conversation.handback', conversationId: c.id, dialog: 'nope' });
    expect(badDialog.body.error.code).toBe('DIALOG_NOT_FOUND');
    const n = userSide.length;
    expect((await callback({ id: 'e5', type: 'conversation.handback', conversationId: c.id, dialog: 'welcome', variables: { ticket: 'T-1' } })).status).toBe(200);
    await waitFor(async () => (await messages(s.url, c.id, c.token)).slice(n).some((m) => m.author.type === 'bot'), 10_000, 'bot resumes');
    const other = await callback({ id: 'e6', type: 'agent.message', conversationId: 'unknown', agent: { id: 'a1' }, text: 'x' });
    expect(other.status).toBe(404);
    const bad = await callback({ id: 'e7', type: 'agent.sing', conversationId: c.id });
    expect(bad.status).toBe(422);
  });

  it('retries a receiver that is down with backoff, keeps the bot answering, and delivers once it is back', async () => {
    mode = 'down';
    const c = await offloadedConversation(s.url);
    await s.baton.outbox.runOnce();
    const log = await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin });
    const first = log.body.deliveries.find((d: { event: string }) => d.event === 'handover.requested');
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.lastError).toContain('503');
    // the bot is not blocked meanwhile
    const n = (await messages(s.url, c.id, c.token)).length;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'thanks' } });
    await waitFor(async () => (await messages(s.url, c.id, c.token)).slice(n).some((m) => m.author.type === 'bot'), 10_000, 'bot still answers');
    mode = 'ok';
    await call(s.url, 'POST', `/api/v1/providers/deliveries/${first.id}/redeliver`, { token: admin });
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const d = (await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}`, { token: admin })).body.deliveries;
      return d.every((x: { status: string }) => x.status === 'delivered');
    }, 15_000, 'delivered after recovery');
    const handovers = eventsFor(c.id).filter((r) => r.body.type === 'handover.requested' && r.signatureOk);
    expect(new Set(handovers.map((h) => h.headers['x-baton-delivery'])).size).toBe(1);
  });

  it('dead-letters after the retry window and returns a waiting user to the bot; a refusal does the same', async () => {
    mode = 'down';
    const c = await offloadedConversation(s.url);
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const d = (await call(s.url, 'GET', `/api/v1/providers/deliveries?conversationId=${c.id}&status=dead`, { token: admin })).body.deliveries;
      return d.length > 0;
    }, 20_000, 'dead letter');
    await waitFor(async () => (await call(s.url, 'GET', `/api/v1/conversations/${c.id}`, { token: c.token })).body.conversation.status === 'bot', 10_000, 'back to the bot');
    // the offload's commit wakes the outbox at once: the refusal is held until the conversation has been
    // seen offloaded (a CI run saw it back with the bot first)
    let release = () => {};
    refusal = new Promise<void>((r) => (release = r));
    mode = 'refuse';
    const r = await offloadedConversation(s.url).finally(() => release());
    await s.baton.outbox.runOnce();
    await waitFor(async () => (await call(s.url, 'GET', `/api/v1/conversations/${r.id}`, { token: r.token })).body.conversation.status === 'bot', 10_000, 'refused → bot');
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${r.id}`, { token: admin });
    expect(detail.body.messages.some((m: { event?: string; text?: string }) => m.event === 'conversation.refused' && m.text?.includes('no agents for this skill'))).toBe(true);
    mode = 'ok';
  }, 40_000);

  it("carries a user's files as signed links the receiver downloads without a token; an altered link is refused (expiry: test/api/attachments.test.ts)", async () => {
    mode = 'ok';
    const c = await offloadedConversation(s.url);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'invoice.pdf');
    const up = await fetch(`${s.url}/api/v1/conversations/${c.id}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${c.token}` } });
    const attachment = ((await up.json()) as { attachment: { id: string } }).attachment;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'my invoice', attachments: [attachment.id] } });
    const delivered = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      return eventsFor(c.id).find((r) => r.body.type === 'message.created' && r.body.message.attachments?.length);
    }, 10_000, 'the message with its file');
    expect(delivered.signatureOk).toBe(true);
    const [file] = delivered.body.message.attachments as Array<{ id: string; name: string; url: string }>;
    expect(file).toMatchObject({ id: attachment.id, name: 'invoice.pdf', contentType: 'application/pdf', size: PDF.length });
    // an absolute link on the server's public address (PUBLIC_URL), with its expiry and signature
    const link = new URL(file!.url);
    expect(link.pathname).toBe(`/api/v1/attachments/${attachment.id}/signed`);
    expect(Number(link.searchParams.get('expires')) * 1000).toBeGreaterThan(Date.now());
    const got = await fetch(s.url + link.pathname + link.search);
    expect(got.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await got.arrayBuffer()), PDF)).toBe(0);
    const altered = await fetch(`${s.url}${link.pathname}?expires=${Number(link.searchParams.get('expires')) + 3600}&signature=${link.searchParams.get('signature')}`);
    expect(altered.status).toBe(403);
    // the stored event keeps the plain URL: links are made at each delivery attempt, never stored
    const stored = await s.baton.deps.store.db.selectFrom('outbox').select('payload').where('delivery_id', '=', delivered.body.id).executeTakeFirstOrThrow();
    expect(stored.payload).not.toContain('signature=');
  });
});

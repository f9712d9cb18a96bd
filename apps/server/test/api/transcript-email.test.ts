// "E-mail me the transcript" (issue 26, DESIGN §10.3): only with SMTP_URL set, only to the e-mail the
// conversation knows (an address in the request is used only when none is known), queued through the
// outbox to a real SMTP server on loopback, and a few per token an hour.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, waitFor, type TestServer, type TestStore } from '../support/server.js';
import { quotedPrintable, startSmtp } from '../support/smtp.js';

const stores: TestStore[] = (await postgresAvailable()) ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(stores)('e-mailing the transcript (%s)', (store) => {
  let s: TestServer;
  let bare: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp(0);
    s = await startOnStore(store, { env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Acme <support@example.com>' } });
    bare = await startOnStore(store);
  });
  afterAll(async () => {
    await s?.close();
    await bare?.close();
    await smtp?.close();
  });

  const send = (srv: TestServer, id: string, token: string, text: string) =>
    call(srv.url, 'POST', `/api/v1/conversations/${id}/messages`, { token, body: { text }, headers: { 'idempotency-key': `k-${text}` } });

  it('is not offered, and refused with MAIL_NOT_CONFIGURED, without SMTP_URL', async () => {
    const c = await createConversation(bare.url);
    expect((await call(bare.url, 'GET', `/api/v1/conversations/${c.conversation.id}/transcript/email`, { token: c.token })).body).toEqual({ available: false, email: null });
    const r = await call(bare.url, 'POST', `/api/v1/conversations/${c.conversation.id}/transcript/email`, { token: c.token, body: { email: 'a@example.com' } });
    expect([r.status, r.body.error.code]).toEqual([409, 'MAIL_NOT_CONFIGURED']);
  });

  it('goes to the address the user gives when none is known, with the chat as text; another token gets nothing', async () => {
    const c = await createConversation(s.url);
    const id = c.conversation.id;
    expect((await send(s, id, c.token, 'my meter reads <b>1234</b>')).status).toBeLessThan(300);
    expect((await call(s.url, 'GET', `/api/v1/conversations/${id}/transcript/email`, { token: c.token })).body).toEqual({ available: true, email: null });
    const none = await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: {} });
    expect([none.status, none.body.error.code]).toEqual([422, 'EMAIL_REQUIRED']);
    const bad = await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: { email: 'not an address' } });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'VALIDATION_FAILED']);
    const other = await createConversation(s.url);
    const foreign = await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: other.token, body: { email: 'x@example.com' } });
    expect(foreign.status).toBeGreaterThanOrEqual(401);
    expect(foreign.status).toBeLessThan(500);

    const before = smtp.mails.length;
    const ok = await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: { email: 'jan@example.com' } });
    expect([ok.status, ok.body]).toEqual([202, { sentTo: 'j***@example.com' }]);
    await waitFor(() => smtp.mails.length > before, 15_000, 'the transcript mail');
    const mail = smtp.mails.at(-1)!;
    expect(mail.to).toEqual(['jan@example.com']);
    const body = quotedPrintable(mail.raw);
    expect(body).toContain('Conversation transcript');
    expect(body).toContain('my meter reads <b>1234</b>'); // a text mail: the text as typed, nothing rendered
    expect(body).toContain(`X-Baton-Conversation: ${id}`);
  });

  it('goes only to the known e-mail, and a token may ask three times an hour', async () => {
    const c = await createConversation(s.url, { user: { name: 'Mia', email: 'mia@example.org' } });
    const id = c.conversation.id;
    expect((await call(s.url, 'GET', `/api/v1/conversations/${id}/transcript/email`, { token: c.token })).body).toEqual({ available: true, email: 'm***@example.org' });
    const elsewhere = await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: { email: 'attacker@example.net' } });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([422, 'EMAIL_MISMATCH']);
    const before = smtp.mails.length;
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: {} })).status);
    expect(codes.filter((x) => x === 202).length).toBeGreaterThanOrEqual(2); // the refused one above counted too
    expect((await call(s.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: {} })).status).toBe(429);
    await waitFor(() => smtp.mails.length >= before + codes.filter((x) => x === 202).length, 15_000, 'the mails');
    expect(smtp.mails.slice(before).every((m) => m.to.join() === 'mia@example.org')).toBe(true);
  });

  it('leaves no queued mail behind when the contact is erased before the mail went out', async () => {
    // an SMTP server that keeps answering 451: the mail waits in the outbox, retried
    const greylisting = await startSmtp(1_000_000);
    const held = await startOnStore(store, { env: { SMTP_URL: `smtp://127.0.0.1:${greylisting.port}` } });
    try {
      const user = { id: `erased-${Date.now()}`, name: 'Erik Erased', email: `erik.${Date.now()}@example.org` };
      const c = await createConversation(held.url, { user });
      const id = c.conversation.id;
      expect((await call(held.url, 'POST', `/api/v1/conversations/${id}/transcript/email`, { token: c.token, body: {} })).status).toBe(202);
      const db = held.baton.deps.store.db;
      const queued = () => db.selectFrom('outbox').select(['id', 'payload', 'attempts']).where('provider_id', '=', 'mail:smtp').execute();
      await waitFor(async () => (await queued()).some((r) => r.payload.includes(user.email) && r.attempts > 0), 15_000, 'a refused delivery attempt');
      const erased = await call(held.url, 'DELETE', `/api/v1/contacts/${user.id}`, { token: await login(held.url) });
      expect(erased.status, JSON.stringify(erased.body)).toBe(200);
      expect((await queued()).filter((r) => r.payload.includes(user.email))).toEqual([]);
      expect(greylisting.mails).toEqual([]);
    } finally {
      await held.close();
      await greylisting.close();
    }
  });
});

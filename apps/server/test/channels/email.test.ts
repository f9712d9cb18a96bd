// The e-mail channel end to end on both stores: Mailgun's signed raw-MIME route (a wrong key, an old
// timestamp or a replayed token stores nothing), one conversation per thread found by In-Reply-To /
// References (a reply to a closed thread reopens it), Gmail- and Outlook-style quotes and signatures
// stripped, buttons as numbered text answered by typed numbers, a handover and the agent's reply sent
// by SMTP to a real SMTP server on loopback (HTML escaped, threaded), 451 retried and 550 refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { mailgunSignature, startMailgunSimulator, type MailgunSimulator } from '../../../../tools/simulators/mailgun.js';
import { stripQuoted } from '../../src/channels/email/quotes.js';
import { readAttachment } from '../../src/commands/attachments.js';
import { call, login } from '../support/http.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { startOnStore, startTestServer, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';

const STORES: TestStore[] = ['sqlite', 'postgres'];
const SIGNING_KEY = 'key-mailgun-signing-0123456789';
const SMTP = { user: 'postmaster@support.example.com', password: 'smtp-password-0123' };
const SUPPORT = 'Acme Support <support@support.example.com>';

const GMAIL_REPLY = (text: string) => `${text}\n\nOn Mon, 7 Dec 2026 at 10:00, Acme Support <support@support.example.com>\nwrote:\n\n> Hi! I'm the Acme assistant.\n> 1. Opening hours\n`;
const OUTLOOK_REPLY = (text: string) =>
  `${text}\r\n\r\nKind regards,\r\n-- \r\nPiet Peeters\r\nAcme Customer\r\n\r\n________________________________\r\nFrom: Acme Support <support@support.example.com>\r\nSent: Monday, December 7, 2026 10:00 AM\r\nTo: piet@example.net\r\nSubject: Re: My invoice\r\n\r\nNo problem. Try asking in other words\r\n`;

describe('quoted replies', () => {
  it('keeps only what the user wrote above Gmail, Outlook, Dutch and French quotes and signatures', () => {
    expect(stripQuoted(GMAIL_REPLY('2'))).toBe('2');
    expect(stripQuoted(OUTLOOK_REPLY('Opening hours please'))).toBe('Opening hours please\n\nKind regards,');
    expect(stripQuoted('Ja\n\nOp ma 7 dec. 2026 om 10:00 schreef Acme <a@b.c>:\n> vraag')).toBe('Ja');
    expect(stripQuoted('Oui\n\nLe lun. 7 déc. 2026 à 10:00, Acme <a@b.c> a écrit :\n> question')).toBe('Oui');
    expect(stripQuoted('Thanks\n\n-----Original Message-----\nFrom: x')).toBe('Thanks');
    expect(stripQuoted('Yes\n\nSent from my iPhone')).toBe('Yes');
    // a mail that is only a quote keeps its text rather than becoming empty
    expect(stripQuoted('> just this')).toBe('> just this');
  });
});

describe.each(STORES)('e-mail channel on %s', (store) => {
  let s: TestServer;
  let sim: MailgunSimulator;
  let admin: string;
  const clock = new TestClock(Date.now());
  const hook = '/api/v1/channels/mail/email/mime';

  beforeAll(async () => {
    s = await startOnStore(store, { clock });
    admin = await login(s.url);
    sim = await startMailgunSimulator({ signingKey: SIGNING_KEY, routeUrl: `${s.url}${hook}`, recipient: 'support@support.example.com', smtp: SMTP, now: () => clock.now() });
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await sim?.close();
    await s?.close();
  });

  /** waits for a mail Baton sent to `to`, running the outbox meanwhile */
  const mailTo = (to: string, match: (m: ParsedMail) => boolean, what: string) =>
    waitFor(async () => {
      await s.baton.outbox.runOnce();
      return sim.received.find((m) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === to && match(m));
    }, 10_000, what);
  const conversationsOf = async (address: string) =>
    (await s.baton.deps.store.db.selectFrom('conversations').innerJoin('end_users', 'end_users.id', 'conversations.end_user_id').select(['conversations.id', 'conversations.status']).where('end_users.verified_id', '=', `channel:mail:${address}`).orderBy('conversations.created_at').orderBy('conversations.id').execute());
  const userTexts = async (conversationId: string) => (await s.baton.deps.store.db.selectFrom('messages').select('text').where('conversation_id', '=', conversationId).where('author_type', '=', 'user').orderBy('seq').execute()).map((m) => m.text);

  it('is created with its config, secrets masked, and tests the SMTP login', async () => {
    const bad = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'mail', type: 'email', name: 'E-mail', config: { from: SUPPORT, smtpUrl: `smtp://u:${SMTP.password}@127.0.0.1:25`, webhookSigningSecret: SIGNING_KEY } } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('smtpPassword');
    const r = await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { id: 'mail', type: 'email', name: 'E-mail', config: { from: SUPPORT, smtpUrl: sim.smtpUrl, smtpPassword: SMTP.password, webhookSigningSecret: SIGNING_KEY } } });
    expect(r.status).toBe(201);
    expect(r.body.channel).toMatchObject({ type: 'email', inboundUrl: hook, config: { from: SUPPORT, smtpUrl: sim.smtpUrl, smtpPassword: '********', webhookSigningSecret: '********' } });
    const stored = await s.baton.deps.store.db.selectFrom('channels').select('config').where('id', '=', 'mail').executeTakeFirstOrThrow();
    expect(stored.config).not.toContain(SMTP.password);
    expect(stored.config).not.toContain(SIGNING_KEY);

    expect((await call(s.url, 'POST', '/api/v1/channels/mail/test', { token: admin })).body).toMatchObject({ ok: true });
    await call(s.url, 'PATCH', '/api/v1/channels/mail', { token: admin, body: { config: { smtpPassword: 'wrong-password' } } });
    const refused = await call(s.url, 'POST', '/api/v1/channels/mail/test', { token: admin });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.message).toMatch(/535/);
    await call(s.url, 'PATCH', '/api/v1/channels/mail', { token: admin, body: { config: { smtpPassword: SMTP.password } } });
  });

  it('refuses a post not signed with the signing key, too old, or replayed: 401, nothing stored', async () => {
    const mime = 'From: Eve <eve@example.net>\r\nTo: support@support.example.com\r\nSubject: hi\r\nMessage-ID: <forged@example.net>\r\n\r\nhello\r\n';
    const post = (timestamp: string, token: string, signature: string) => {
      const body = new URLSearchParams({ timestamp, token, signature, 'body-mime': mime }).toString();
      return call(s.url, 'POST', hook, { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    };
    const ts = String(Math.floor(clock.now() / 1000));
    const token = 'a'.repeat(50);
    for (const r of [await post(ts, token, mailgunSignature('another-signing-key', ts, token)), await post(ts, token, ''), await post(String(Number(ts) - 600), token, mailgunSignature(SIGNING_KEY, String(Number(ts) - 600), token))]) {
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('SIGNATURE_INVALID');
    }
    expect(await conversationsOf('eve@example.net')).toHaveLength(0);

    // a genuine post, then its bytes again: the token was used
    const first = await sim.userMails({ from: 'Eve <eve@example.net>', subject: 'Hello', text: 'Hello there' });
    expect(first.statuses).toEqual([200]);
    expect(await sim.replay(first)).toBe(401);
    if (store === 'postgres') {
      // another instance on the same database refuses the replay too (the token is claimed in the database)
      const { DATABASE_URL, BATON_SECRET_KEY } = s.baton.deps.config;
      const other = await startTestServer({ clock, env: { DATABASE_URL: DATABASE_URL!, BATON_SECRET_KEY: BATON_SECRET_KEY! } });
      try {
        const again = await fetch(`${other.url}${hook}`, { method: 'POST', headers: { 'content-type': first.contentType }, body: new Uint8Array(first.body) });
        expect(again.status).toBe(401);
      } finally {
        await other.close();
      }
    }
    const convs = await conversationsOf('eve@example.net');
    expect(convs).toHaveLength(1);
    expect(await userTexts(convs[0]!.id)).toEqual(['Hello\n\nHello there']);
  });

  it('threads a conversation by its mails: the bot’s numbered options, typed answers under quotes, handover, the agent’s reply by SMTP', async () => {
    const user = 'piet@example.net';
    const first = await sim.userMails({ from: `Piet Peeters <${user}>`, subject: 'My invoice', text: 'blorp zzkq\n\n-- \nPiet' });
    expect(first.statuses).toEqual([200]);
    // the welcome replies in the user's thread too (were it ready before the route recorded the user's
    // mail, it waits for it: channel-flows.e2e.test.ts, with the outbox running on its own, meets that)
    const welcome = await mailTo(user, (m) => /Acme assistant/.test(m.text ?? ''), 'the welcome');
    expect(welcome.subject).toBe('Re: My invoice');
    expect(welcome.inReplyTo).toBe(`<${first.messageId}>`);
    const offer = await mailTo(user, (m) => /didn't understand/.test(m.text ?? ''), 'the offer');
    expect(offer.subject).toBe('Re: My invoice');
    // it answers the thread's latest mail (the user's, or the bot's welcome if that went out first) and names the user's
    expect(offer.inReplyTo).toMatch(/^<.+>$/);
    expect(offer.references).toContain(`<${first.messageId}>`);
    expect(offer.text).toContain('1. Yes, please\n2. No, thanks');
    const [conv] = await conversationsOf(user);
    expect(await userTexts(conv!.id)).toEqual(['My invoice\n\nblorp zzkq']);

    // the answer "2" under a Gmail quote, replying to Baton's mail: the same conversation
    const second = await sim.userMails({ from: `Piet Peeters <${user}>`, subject: 'Re: My invoice', text: GMAIL_REPLY('2'), inReplyTo: offer.messageId!.replace(/^<|>$/g, ''), references: [first.messageId, offer.messageId!.replace(/^<|>$/g, '')] });
    expect(second.statuses).toEqual([200]);
    const menu = await mailTo(user, (m) => /No problem/.test(m.text ?? ''), 'the topic menu, from the typed number');
    expect(menu.references).toContain(`<${first.messageId}>`);
    await sim.userMails({ from: `Piet Peeters <${user}>`, subject: 'Re: My invoice', text: OUTLOOK_REPLY('opening hours'), inReplyTo: menu.messageId!.replace(/^<|>$/g, '') });
    await mailTo(user, (m) => /Monday to Friday/.test(m.text ?? ''), 'the opening hours, from the typed title');
    expect(await conversationsOf(user)).toHaveLength(1);
    expect(await userTexts(conv!.id)).toEqual(['My invoice\n\nblorp zzkq', '2', 'opening hours\n\nKind regards,']);

    // a redelivered mail (Mailgun retries, freshly signed) is stored once
    const again = await sim.redeliver(second);
    expect(again.statuses).toEqual([200]);
    expect(await userTexts(conv!.id)).toHaveLength(3);

    const agent = await makeAgent(s.url, admin, { skills: ['general'] });
    const hand = await sim.userMails({ from: `Piet Peeters <${user}>`, subject: 'Re: My invoice', text: 'Talk to a person', inReplyTo: menu.messageId!.replace(/^<|>$/g, '') });
    expect(hand.statuses).toEqual([200]);
    await waitFor(async () => (await call(s.url, 'POST', `/api/v1/agent/conversations/${conv!.id}/accept`, { token: agent.token })).status === 200, 10_000, 'accept');
    const reply = await call(s.url, 'POST', `/api/v1/agent/conversations/${conv!.id}/messages`, { token: agent.token, body: { text: 'Hello <b>Piet</b> & welcome' } });
    expect(reply.status).toBe(201);
    const out = await mailTo(user, (m) => (m.text ?? '').includes('Hello <b>Piet</b> & welcome'), 'the agent reply');
    expect(out.from?.text).toContain('support@support.example.com');
    expect(out.html).toContain('Hello &lt;b&gt;Piet&lt;/b&gt; &amp; welcome');
    expect(out.html).not.toContain('<b>Piet');
    expect(out.subject).toBe('Re: My invoice');
    await waitFor(async () => {
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conv!.id}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === reply.body.message.id && x.status === 'sent');
    }, 10_000, 'the sent status');

    // the SMTP server says "try again" (451): the outbox retries and the mail goes once
    sim.failNext(1, 451);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${conv!.id}/messages`, { token: agent.token, body: { text: 'After a busy server' } });
    await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const r = await s.baton.deps.store.db.selectFrom('outbox').select(['attempts', 'last_error']).where('conversation_id', '=', conv!.id).where('status', '=', 'pending').executeTakeFirst();
      return r && r.attempts === 1 && /451/.test(r.last_error ?? '');
    }, 10_000, 'the 451 attempt');
    clock.advance(3600_000);
    await mailTo(user, (m) => (m.text ?? '').includes('After a busy server'), 'the retried mail');
    expect(sim.received.filter((m) => (m.text ?? '').includes('After a busy server'))).toHaveLength(1);

    // refused for good (550): failed with the server's reason
    sim.failNext(1, 550);
    const refused = await call(s.url, 'POST', `/api/v1/agent/conversations/${conv!.id}/messages`, { token: agent.token, body: { text: 'To a closed mailbox' } });
    const failed = await waitFor(async () => {
      await s.baton.outbox.runOnce();
      const st = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conv!.id}/channel-statuses`, { token: agent.token })).body.statuses;
      return st.find((x: { messageId: string; status: string }) => x.messageId === refused.body.message.id && x.status === 'failed');
    }, 10_000, 'the refusal');
    expect(failed.error).toMatch(/550/);

    // a new thread from the same user is a new conversation; a reply to the old one, closed, reopens it
    const closed = await call(s.url, 'POST', `/api/v1/agent/conversations/${conv!.id}/close`, { token: agent.token });
    expect(closed.status).toBe(200);
    await sim.userMails({ from: `Piet Peeters <${user}>`, subject: 'Another question', text: 'Where is my parcel?' });
    await waitFor(async () => (await conversationsOf(user)).length === 2, 10_000, 'the second conversation');
    await sim.userMails({ from: `Piet Peeters <${user}>`, subject: 'Re: My invoice', text: GMAIL_REPLY('One more thing'), inReplyTo: out.messageId!.replace(/^<|>$/g, '') });
    const after = await conversationsOf(user);
    expect(after).toHaveLength(2);
    expect(after.find((c) => c.id === conv!.id)!.status).not.toBe('closed');
    expect((await userTexts(conv!.id)).at(-1)).toBe('One more thing');
  });

  it('an HTML-only mail is read as text; its attachments are stored once with the message (a refused type is named); auto-replies are dropped', async () => {
    const user = 'ann@example.net';
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
    const mail = await sim.userMails({
      from: `Ann <${user}>`,
      subject: 'Meter',
      html: '<p>My meter reads <b>1234</b> &amp; more</p>',
      attachments: [
        { filename: 'invoice.pdf', content: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), contentType: 'application/pdf' },
        { filename: 'setup.exe', content: exe, contentType: 'application/octet-stream' },
      ],
    });
    expect(mail.statuses, mail.answer).toEqual([200]);
    const [conv] = await conversationsOf(user);
    const messages = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conv!.id}`, { token: admin })).body.messages as Array<{ author: { type: string }; text?: string; attachments?: Array<{ name: string; contentType: string; url: string }> }>;
    const first = messages.find((m) => m.author.type === 'user')!;
    expect(first.text).toContain('My meter reads 1234 & more');
    expect(first.text).not.toContain('<b>');
    expect(first.text).toMatch(/setup\.exe: not kept/);
    expect(first.attachments).toHaveLength(1);
    expect(first.attachments![0]).toMatchObject({ name: 'invoice.pdf', contentType: 'application/pdf' });
    const stored = await readAttachment(s.baton.deps, (first.attachments![0] as unknown as { id: string }).id);
    expect(stored.bytes.toString()).toContain('%PDF-1.4');
    expect(stored.meta.uploadedBy).toBe('channel:mail');
    // Mailgun's retry of the same mail stores neither the message nor its file again
    expect((await sim.redeliver(mail)).statuses).toEqual([200]);
    expect(await userTexts(conv!.id)).toHaveLength(1);
    const files = await s.baton.deps.store.db.selectFrom('attachments').select('id').where('conversation_id', '=', conv!.id).execute();
    expect(files).toHaveLength(1);

    await sim.userMails({ from: 'Out of office <ooo@example.net>', subject: 'Automatic reply', text: 'I am away', headers: { 'Auto-Submitted': 'auto-replied' } });
    expect(await conversationsOf('ooo@example.net')).toHaveLength(0);
  });
});

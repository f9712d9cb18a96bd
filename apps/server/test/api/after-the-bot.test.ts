// After the bot (DESIGN §10.3, issue 26): transcripts for the user (also after End chat) and for agents,
// identity from what the user told the bot, a verified user's contact page with notes, and agents'
// tags. Through real HTTP, on SQLite and on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userHashOf } from '../../src/commands/create-conversation.js';
import { rowsContaining } from '../support/all-rows.js';
import { SYSTEM_DIALOGS } from '../support/bot.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, waitFor, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const SECRET = 'identity-verification-secret-0123';
const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
type Agent = Awaited<ReturnType<typeof makeAgent>>;

// a bot that asks who you are; `user:` names the variables that hold it (absent: name and email)
const identityBot = (id: string, mapping: string, nameVar: string, emailVar: string) => `
id: ${id}
name: Identity bot
defaultLanguage: en
languages: [en]
${mapping}
dialogs:
  welcome:
    steps:
      - question: { variable: ${nameVar}, prompt: { en: "What is your name?" } }
      - question: { variable: ${emailVar}, type: email, prompt: { en: "Your e-mail address?" } }
      - message: { text: { en: "Thanks {{${nameVar}}}" } }
${SYSTEM_DIALOGS}`;

describe.each(STORES)('after the bot on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let a1: Agent;
  let a2: Agent;
  beforeAll(async () => {
    s = await startOnStore(store, { env: { IDENTITY_VERIFICATION_SECRET: SECRET } });
    admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    a1 = await makeAgent(s.url, admin, { skills: ['general'] });
    a2 = await makeAgent(s.url, admin, { skills: ['general'] });
    for (const [id, mapping, n, e] of [['plainid', '', 'name', 'email'], ['mappedid', 'user: { name: full_name, email: mail }', 'full_name', 'mail']] as const) {
      const r = await call(s.url, 'PUT', `/api/v1/bots/${id}`, { token: admin, raw: identityBot(id, mapping, n, e), headers: { 'content-type': 'application/yaml' } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    }
  });
  afterAll(async () => {
    await s?.close();
  });

  const say = (c: { id: string; token: string }, text: string) => call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text } });
  const agentView = async (id: string, token = admin) => (await call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token })).body.conversation;
  /** a conversation an agent accepted, talked in (with a note) and closed */
  async function handled(agent: Agent, opts: Parameters<typeof offloadedConversation>[1] = {}) {
    const c = await offloadedConversation(s.url, opts);
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: agent.token })).status).toBe(200);
    return c;
  }

  describe('transcripts', () => {
    it('the user downloads the transcript after End chat, as text and as HTML that stays text; notes never reach it', async () => {
      const c = await handled(a1);
      expect((await say(c, 'My order <script>alert("x")</script> & "stuff"')).status).toBe(201);
      const agentSays = (text: string, internal = false) => call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a1.token, body: { text, internal } });
      expect((await agentSays('Let me check <b>that</b> for you')).status).toBe(201);
      expect((await agentSays('NOTE-SECRET-77 customer seems upset', true)).status).toBe(201);
      expect((await call(s.url, 'POST', `/api/v1/conversations/${c.id}/end`, { token: c.token })).status).toBe(200);

      const txt = await call(s.url, 'GET', `/api/v1/conversations/${c.id}/transcript?format=txt`, { token: c.token });
      expect(txt.status).toBe(200);
      expect(txt.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(txt.headers.get('content-disposition')).toMatch(/^attachment; filename="transcript-\d{4}-\d{2}-\d{2}-[\w-]+\.txt"$/);
      expect(txt.headers.get('x-content-type-options')).toBe('nosniff');
      const text = txt.body as string;
      // the bot's welcome, the user's words, the agent by name, with times
      expect(text).toMatch(/\] Assistant|\] Acme/);
      expect(text).toContain('You:\n  My order <script>alert("x")</script> & "stuff"');
      expect(text).toContain(`${a1.name}:\n  Let me check <b>that</b> for you`);
      expect(text).toMatch(/\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\]/);
      expect(text).not.toContain('NOTE-SECRET-77');

      const html = await call(s.url, 'GET', `/api/v1/conversations/${c.id}/transcript?format=html`, { token: c.token });
      expect(html.status).toBe(200);
      expect(html.headers.get('content-type')).toMatch(/^text\/html/);
      expect(html.headers.get('content-disposition')).toMatch(/filename="transcript-[\w-]+\.html"$/);
      const csp = html.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain('sandbox');
      expect(csp).not.toContain('unsafe-inline');
      const page = html.body as string;
      expect(page).toContain('My order &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;stuff&quot;');
      expect(page).toContain('Let me check &lt;b&gt;that&lt;/b&gt; for you');
      expect(page).not.toMatch(/<script|<b>/i);
      expect(page).not.toContain('NOTE-SECRET-77');
    });

    it('another conversation\'s token gets 403 and no data; an unknown token 401; a bad format 422', async () => {
      const mine = await createConversation(s.url, { locale: 'en' });
      const other = await createConversation(s.url, { locale: 'en' });
      await say({ id: mine.conversation.id, token: mine.token }, 'PRIVATE-LINE-42');
      const r = await call(s.url, 'GET', `/api/v1/conversations/${mine.conversation.id}/transcript`, { token: other.token });
      expect(r.status).toBe(403);
      expect(JSON.stringify(r.body)).not.toContain('PRIVATE-LINE-42');
      expect((await call(s.url, 'GET', `/api/v1/conversations/${mine.conversation.id}/transcript`, { token: 'cu_nope' })).status).toBe(401);
      const bad = await call(s.url, 'GET', `/api/v1/conversations/${mine.conversation.id}/transcript?format=pdf`, { token: mine.token });
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    });

    it('agents who may read the conversation get the whole transcript, notes marked; others 403', async () => {
      const c = await handled(a1);
      await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: a1.token, body: { text: 'NOTE-FOR-DESK', internal: true } });
      const r = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}/transcript?format=txt`, { token: a1.token });
      expect(r.status).toBe(200);
      expect(r.body).toContain(`${a1.name} (internal note):\n  NOTE-FOR-DESK`);
      // system events are part of the agent's record
      expect(r.body).toMatch(/— .*(joined|accepted|assigned)/i);
      expect((await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}/transcript`, { token: admin })).status).toBe(200);
      const denied = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}/transcript`, { token: a2.token });
      expect(denied.status).toBe(403);
      expect(JSON.stringify(denied.body)).not.toContain('NOTE-FOR-DESK');
    });

    it('a long conversation is written page by page: every message once, in order', async () => {
      const c = await createConversation(s.url, { locale: 'en', botId: 'plainid' });
      const conv = { id: c.conversation.id, token: c.token };
      // more than one page (500) of messages, stored directly: the transcript's paging is what is tested
      const db = s.baton.deps.store;
      await db.write.run(async (tx) => {
        const { appendMessage } = await import('../../src/store/conversations.js');
        for (let i = 1; i <= 1200; i++) await appendMessage(tx, { conversationId: conv.id, authorType: 'user', text: `line-${String(i).padStart(4, '0')}` }, Date.now());
      });
      const r = await call(s.url, 'GET', `/api/v1/conversations/${conv.id}/transcript`, { token: conv.token });
      expect(r.status).toBe(200);
      const lines = (r.body as string).split('\n').filter((l) => /^ {2}line-\d{4}$/.test(l)).map((l) => l.trim());
      expect(lines).toHaveLength(1200);
      expect(lines).toEqual([...lines].sort());
      expect(new Set(lines).size).toBe(1200);
    });
  });

  describe('identity from the bot', () => {
    async function answer(botId: string, name: string, email: string, extra: Record<string, unknown> = {}) {
      const c = await createConversation(s.url, { locale: 'en', botId, ...extra });
      const conv = { id: c.conversation.id, token: c.token };
      await waitFor(async () => (await messages(s.url, conv.id, conv.token)).some((m) => m.text === 'What is your name?'), 10_000, 'name question');
      expect((await say(conv, name)).status).toBe(201);
      await waitFor(async () => (await messages(s.url, conv.id, conv.token)).some((m) => m.text === 'Your e-mail address?'), 10_000, 'email question');
      expect((await say(conv, email)).status).toBe(201);
      await waitFor(async () => (await messages(s.url, conv.id, conv.token)).some((m) => m.text?.startsWith('Thanks')), 10_000, 'thanks');
      return conv;
    }

    it('the variables name and email fill the user as they are collected, marked as given by the user, and search finds them', async () => {
      const c = await createConversation(s.url, { locale: 'en', botId: 'plainid' });
      const conv = { id: c.conversation.id, token: c.token };
      await waitFor(async () => (await messages(s.url, conv.id, conv.token)).some((m) => m.text === 'What is your name?'), 10_000, 'name question');
      expect((await agentView(conv.id)).user).toMatchObject({ name: null, email: null });
      await say(conv, '  Zelda   Quuxington ');
      // the name is there before the e-mail is asked for
      const afterName = await waitFor(async () => {
        const u = (await agentView(conv.id)).user;
        return u.name ? u : undefined;
      }, 10_000, 'name filled');
      expect(afterName).toMatchObject({ name: 'Zelda Quuxington', email: null, verified: false, givenByUser: true });
      await say(conv, 'zelda.q@example.org');
      const u = await waitFor(async () => {
        const v = (await agentView(conv.id)).user;
        return v.email ? v : undefined;
      }, 10_000, 'email filled');
      expect(u).toMatchObject({ name: 'Zelda Quuxington', email: 'zelda.q@example.org', verified: false, givenByUser: true });
      // the search index follows the user's name (list of conversations with the bot, supervisors)
      const found = await call(s.url, 'GET', '/api/v1/agent/conversations?status=bot&q=quuxington', { token: admin });
      expect(found.body.conversations.map((x: { id: string }) => x.id)).toContain(conv.id);
      const byMail = await call(s.url, 'GET', '/api/v1/agent/conversations?status=bot&q=zelda.q@', { token: admin });
      expect(byMail.body.conversations[0]).toMatchObject({ id: conv.id, user: { name: 'Zelda Quuxington' } });
    });

    it('a user: mapping names other variables; an invalid or too long value is not used', async () => {
      const conv = await answer('mappedid', 'Mara Mapped', 'mara@example.net');
      expect((await agentView(conv.id)).user).toMatchObject({ name: 'Mara Mapped', email: 'mara@example.net', givenByUser: true });
      expect((await agentView(conv.id)).variables).toMatchObject({ full_name: 'Mara Mapped', mail: 'mara@example.net' });

      // a name longer than 200 characters stays a variable only
      const long = await answer('plainid', 'x'.repeat(250), 'long@example.net');
      expect((await agentView(long.id)).user).toMatchObject({ name: null, email: 'long@example.net' });
    });

    it('a verified identity is never overwritten by what the bot collects', async () => {
      const conv = await answer('plainid', 'Impostor Name', 'impostor@example.com', { user: { id: 'crm-verified-1', name: 'Vera Verified', email: 'vera@site.test' }, userHash: userHashOf(SECRET, 'crm-verified-1') });
      const view = await agentView(conv.id);
      expect(view.user).toEqual({ id: 'crm-verified-1', name: 'Vera Verified', email: 'vera@site.test', verified: true });
      expect(view.variables).toMatchObject({ name: 'Impostor Name', email: 'impostor@example.com' });
    });
  });

  describe('contacts', () => {
    const userId = `crm-${store}-contact`;
    const verified = { user: { id: userId, name: 'Connie Contact', email: 'connie@site.test' }, userHash: userHashOf(SECRET, userId) };

    it('a contact page lists the verified user\'s conversations (paged) with notes; a plain agent sees only contacts and conversations they handled', async () => {
      const first = await handled(a1, verified);
      await call(s.url, 'POST', `/api/v1/agent/conversations/${first.id}/close`, { token: a1.token });
      const second = await handled(a2, verified);
      await call(s.url, 'POST', `/api/v1/agent/conversations/${second.id}/close`, { token: a2.token });
      const third = await createConversation(s.url, { locale: 'en', ...verified });

      const profile = await call(s.url, 'GET', `/api/v1/contacts/${userId}`, { token: admin });
      expect(profile.status).toBe(200);
      expect(profile.body.contact).toMatchObject({ userId, name: 'Connie Contact', email: 'connie@site.test', verified: true });

      // admins see all three, newest first, two per page
      const p1 = await call(s.url, 'GET', `/api/v1/contacts/${userId}/conversations?limit=2`, { token: admin });
      expect(p1.status).toBe(200);
      expect(p1.body.conversations.map((c: { id: string }) => c.id)).toEqual([third.conversation.id, second.id]);
      const p2 = await call(s.url, 'GET', `/api/v1/contacts/${userId}/conversations?limit=2&cursor=${p1.body.nextCursor}`, { token: admin });
      expect(p2.body.conversations.map((c: { id: string }) => c.id)).toEqual([first.id]);
      expect(p2.body.nextCursor).toBeNull();
      // a plain agent: only the one they handled
      const mine = await call(s.url, 'GET', `/api/v1/contacts/${userId}/conversations`, { token: a1.token });
      expect(mine.body.conversations.map((c: { id: string }) => c.id)).toEqual([first.id]);

      const a3 = await makeAgent(s.url, admin, { skills: ['general'] });
      const stranger = await call(s.url, 'GET', `/api/v1/contacts/${userId}`, { token: a3.token });
      expect(stranger.status).toBe(404);
      expect(stranger.body.error.code).toBe('CONTACT_NOT_FOUND');
      expect((await call(s.url, 'POST', `/api/v1/contacts/${userId}/notes`, { token: a3.token, body: { text: 'nope' } })).status).toBe(404);
      // an unverified claim has no contact page
      const claim = await createConversation(s.url, { locale: 'en', user: { id: 'claimed-only', name: 'Claire Claim' } });
      expect(claim.conversation.id).toBeTruthy();
      expect((await call(s.url, 'GET', '/api/v1/contacts/claimed-only', { token: admin })).status).toBe(404);

      // notes: add (agents), list newest first, delete by the author or a supervisor, not by a colleague
      const n1 = await call(s.url, 'POST', `/api/v1/contacts/${userId}/notes`, { token: a1.token, body: { text: 'NOTE-ONE prefers e-mail' } });
      expect(n1.status).toBe(201);
      expect(n1.body.note).toMatchObject({ text: 'NOTE-ONE prefers e-mail', author: { id: a1.id, name: a1.name } });
      const n2 = await call(s.url, 'POST', `/api/v1/contacts/${userId}/notes`, { token: a2.token, body: { text: 'NOTE-TWO VIP customer' } });
      expect(n2.status).toBe(201);
      expect((await call(s.url, 'POST', `/api/v1/contacts/${userId}/notes`, { token: a1.token, body: { text: '   ' } })).status).toBe(422);
      const list = await call(s.url, 'GET', `/api/v1/contacts/${userId}/notes`, { token: a1.token });
      expect(list.body.notes.map((n: { text: string }) => n.text)).toEqual(['NOTE-TWO VIP customer', 'NOTE-ONE prefers e-mail']);
      const paged = await call(s.url, 'GET', `/api/v1/contacts/${userId}/notes?limit=1`, { token: admin });
      expect(paged.body.notes).toHaveLength(1);
      expect((await call(s.url, 'GET', `/api/v1/contacts/${userId}/notes?limit=1&cursor=${paged.body.nextCursor}`, { token: admin })).body.notes[0].text).toBe('NOTE-ONE prefers e-mail');

      const colleague = await call(s.url, 'DELETE', `/api/v1/contacts/${userId}/notes/${n1.body.note.id}`, { token: a2.token });
      expect(colleague.status).toBe(403);
      expect((await call(s.url, 'DELETE', `/api/v1/contacts/${userId}/notes/${n1.body.note.id}`, { token: a1.token })).status).toBe(200);
      expect((await call(s.url, 'DELETE', `/api/v1/contacts/${userId}/notes/${n1.body.note.id}`, { token: a1.token })).status).toBe(404);
      const audit = await call(s.url, 'GET', '/api/v1/audit', { token: admin });
      expect(audit.body.entries[0]).toMatchObject({ action: 'contact.note_deleted', agent: { id: a1.id } });
      expect(JSON.stringify(audit.body)).not.toContain('NOTE-ONE');
    });

    it('export includes the notes, and erasure deletes them with everything else', async () => {
      const exported = await call(s.url, 'GET', `/api/v1/contacts/${userId}/export`, { token: admin });
      expect(exported.status).toBe(200);
      expect(exported.body.notes.map((n: { text: string }) => n.text)).toEqual(['NOTE-TWO VIP customer']);
      const erased = await call(s.url, 'DELETE', `/api/v1/contacts/${userId}`, { token: admin });
      expect(erased.status).toBe(200);
      expect(erased.body.erased).toMatchObject({ notes: 1, conversations: 3 });
      expect(await rowsContaining(s, ['NOTE-TWO', 'Connie Contact', 'connie@site.test'])).toEqual([]);
      expect((await call(s.url, 'GET', `/api/v1/contacts/${userId}/notes`, { token: admin })).status).toBe(404);
    });
  });

  describe('tags by agents', () => {
    it('the owner adds and removes tags; lists filter on them; bad tags and too many are refused with a code', async () => {
      const c = await handled(a1);
      const tagUrl = `/api/v1/agent/conversations/${c.id}/tags`;
      // another desk showing the conversation (a supervisor's) hears of the change and reads it again
      const watcher = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${admin}`);
      await watcher.waitFor((e) => e.some((x) => x.type === 'ready'));
      watcher.send({ type: 'subscribe', conversationId: c.id });
      await new Promise((r) => setTimeout(r, 100)); // the subscription registered
      const add = await call(s.url, 'POST', tagUrl, { token: a1.token, body: { tag: ' billing issue ' } });
      expect(add.status).toBe(200);
      expect(add.body.tags).toContain('billing issue');
      await watcher.waitFor((e) => e.some((x) => x.type === 'queue.updated' && x.conversationId === c.id), 10_000, 'queue.updated after the tag');
      await watcher.close();
      expect((await call(s.url, 'POST', tagUrl, { token: a1.token, body: { tag: 'billing issue' } })).body.tags.filter((t: string) => t === 'billing issue')).toHaveLength(1);
      expect((await agentView(c.id, a1.token)).tags).toContain('billing issue');
      const listed = await call(s.url, 'GET', `/api/v1/agent/conversations?status=agent&tag=${encodeURIComponent('billing issue')}`, { token: a1.token });
      expect(listed.body.conversations.map((x: { id: string }) => x.id)).toEqual([c.id]);

      for (const tag of ['<b>x</b>', '', 'x'.repeat(51), 'a/b']) {
        const bad = await call(s.url, 'POST', tagUrl, { token: a1.token, body: { tag } });
        expect(bad.status, tag).toBe(422);
        expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      }
      const before = (await agentView(c.id, a1.token)).tags.length;
      for (let i = before; i < 20; i++) expect((await call(s.url, 'POST', tagUrl, { token: a1.token, body: { tag: `t${i}` } })).status).toBe(200);
      const tooMany = await call(s.url, 'POST', tagUrl, { token: a1.token, body: { tag: 'one-more' } });
      expect(tooMany.status).toBe(422);
      expect(tooMany.body.error.code).toBe('TOO_MANY_TAGS');

      const removed = await call(s.url, 'DELETE', `${tagUrl}/${encodeURIComponent('billing issue')}`, { token: a1.token });
      expect(removed.status).toBe(200);
      expect(removed.body.tags).not.toContain('billing issue');
      const gone = await call(s.url, 'GET', `/api/v1/agent/conversations?status=agent&tag=${encodeURIComponent('billing issue')}`, { token: a1.token });
      expect(gone.body.conversations).toEqual([]);
    });

    it('a colleague who never had the conversation may not tag it; a supervisor may; the agent who handled it may after close', async () => {
      const c = await handled(a1);
      const tagUrl = `/api/v1/agent/conversations/${c.id}/tags`;
      const denied = await call(s.url, 'POST', tagUrl, { token: a2.token, body: { tag: 'nope' } });
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('FORBIDDEN');
      expect((await call(s.url, 'DELETE', `${tagUrl}/nope`, { token: a2.token })).status).toBe(403);
      expect((await call(s.url, 'POST', tagUrl, { token: admin, body: { tag: 'checked' } })).status).toBe(200);
      expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/close`, { token: a1.token })).status).toBe(200);
      expect((await call(s.url, 'POST', tagUrl, { token: a1.token, body: { tag: 'wrap-up done' } })).body.tags).toEqual(expect.arrayContaining(['checked', 'wrap-up done']));
      expect((await call(s.url, 'POST', '/api/v1/agent/conversations/nope/tags', { token: admin, body: { tag: 'x' } })).status).toBe(404);
    });
  });
});

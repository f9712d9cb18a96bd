// A user who is assigned the moment they ask for a person is not told to wait first: the offloading
// "opened" dialog's waiting message is said only when the user really waits (nobody took the chat in
// the handover's transaction), after the handover request; with an agent free the user sees the
// bot's own lines and then "<agent> joined", on both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, login, messages } from '../support/http.js';
import { ASK_FOR_AGENT, openOffloading } from '../support/flows.js';
import { startOnStore, waitFor, type TestServer, type TestStore } from '../support/server.js';

const WAITING = { en: 'A live agent will join this chat', nl: 'Een medewerker komt in deze chat', fr: 'Un conseiller rejoindra cette conversation' } as const;
type Lang = keyof typeof WAITING;

describe.each(['sqlite', 'postgres'] as TestStore[])('an agent assigned at once on %s', (store) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'auto', overflowAfterSeconds: null, overflowSkill: null } });
  });
  afterAll(async () => {
    await s?.close();
  });

  const setStatus = async (status: 'online' | 'offline') => expect((await call(s.url, 'PUT', '/api/v1/agent/status', { token: admin, body: { status } })).status).toBe(200);

  /** A conversation whose user typed `texts` in turn; resolves with what the user sees once it left the bot. */
  async function ask(lang: Lang, texts: string[]) {
    const c = await createConversation(s.url, { locale: lang });
    const id = c.conversation.id as string;
    await waitFor(async () => (await messages(s.url, id, c.token)).some((m) => m.author.type === 'bot'), 10_000, 'welcome');
    let last = 0;
    for (const text of texts) {
      const sent = await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text } });
      expect(sent.status).toBe(201);
      last = sent.body.message.seq;
      await waitFor(async () => (await messages(s.url, id, c.token, last)).length > 0, 10_000, `answer to ${text}`);
    }
    const status = await waitFor(async () => {
      const conv = (await call(s.url, 'GET', `/api/v1/conversations/${id}`, { token: c.token })).body.conversation;
      return conv.status !== 'bot' ? (conv.status as string) : undefined;
    }, 10_000, 'left the bot');
    const seen = (await messages(s.url, id, c.token, last)).map((m) => ({ author: m.author.type as string, text: (m.text ?? '') as string, event: m.event as string | undefined }));
    return { id, status, seen };
  }

  it.each(['en', 'nl', 'fr'] as Lang[])('an explicit request in %s goes straight to "joined", without the waiting message', async (lang) => {
    await setStatus('online');
    const r = await ask(lang, [ASK_FOR_AGENT[lang]!]);
    expect(r.status).toBe('agent');
    expect(r.seen.some((m) => m.text.includes(WAITING[lang])), JSON.stringify(r.seen)).toBe(false);
    expect(r.seen.map((m) => m.event ?? m.author)).toEqual(['conversation.assigned']);
    expect(r.seen[0]!.text).toContain('joined');
    await call(s.url, 'POST', `/api/v1/agent/conversations/${r.id}/close`, { token: admin, body: {} });
  });

  it("the bot's own lines before the handover stay; only the waiting line goes (the address flow)", async () => {
    await setStatus('online');
    const r = await ask('en', ['I want my paper sent to a new address', 'Jane Doe', 'Kerkstraat 1, 9000 Gent', 'jane@example.com']);
    expect(r.status).toBe('agent');
    const visible = r.seen.map((m) => (m.author === 'bot' ? `bot: ${m.text}` : (m.event ?? m.author)));
    expect(visible).toEqual([expect.stringContaining('bot: Thanks Jane Doe!'), 'conversation.assigned']);
    await call(s.url, 'POST', `/api/v1/agent/conversations/${r.id}/close`, { token: admin, body: {} });
  });

  it('a user who really waits still gets the waiting message, after the handover request', async () => {
    await setStatus('offline');
    const r = await ask('nl', [ASK_FOR_AGENT.nl!]);
    expect(r.status).toBe('offloaded');
    expect(r.seen.filter((m) => m.author === 'bot').map((m) => m.text)).toEqual([expect.stringContaining(WAITING.nl)]);
    // in the agent's transcript the request comes first, then what the user was told
    const agentView = (await call(s.url, 'GET', `/api/v1/agent/conversations/${r.id}`, { token: admin })).body;
    const tail = (agentView.messages as { event?: string; author: { type: string } }[]).slice(-2).map((m) => m.event ?? m.author.type);
    expect(tail).toEqual(['conversation.offloaded', 'bot']);
  });
});

// The bot's `file` question (docs/bot-definition.md) through real HTTP on SQLite and PostgreSQL: typed
// text gets the question's retry text, a file of the wrong kind too, and a sent photo fills the
// variable with the file's URL and moves the dialog on; the definition is validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDF, PNG, upload } from '../support/files.js';
import { METER_BOT } from '../support/bot.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, waitFor, type TestServer } from '../support/server.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);


describe.each(STORES)('file questions on %s', (store) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startOnStore(store);
    admin = await login(s.url);
    const put = await call(s.url, 'PUT', '/api/v1/bots/meter', { token: admin, raw: METER_BOT, headers: { 'content-type': 'application/yaml' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    // a start and a bot upload each train the NLU: slow on a loaded machine
  }, 60_000);
  afterAll(async () => s?.close());

  it('typed text and a PDF get the retry text; a photo fills the variable with its URL and the dialog goes on', async () => {
    const c = await createConversation(s.url, { botId: 'meter', locale: 'en' });
    const id = c.conversation.id;
    const botSays = async () => (await messages(s.url, id, c.token)).filter((m) => m.author.type === 'bot').map((m) => m.text ?? '');
    await waitFor(async () => (await botSays()).includes('Please send a photo of your meter.'), 10_000, 'the question');
    const count = async () => (await botSays()).length;

    let before = await count();
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { text: 'it says 12345' } });
    await waitFor(async () => (await count()) >= before + 2, 10_000, 'the retry after text');
    expect((await botSays()).slice(-2)).toEqual(['I need a photo of the meter: tap the paperclip.', 'Please send a photo of your meter.']);

    before = await count();
    const pdf = (await upload(s.url, id, { token: c.token }, { name: 'meter.pdf', type: 'application/pdf', bytes: PDF })).body.attachment;
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { attachments: [pdf.id] } });
    await waitFor(async () => (await count()) >= before + 2, 10_000, 'the retry after a PDF');
    expect((await botSays()).at(-2)).toBe('I need a photo of the meter: tap the paperclip.');

    const photo = (await upload(s.url, id, { token: c.token }, { name: 'meter.png', type: 'image/png', bytes: PNG })).body.attachment;
    await call(s.url, 'POST', `/api/v1/conversations/${id}/messages`, { token: c.token, body: { attachments: [photo.id] } });
    await waitFor(async () => (await botSays()).some((t) => t.startsWith('Thanks, got it')), 10_000, 'the answer');
    expect((await botSays()).at(-1)).toBe(`Thanks, got it: /api/v1/attachments/${photo.id}`);
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${id}`, { token: admin });
    expect(detail.body.conversation.variables.meter_photo).toBe(`/api/v1/attachments/${photo.id}`);
  });

  it('accept belongs to file questions: elsewhere the definition is refused with its path', async () => {
    const bad = METER_BOT.replace('type: file', 'type: text');
    const r = await call(s.url, 'POST', '/api/v1/bots/validate', { token: admin, raw: bad, headers: { 'content-type': 'application/yaml' } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.error.details.problems)).toContain('dialogs.welcome.steps.0.question');
  });
});

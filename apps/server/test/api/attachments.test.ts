// Attachments through real HTTP on SQLite and PostgreSQL (DESIGN §10.6, docs/security.md
// "Attachments"): upload rules (size while streaming, the bytes decide the type, a renamed executable
// refused), who may download (the conversation's token, its agents, admins; another conversation's
// token gets 404), the download headers, messages that carry files both ways, the quota, the upload
// rate limit per conversation and caller, and signed provider links (valid, expired, tampered).
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedAttachmentUrl } from '../../src/commands/attachments.js';
import { EXE, PDF, PNG, SVG, upload } from '../support/files.js';
import { makeAgent, offloadedConversation, openOffloading } from '../support/flows.js';
import { call, createConversation, login, messages } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, type TestServer } from '../support/server.js';
import { TestSocket } from '../support/ws-client.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);
const MAX = 256 * 1024;

async function download(base: string, url: string, token?: string) {
  const res = await fetch(base + url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, json: () => JSON.parse(bytes.toString('utf8')) };
}

describe.each(STORES)('attachments over HTTP on %s', (store) => {
  let s: TestServer;
  let admin: string;
  beforeAll(async () => {
    s = await startOnStore(store, { env: { ATTACHMENT_MAX_BYTES: String(MAX), ATTACHMENT_MAX_PER_CONVERSATION: '6', RATE_LIMIT_UPLOADS_PER_MINUTE: '8' } });
    admin = await login(s.url);
    await openOffloading(s.url, admin);
  });
  afterAll(async () => s?.close());

  it('the user uploads an image and sends it; the download is the same bytes with safe headers; other tokens get 404', async () => {
    const c = await createConversation(s.url);
    const other = await createConversation(s.url);
    const up = await upload(s.url, c.conversation.id, { token: c.token }, { name: 'meter photo.png', type: 'image/png', bytes: PNG });
    expect(up.status).toBe(201);
    const a = up.body.attachment;
    expect(a).toEqual({ id: expect.any(String), name: 'meter photo.png', contentType: 'image/png', size: PNG.length, url: `/api/v1/attachments/${a.id}` });

    const got = await download(s.url, a.url, c.token);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.bytes, PNG)).toBe(0);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('content-length')).toBe(String(PNG.length));
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="meter photo.png"; filename*=UTF-8''meter%20photo.png`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toMatch(/^sandbox;/);
    expect(got.headers.get('cache-control')).toBe('private, no-store');

    // another conversation's token, no token, a made-up token
    expect((await download(s.url, a.url, other.token)).status).toBe(404);
    expect((await download(s.url, a.url, other.token)).json().error.code).toBe('ATTACHMENT_NOT_FOUND');
    expect((await download(s.url, a.url)).status).toBe(401);
    expect((await download(s.url, a.url, 'cu_madeup')).status).toBe(401);
    // and another conversation's token cannot upload here
    expect((await upload(s.url, c.conversation.id, { token: other.token }, { name: 'x.png', type: 'image/png', bytes: PNG })).status).toBe(403);

    // an attachment-only message, then a message with text and the same file again: refused (already sent)
    const sent = await call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { attachments: [a.id] } });
    expect(sent.status).toBe(201);
    expect(sent.body.message.attachments).toEqual([a]);
    expect(sent.body.message.text).toBeUndefined();
    const again = await call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { text: 'again', attachments: [a.id] } });
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe('ATTACHMENT_NOT_SENDABLE');
    // another conversation cannot send this conversation's file either
    const foreign = await upload(s.url, other.conversation.id, { token: other.token }, { name: 'y.pdf', type: 'application/pdf', bytes: PDF });
    const stolen = await call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, body: { attachments: [foreign.body.attachment.id] } });
    expect(stolen.body.error.code).toBe('ATTACHMENT_NOT_SENDABLE');
    // the transcript shows the message with its file
    const listed = (await messages(s.url, c.conversation.id, c.token)) as Array<{ id: string; attachments?: unknown }>;
    expect(listed.find((m) => m.id === sent.body.message.id)?.attachments).toEqual([a]);
  });

  it('the socket sends files too: acknowledged with them, and a file already sent is refused with the same code', async () => {
    const c = await createConversation(s.url, { locale: 'en' });
    const a = (await upload(s.url, c.conversation.id, { token: c.token }, { name: 'meter.png', type: 'image/png', bytes: PNG })).body.attachment;
    const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${c.token}`);
    try {
      sock.send({ type: 'resume', afterSeq: 0 });
      await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
      sock.send({ type: 'message.send', clientMessageId: 'f-1', message: { attachments: [a.id] } });
      const ack = await sock.waitFor((e) => e.find((x) => x.type === 'message.ack' && x.clientMessageId === 'f-1'));
      expect(ack.message.attachments).toEqual([a]);
      sock.send({ type: 'message.send', clientMessageId: 'f-2', message: { text: 'again', attachments: [a.id] } });
      const refused = await sock.waitFor((e) => e.find((x) => x.type === 'message.rejected' && x.clientMessageId === 'f-2'));
      expect(refused.error.code).toBe('ATTACHMENT_NOT_SENDABLE');
    } finally {
      await sock.close();
    }
  });

  it('a retried send with the same Idempotency-Key is the same message, its files claimed once', async () => {
    const c = await createConversation(s.url);
    const a = (await upload(s.url, c.conversation.id, { token: c.token }, { name: 'invoice.pdf', type: 'application/pdf', bytes: PDF })).body.attachment;
    const send = () => call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/messages`, { token: c.token, headers: { 'idempotency-key': 'k-att-1' }, body: { text: 'my invoice', attachments: [a.id] } });
    const first = await send();
    const second = await send();
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.message.id).toBe(first.body.message.id);
    expect(second.body.message.attachments).toEqual([a]);
  });

  it('refuses by the bytes: a renamed executable, SVG, a file over the limit (while streaming), no file field; with stable codes', async () => {
    const c = await createConversation(s.url);
    const post = (file: Parameters<typeof upload>[3]) => upload(s.url, c.conversation.id, { token: c.token }, file);
    const exe = await post({ name: 'cat.png', type: 'image/png', bytes: EXE });
    expect([exe.status, exe.body.error.code]).toEqual([415, 'ATTACHMENT_TYPE_REFUSED']);
    const svg = await post({ name: 'logo.svg', type: 'image/svg+xml', bytes: SVG });
    expect([svg.status, svg.body.error.code]).toEqual([415, 'ATTACHMENT_TYPE_REFUSED']);
    const big = await post({ name: 'big.png', type: 'image/png', bytes: Buffer.concat([PNG, Buffer.alloc(MAX)]) });
    expect([big.status, big.body.error.code]).toEqual([413, 'ATTACHMENT_TOO_LARGE']);
    const field = await post({ name: 'a.png', type: 'image/png', bytes: PNG, field: 'upload' });
    expect([field.status, field.body.error.code]).toEqual([400, 'ATTACHMENT_MISSING']);
    const json = await call(s.url, 'POST', `/api/v1/conversations/${c.conversation.id}/attachments`, { token: c.token, body: { file: 'x' } });
    expect(json.status).toBe(415);
    // a claimed type loses to the bytes: a PNG claimed as PDF and named .pdf is an image named .pdf.png
    const png = await post({ name: 'scan.pdf', type: 'application/pdf', bytes: PNG });
    expect(png.body.attachment).toMatchObject({ contentType: 'image/png', name: 'scan.pdf.png' });
  });

  it('stops reading a body that streams past the limit without a Content-Length', async () => {
    const c = await createConversation(s.url);
    const boundary = 'xBOUNDARYx';
    let written = 0;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/api/v1/conversations/${c.conversation.id}/attachments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${c.token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`);
      req.write(PNG);
      // keep sending: the server answers once it has read one byte past the limit
      const chunk = Buffer.alloc(16 * 1024, 1);
      const pump = () => {
        while (written < MAX * 8) {
          written += chunk.length;
          if (!req.write(chunk)) return req.once('drain', pump);
        }
        req.end(`\r\n--${boundary}--\r\n`);
      };
      pump();
    });
    expect(status).toBe(413);
  });

  it('the owning agent uploads and sends a PDF; the user downloads it; agents who may view it and admins download too; a plain agent who may not gets 404', async () => {
    const c = await offloadedConversation(s.url);
    const owner = await makeAgent(s.url, admin);
    const stranger = await makeAgent(s.url, admin, { skills: ['billing'], online: false });
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/accept`, { token: owner.token })).status).toBe(200);
    // only the owner uploads as an agent
    expect((await upload(s.url, c.id, { token: stranger.token }, { name: 'a.pdf', type: 'application/pdf', bytes: PDF })).body.error.code).toBe('NOT_OWNER');
    const up = await upload(s.url, c.id, { token: owner.token }, { name: 'invoice.pdf', type: 'application/pdf', bytes: PDF });
    expect(up.status).toBe(201);
    const a = up.body.attachment;
    // before it is sent, the user cannot fetch the agent's file
    expect((await download(s.url, a.url, c.token)).status).toBe(404);
    const sent = await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: owner.token, body: { text: 'Your invoice', attachments: [a.id] } });
    expect(sent.status).toBe(201);
    expect(sent.body.message.attachments).toEqual([a]);
    const got = await download(s.url, a.url, c.token);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.bytes, PDF)).toBe(0);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment; filename="invoice.pdf"/);
    expect((await download(s.url, a.url, owner.token)).status).toBe(200);
    expect((await download(s.url, a.url, admin)).status).toBe(200);
    expect((await download(s.url, a.url, stranger.token)).status).toBe(404);
    // an internal note's file never reaches the user
    const note = (await upload(s.url, c.id, { token: owner.token }, { name: 'note.pdf', type: 'application/pdf', bytes: PDF })).body.attachment;
    expect((await call(s.url, 'POST', `/api/v1/agent/conversations/${c.id}/messages`, { token: owner.token, body: { internal: true, attachments: [note.id] } })).status).toBe(201);
    expect((await download(s.url, note.url, c.token)).status).toBe(404);
    expect((await download(s.url, note.url, admin)).status).toBe(200);
    // the user's file is in the agent's transcript
    const userFile = (await upload(s.url, c.id, { token: c.token }, { name: 'reply.txt', type: 'text/plain', bytes: Buffer.from('here it is') })).body.attachment;
    await call(s.url, 'POST', `/api/v1/conversations/${c.id}/messages`, { token: c.token, body: { text: 'see file', attachments: [userFile.id] } });
    const detail = await call(s.url, 'GET', `/api/v1/agent/conversations/${c.id}`, { token: owner.token });
    expect(detail.body.messages.find((m: { text?: string }) => m.text === 'see file').attachments).toEqual([userFile]);
    const text = await download(s.url, userFile.url, owner.token);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.headers.get('content-disposition')).toMatch(/^attachment; filename="reply.txt"/);
  });

  it('a conversation holds at most ATTACHMENT_MAX_PER_CONVERSATION files; uploads are rate limited per conversation and caller', async () => {
    const c = await createConversation(s.url);
    const codes: string[] = [];
    for (let i = 0; i < 9; i++) {
      const r = await upload(s.url, c.conversation.id, { token: c.token }, { name: `p${i}.png`, type: 'image/png', bytes: PNG });
      codes.push(r.status === 201 ? '201' : `${r.status} ${r.body.error.code}`);
    }
    expect(codes).toEqual(['201', '201', '201', '201', '201', '201', '409 ATTACHMENT_QUOTA_EXCEEDED', '409 ATTACHMENT_QUOTA_EXCEEDED', '429 RATE_LIMITED']);
    // a caller without the token has a bucket of its own: the user's is not spent by it, nor the other way round
    const d = await createConversation(s.url);
    for (let i = 0; i < 9; i++) await upload(s.url, d.conversation.id, { token: 'cu_attacker' }, { name: 'p.png', type: 'image/png', bytes: PNG });
    expect((await upload(s.url, d.conversation.id, { token: d.token }, { name: 'p.png', type: 'image/png', bytes: PNG })).status).toBe(201);
  });

  it('signed links: valid without a token until they expire; a tampered or expired one is 403 ATTACHMENT_LINK_INVALID', async () => {
    const c = await createConversation(s.url);
    const a = (await upload(s.url, c.conversation.id, { token: c.token }, { name: 'invoice.pdf', type: 'application/pdf', bytes: PDF })).body.attachment;
    const deps = s.baton.deps;
    const { url } = signedAttachmentUrl(deps, a.id);
    const path = new URL(url).pathname + new URL(url).search;
    const ok = await download(s.url, path);
    expect(ok.status).toBe(200);
    expect(Buffer.compare(ok.bytes, PDF)).toBe(0);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    const tampered = path.replace(/signature=([0-9a-f])/, (_m, ch: string) => `signature=${ch === '0' ? '1' : '0'}`);
    expect((await download(s.url, tampered)).json().error.code).toBe('ATTACHMENT_LINK_INVALID');
    // the same signature for a later expiry, or for another file
    const later = path.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 60}`);
    expect((await download(s.url, later)).status).toBe(403);
    const b = (await upload(s.url, c.conversation.id, { token: c.token }, { name: 'b.pdf', type: 'application/pdf', bytes: PDF })).body.attachment;
    expect((await download(s.url, path.replace(a.id, b.id))).status).toBe(403);
    const expired = signedAttachmentUrl(deps, a.id, Date.now() - (deps.config.ATTACHMENT_LINK_TTL_SECONDS + 5) * 1000).url;
    const gone = await download(s.url, new URL(expired).pathname + new URL(expired).search);
    expect([gone.status, gone.json().error.code]).toEqual([403, 'ATTACHMENT_LINK_INVALID']);
  });
});

describe('attachments at the default limit (SQLite)', () => {
  let s: TestServer;
  beforeAll(async () => {
    // a one-line bot instead of the demo's: its training makes a start slow on a loaded machine
    s = await startOnStore('sqlite', { env: { DEMO_BOT: 'false' } });
    const system = (n: string) => `  ${n}:\n    steps: [{ message: { text: { en: "${n}" } } }]\n`;
    const bot = `id: tiny\nname: Tiny\ndefaultLanguage: en\nlanguages: [en]\ndialogs:\n${['welcome', 'not_understood', 'offloading_disabled', 'offloading_closed', 'offloading_opened'].map(system).join('')}`;
    const put = await call(s.url, 'PUT', '/api/v1/bots/tiny', { token: await login(s.url), raw: bot, headers: { 'content-type': 'application/yaml' } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }, 60_000);
  afterAll(async () => s?.close());

  it('takes a file larger than the 1 MB JSON body limit and streams it back in pieces, byte for byte', async () => {
    const c = await createConversation(s.url, { botId: 'tiny' });
    // 3 MB of varied bytes behind a PNG signature: several download pieces, none alike
    const tail = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < tail.length; i++) tail[i] = (i * 7 + (i >> 12)) & 0xff;
    const big = Buffer.concat([PNG, tail]);
    const up = await upload(s.url, c.conversation.id, { token: c.token }, { name: 'big.png', type: 'image/png', bytes: big });
    expect(up.status).toBe(201);
    const got = await download(s.url, up.body.attachment.url, c.token);
    expect(got.headers.get('content-length')).toBe(String(big.length));
    expect(Buffer.compare(got.bytes, big)).toBe(0);
    // megabytes through a shared, loaded machine: a generous guard against a hang, not a speed check
  }, 60_000);
});

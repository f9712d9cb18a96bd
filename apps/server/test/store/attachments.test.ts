// The attachments' storage core (commands/attachments.ts) on SQLite and PostgreSQL: what other code
// (channel media, providers) calls. Sniffing decides the type, limits hold, the bytes come back
// exactly, SQLite's writer thread copies them in, and retention and erasure leave none behind.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAttachment, saveAttachment, sniffAttachment, safeName } from '../../src/commands/attachments.js';
import { deleteConversations } from '../../src/store/retention.js';
import { DOCX, EXE, ODT, PDF, PNG, SVG, ZIP } from '../support/files.js';
import { createConversation } from '../support/http.js';
import { postgresAvailable } from '../support/postgres.js';
import { startOnStore, waitFor, type TestServer } from '../support/server.js';
import { findConversation } from '../../src/store/conversations.js';

const pgOk = await postgresAvailable();
const STORES = (['sqlite', 'postgres'] as const).filter((s) => s === 'sqlite' || pgOk);

describe('sniffing (no store)', () => {
  it('the bytes decide: images, PDF, office documents and UTF-8 text pass; executables, SVG, markup, binary and plain ZIPs are refused', async () => {
    expect(await sniffAttachment(PNG)).toBe('image/png');
    expect(await sniffAttachment(PDF)).toBe('application/pdf');
    expect(await sniffAttachment(DOCX)).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(await sniffAttachment(ODT)).toBe('application/vnd.oasis.opendocument.text');
    expect(await sniffAttachment(Buffer.from('Meter reading: 12345 kWh\nthanks — José'))).toBe('text/plain');
    for (const bad of [EXE, SVG, ZIP, Buffer.from('<!DOCTYPE html><script>x</script>'), Buffer.from('abc\0def'), Buffer.from([0xff, 0xfe, 0xfd, 0x41]), Buffer.alloc(0)]) {
      await expect(sniffAttachment(bad)).rejects.toMatchObject({ code: 'ATTACHMENT_TYPE_REFUSED' });
    }
  });

  it('names lose their path and control characters, and carry the extension of the sniffed type', () => {
    expect(safeName('../../etc/passwd', 'text/plain')).toBe('passwd.txt');
    expect(safeName('C:\\Users\\me\\invoice.pdf', 'application/pdf')).toBe('invoice.pdf');
    expect(safeName('page.html', 'text/plain')).toBe('page.html.txt');
    expect(safeName('evil.exe', 'image/png')).toBe('evil.exe.png');
    expect(safeName('a"b\r\n.png', 'image/png')).toBe('ab.png');
    expect(safeName('...', 'image/jpeg')).toBe('file.jpg');
  });
});

describe.each(STORES)('attachments storage core on %s', (store) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startOnStore(store, { env: { ATTACHMENT_MAX_BYTES: String(64 * 1024), ATTACHMENT_MAX_PER_CONVERSATION: '3' } });
  });
  afterAll(async () => s?.close());

  it('saves a file and reads back the same bytes, type, size and hash; SQLite copies the bytes in on its writer thread', async () => {
    const deps = s.baton.deps;
    const big = Buffer.concat([PNG, Buffer.alloc(40_000, 7)]);
    // the batch holding only the upload goes to the writer thread (a statement outside the main
    // connection's transaction) — unless a background job (the bot's welcome, the analytics fold, a
    // timer) joined that batch and sent it down the transaction path: then another upload is measured
    const upload = async () => {
      const { conversation } = await createConversation(s.url);
      await waitFor(async () => (await findConversation(deps.store.db, conversation.id))?.bot_version);
      const aloneBefore = deps.store.write.stats.alone;
      const view = await saveAttachment(deps, { conversationId: conversation.id, name: 'meter.png', bytes: big, claimedType: 'application/octet-stream', by: 'user' });
      return { conversation, view, byWriter: store !== 'sqlite' || deps.store.write.stats.alone === aloneBefore + 1 };
    };
    let tried = await upload();
    for (let attempt = 1; attempt < 3 && !tried.byWriter; attempt++) tried = await upload();
    expect(tried.byWriter).toBe(true);
    const { conversation, view } = tried;
    expect(view).toMatchObject({ name: 'meter.png', contentType: 'image/png', size: big.length, url: `/api/v1/attachments/${view.id}` });
    const { meta, bytes } = await readAttachment(deps, view.id);
    expect(Buffer.compare(bytes, big)).toBe(0);
    expect(meta).toMatchObject({ conversationId: conversation.id, messageId: null, contentType: 'image/png', size: big.length, uploadedBy: 'user' });
    expect(meta.sha256).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('refuses what is too large, of a refused type, for an unknown conversation, or past the quota, with stable codes', async () => {
    const { conversation } = await createConversation(s.url);
    const deps = s.baton.deps;
    const save = (bytes: Buffer, conversationId = conversation.id) => saveAttachment(deps, { conversationId, name: 'x.png', bytes, by: 'user' });
    await expect(save(Buffer.concat([PNG, Buffer.alloc(64 * 1024)]))).rejects.toMatchObject({ code: 'ATTACHMENT_TOO_LARGE', status: 413 });
    await expect(save(EXE)).rejects.toMatchObject({ code: 'ATTACHMENT_TYPE_REFUSED', status: 415 });
    await expect(save(PNG, 'no-such-conversation')).rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
    for (let i = 0; i < 3; i++) await save(PNG);
    await expect(save(PNG)).rejects.toMatchObject({ code: 'ATTACHMENT_QUOTA_EXCEEDED', status: 409 });
    await expect(readAttachment(deps, 'no-such-file')).rejects.toMatchObject({ code: 'ATTACHMENT_NOT_FOUND' });
  });

  it('deleting a conversation (retention, erasure) deletes its files', async () => {
    const { conversation } = await createConversation(s.url);
    const deps = s.baton.deps;
    const view = await saveAttachment(deps, { conversationId: conversation.id, name: 'invoice.pdf', bytes: PDF, by: { agentId: 'a1' } });
    await deps.store.write.run((tx) => deleteConversations(tx, [conversation.id]));
    await expect(readAttachment(deps, view.id)).rejects.toMatchObject({ code: 'ATTACHMENT_NOT_FOUND' });
    const left = await deps.store.db.selectFrom('attachments').select('id').where('conversation_id', '=', conversation.id).execute();
    expect(left).toEqual([]);
  });
});

// Channel media end to end against the simulators, on both stores (docs/channels.md "Media"): for
// WhatsApp, Telegram, Messenger and Twilio MMS, a user's picture is downloaded the way the service
// documents it and reaches the agent as an attachment with the same bytes (a 429 with Retry-After and
// a 500 first: retried, not sooner than asked, stored once); a download that keeps failing is tried
// MEDIA_MAX_ATTEMPTS times and then reported to the agent; a refused type is reported; an agent's
// attachment reaches the service as its own media message. E-mail: an agent's attachment is a MIME
// attachment, and a bot turn of several messages is one mail.
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailgunSimulator, type MailgunSimulator } from '../../../../tools/simulators/mailgun.js';
import { startMessengerSimulator, type MessengerSimulator } from '../../../../tools/simulators/messenger.js';
import { startTelegramSimulator, type TelegramSimulator } from '../../../../tools/simulators/telegram.js';
import { startTwilioSmsSimulator, type TwilioSmsSimulator } from '../../../../tools/simulators/twilio-sms.js';
import { startWhatsAppSimulator, type WhatsAppSimulator } from '../../../../tools/simulators/whatsapp.js';
import { MEDIA_MAX_ATTEMPTS, splitFiles } from '../../src/channels/media.js';
import { mediaKind as messengerKind } from '../../src/channels/messenger/outbound.js';
import { mmsSplit } from '../../src/channels/sms-twilio/outbound.js';
import { mediaKind as telegramKind } from '../../src/channels/telegram/outbound.js';
import { mediaKind as whatsappKind } from '../../src/channels/whatsapp/outbound.js';
import { readAttachment } from '../../src/commands/attachments.js';
import { METER_BOT } from '../support/bot.js';
import { EXE, PDF, PNG, upload } from '../support/files.js';
import { makeAgent, openOffloading } from '../support/flows.js';
import { call, login } from '../support/http.js';
import { freePort } from '../support/process.js';
import { TestSocket } from '../support/ws-client.js';
import { startOnStore, TestClock, waitFor, type TestServer, type TestStore } from '../support/server.js';

const STORES: TestStore[] = ['sqlite', 'postgres'];
const WA = { phoneNumberId: '106540352242922', accessToken: 'EAAG-sim-access-token', appSecret: 'whatsapp-app-secret-0123456789', verifyToken: 'verify-me-0123' };
const TG = { botToken: '123456789:AAH-sim_token', secretToken: 'tg-secret-token-0123456789' };
const FB = { pageId: '104518332398541', pageAccessToken: 'EAAB-sim-page-token', appId: '1234567890123456', appSecret: 'messenger-app-secret-0123456789', verifyToken: 'verify-me-0123' };
const TW = { accountSid: `AC${'1a'.repeat(16)}`, authToken: 'twilio-auth-token-0123456789abcdef', number: '+15005550006' };
const SMTP = { user: 'postmaster@support.example.com', password: 'smtp-password-0123' };

/** what the tests need of one channel type and its simulator */
interface Rig {
  id: string;
  /** the service's id for a new user (each test its own, so conversations do not meet) */
  user(n: number): string;
  sendPicture(user: string, bytes: Buffer): Promise<unknown>;
  sendFile(user: string, bytes: Buffer, contentType: string, name: string): Promise<unknown>;
  say(user: string, text: string): Promise<unknown>;
  failMedia(count: number, o: { status: number; retryAfterSeconds?: number }): void;
  downloads(): number;
  /** the bytes of the media message the service got for `user` (fetched or uploaded), once it has */
  outboundMedia(user: string): Promise<Buffer | undefined>;
}


const turnBot = {
  name: 'Turns',
  defaultLanguage: 'en',
  languages: ['en'],
  nlu: { threshold: 0.5 },
  intents: {},
  dialogs: {
    welcome: { steps: [{ message: { text: 'First line of the turn.' } }, { message: { text: 'Second line.', buttons: [{ title: 'Yes', goto: 'yes' }, { title: 'No', goto: 'yes' }] } }, { message: { text: 'Third line.' } }] },
    yes: { steps: [{ message: { text: 'Fine.' } }] },
    // anything typed hands over: the e-mail attachment test needs an agent
    not_understood: { steps: [{ message: { text: 'Sorry?' } }, { offload: { skill: 'general', reason: 'not understood', trigger: 'not_understood' } }] },
    offloading_disabled: { steps: [{ message: { text: 'off' } }] },
    offloading_closed: { steps: [{ message: { text: 'closed' } }] },
    offloading_opened: { steps: [{ message: { text: 'Passing you on.' } }] },
  },
};

describe('what each service takes as a media message (the rest goes as a link in the text)', () => {
  const MB = 1024 * 1024;
  const file = (contentType: string, size: number, name = 'f') => ({ id: name, name, contentType, size, url: `https://baton.example.com/api/v1/attachments/${name}/signed?expires=1&signature=x` });
  const message = (files: ReturnType<typeof file>[]) => ({ id: 'm', conversationId: 'c', seq: 1, author: { type: 'agent' as const }, text: 'Here', attachments: files, createdAt: '2026-12-07T10:00:00Z' });

  it('follows each service’s types and size limits', () => {
    expect(whatsappKind({ contentType: 'image/png', size: 5 * MB })).toBe('image');
    expect(whatsappKind({ contentType: 'image/png', size: 5 * MB + 1 })).toBeUndefined();
    expect(whatsappKind({ contentType: 'image/gif', size: 10 })).toBeUndefined();
    expect(whatsappKind({ contentType: 'application/pdf', size: 20 * MB })).toBe('document');
    expect(whatsappKind({ contentType: 'application/vnd.oasis.opendocument.text', size: 10 })).toBeUndefined();
    expect(telegramKind({ contentType: 'image/jpeg', size: 10 * MB })).toBe('photo');
    expect(telegramKind({ contentType: 'image/jpeg', size: 10 * MB + 1 })).toBe('document');
    expect(telegramKind({ contentType: 'application/pdf', size: 50 * MB + 1 })).toBeUndefined();
    expect(messengerKind({ contentType: 'image/webp', size: 8 * MB })).toBe('image');
    expect(messengerKind({ contentType: 'image/webp', size: 9 * MB })).toBe('file');
    expect(messengerKind({ contentType: 'text/plain', size: 26 * MB })).toBeUndefined();
  });

  it('puts the files a service cannot take as links under the text', () => {
    const { message: m, media } = splitFiles(message([file('image/png', 100, 'a.png'), file('image/gif', 100, 'b.gif')]), whatsappKind);
    expect(media.map((x) => x.file.name)).toEqual(['a.png']);
    expect(m.text).toBe('Here\nb.gif: https://baton.example.com/api/v1/attachments/b.gif/signed?expires=1&signature=x');
    // Twilio: pictures within 10 files and 5 MB in all go as one MMS, unless the number cannot send MMS
    const many = message([file('image/png', 3 * MB, 'a.png'), file('image/jpeg', 3 * MB, 'b.jpg'), file('application/pdf', 10, 'c.pdf')]);
    const mms = mmsSplit(many, {});
    expect(mms.mediaUrls).toHaveLength(1);
    expect(mms.message.text).toMatch(/b\.jpg: .*\nc\.pdf: /);
    const none = mmsSplit(many, { mms: false });
    expect(none.mediaUrls).toEqual([]);
    expect(none.message.text!.split('\n')).toHaveLength(4);
  });
});

describe.each(STORES)('channel media on %s', (store) => {
  let s: TestServer;
  let admin: string;
  let wa: WhatsAppSimulator;
  let tg: TelegramSimulator;
  let fb: MessengerSimulator;
  let tw: TwilioSmsSimulator;
  let mail: MailgunSimulator;
  const clock = new TestClock(Date.parse('2026-12-07T10:00:00Z'));
  const rigs: Rig[] = [];

  beforeAll(async () => {
    // signed attachment links name the server's public address: the simulators fetch them
    const port = await freePort();
    s = await startOnStore(store, { clock, port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, PORT: String(port) } });
    admin = await login(s.url);
    await openOffloading(s.url, admin, { routing: { mode: 'broadcast', overflowAfterSeconds: null, overflowSkill: null } });
    wa = await startWhatsAppSimulator({ ...WA, webhookUrl: `${s.url}/api/v1/channels/wa/whatsapp`, now: () => clock.now() });
    tg = await startTelegramSimulator({ botToken: TG.botToken, allowInsecureWebhook: true });
    fb = await startMessengerSimulator({ ...FB, webhookUrl: `${s.url}/api/v1/channels/fb/messenger`, now: () => clock.now() });
    tw = await startTwilioSmsSimulator({ accountSid: TW.accountSid, authToken: TW.authToken, numbers: [TW.number], webhookUrl: `${s.url}/api/v1/channels/sms/sms-twilio` });
    mail = await startMailgunSimulator({ signingKey: 'key-mailgun-signing-0123456789', routeUrl: `${s.url}/api/v1/channels/mail/email/mime`, recipient: 'support@support.example.com', smtp: SMTP, now: () => clock.now() });
    const create = async (body: Record<string, unknown>) => expect((await call(s.url, 'POST', '/api/v1/channels', { token: admin, body: { enabled: true, ...body } })).status).toBe(201);
    await create({ id: 'wa', type: 'whatsapp', name: 'WhatsApp', config: { ...WA, graphApiUrl: wa.graphApiUrl } });
    await create({ id: 'tg', type: 'telegram', name: 'Telegram', config: { ...TG, apiBaseUrl: tg.url } });
    expect((await call(s.url, 'POST', '/api/v1/channels/tg/test', { token: admin })).body.ok).toBe(true);
    await create({ id: 'fb', type: 'messenger', name: 'Messenger', config: { ...FB, graphApiUrl: fb.graphApiUrl } });
    await create({ id: 'sms', type: 'sms-twilio', name: 'SMS', config: { accountSid: TW.accountSid, authToken: TW.authToken, from: TW.number, apiBaseUrl: tw.apiBaseUrl, publicUrl: s.url } });
    expect((await call(s.url, 'PUT', '/api/v1/bots/turns', { token: admin, body: turnBot })).status).toBe(200);
    await create({ id: 'mail', type: 'email', name: 'E-mail', botId: 'turns', config: { from: 'Acme Support <support@support.example.com>', smtpUrl: mail.smtpUrl, smtpPassword: SMTP.password, webhookSigningSecret: 'key-mailgun-signing-0123456789' } });

    const delivered = async (p: Promise<{ delivered?: boolean; statuses?: number[] }>) => {
      const d = await p;
      expect(d.statuses?.at(-1)).toBe(200);
    };
    rigs.push(
      {
        id: 'wa',
        user: (n) => `3247000${String(n).padStart(4, '0')}`,
        sendPicture: (u, bytes) => delivered(wa.userSendsMedia(u, 'image', bytes, 'image/jpeg').delivery),
        sendFile: (u, bytes, type, name) => delivered(wa.userSendsMedia(u, 'document', bytes, type, { filename: name }).delivery),
        say: (u, text) => delivered(wa.userSays(u, text).delivery),
        failMedia: (c, o) => wa.failMediaNext(c, o),
        downloads: () => wa.mediaDownloads(),
        outboundMedia: async (u) => {
          await wa.mediaFetched();
          return wa.sent.find((m) => m.to === u && m.type === 'image' && m.media)?.media?.bytes;
        },
      },
      {
        id: 'tg',
        user: (n) => String(5_000_000 + n),
        sendPicture: (u, bytes) => delivered(tg.userSendsPhoto(Number(u), bytes).delivery),
        sendFile: (u, bytes, type, name) => delivered(tg.userSendsDocument(Number(u), bytes, type, name).delivery),
        say: (u, text) => delivered(tg.userSays(Number(u), text).delivery),
        failMedia: (c, o) => tg.failMediaNext(c, o),
        downloads: () => tg.mediaDownloads(),
        outboundMedia: async (u) => tg.sent.find((m) => m.chat.id === Number(u) && m.file?.kind === 'photo')?.file?.bytes,
      },
      {
        id: 'fb',
        user: (n) => `psid-media-${n}`,
        sendPicture: (u, bytes) => delivered(fb.userSendsMedia(u, 'image', bytes, 'image/jpeg').delivery),
        sendFile: (u, bytes, type) => delivered(fb.userSendsMedia(u, 'file', bytes, type).delivery),
        say: (u, text) => delivered(fb.userSays(u, text).delivery),
        failMedia: (c, o) => fb.failMediaNext(c, o),
        downloads: () => fb.mediaDownloads(),
        outboundMedia: async (u) => fb.sent.find((m) => m.to === u && m.media?.type === 'image')?.media?.bytes,
      },
      {
        id: 'sms',
        user: (n) => `+3247100${String(n).padStart(4, '0')}`,
        sendPicture: (u, bytes) => delivered(tw.userSendsMedia(u, TW.number, '', [{ bytes, contentType: 'image/jpeg' }]).delivery),
        sendFile: (u, bytes, type) => delivered(tw.userSendsMedia(u, TW.number, '', [{ bytes, contentType: type }]).delivery),
        say: (u, text) => delivered(tw.userSends(u, TW.number, text).delivery),
        failMedia: (c, o) => tw.failMediaNext(c, o),
        downloads: () => tw.mediaDownloads(),
        outboundMedia: async (u) => {
          await tw.mediaFetched();
          return tw.sent.find((m) => m.to === u && m.mediaUrls.length && m.media)?.media?.[0]?.bytes;
        },
      },
    );
  });
  afterAll(async () => {
    await wa?.close();
    await tg?.close();
    await fb?.close();
    await tw?.close();
    await mail?.close();
    await s?.close();
  });

  const conversationOf = async (channel: string, user: string) =>
    (await s.baton.deps.store.db.selectFrom('conversations').innerJoin('end_users', 'end_users.id', 'conversations.end_user_id').select('conversations.id').where('end_users.verified_id', '=', `channel:${channel}:${user}`).executeTakeFirst())?.id;
  const userFiles = async (conversationId: string) => {
    const rows = await s.baton.deps.store.db.selectFrom('messages').select('body').where('conversation_id', '=', conversationId).where('author_type', '=', 'user').orderBy('seq').execute();
    return rows.flatMap((r) => ((r.body ? JSON.parse(r.body) : {}) as { attachments?: Array<{ id: string; contentType: string }> }).attachments ?? []);
  };
  const mediaLines = async (conversationId: string) =>
    (await s.baton.deps.store.db.selectFrom('messages').select('text').where('conversation_id', '=', conversationId).where('event', '=', 'channel.media_failed').orderBy('seq').execute()).map((m) => m.text ?? '');
  const attachmentRows = async (conversationId: string) => Number((await s.baton.deps.store.db.selectFrom('attachments').select((eb) => eb.fn.countAll().as('n')).where('conversation_id', '=', conversationId).executeTakeFirstOrThrow()).n);
  /** runs the outbox once the clock has passed `ms` (retries wait on the injected clock) */
  const later = async (ms: number) => {
    clock.advance(ms);
    await s.baton.outbox.runOnce();
  };

  for (const id of ['wa', 'tg', 'fb', 'sms']) {
    describe(id, () => {
      const rig = () => rigs.find((r) => r.id === id)!;

      it('a user picture reaches the agent as an attachment: a 429 waits its Retry-After, a 500 is retried, the file is stored once', async () => {
        const r = rig();
        const user = r.user(1);
        const before = r.downloads();
        r.failMedia(1, { status: 429, retryAfterSeconds: 30 });
        r.failMedia(1, { status: 500 });
        await r.sendPicture(user, PNG);
        const conversationId = (await waitFor(() => conversationOf(id, user), 10_000, 'the conversation'))!;
        // the message is there at once, with what the service said it is, before any download
        const placeholder = await s.baton.deps.store.db.selectFrom('messages').select('text').where('conversation_id', '=', conversationId).where('author_type', '=', 'user').executeTakeFirstOrThrow();
        expect(placeholder.text).toMatch(/^\[image\//);
        // an agent's socket that has the message gets it again, in its place, once the file is attached
        const sock = await TestSocket.open(`${s.wsUrl}/api/v1/ws?token=${admin}`);
        await sock.waitFor((e) => e.some((x) => x.type === 'ready'));
        sock.send({ type: 'subscribe', conversationId });
        sock.send({ type: 'resume', afterSeq: 0, conversationId });
        await sock.waitFor((e) => e.some((x) => x.type === 'message.created' && x.message.author.type === 'user'), 10_000, 'the placeholder on the socket');
        await waitFor(async () => {
          await s.baton.outbox.runOnce();
          return r.downloads() - before === 1;
        }, 10_000, 'the first download (429)');
        // not again before the Retry-After has passed
        await later(20_000);
        expect(r.downloads() - before).toBe(1);
        await later(11_000);
        await waitFor(() => r.downloads() - before === 2, 10_000, 'the second download (500)');
        await later(60_000);
        const files = await waitFor(async () => {
          await s.baton.outbox.runOnce();
          const f = await userFiles(conversationId);
          return f.length ? f : undefined;
        }, 10_000, 'the attachment on the user message');
        expect(r.downloads() - before).toBe(3);
        expect(files).toHaveLength(1);
        expect(files[0]!.contentType).toBe('image/png');
        const stored = await readAttachment(s.baton.deps, files[0]!.id);
        expect(Buffer.compare(stored.bytes, PNG)).toBe(0);
        // the agent's view shows it on the user's message
        const view = (await call(s.url, 'GET', `/api/v1/agent/conversations/${conversationId}`, { token: admin })).body;
        const withFile = view.messages.find((m: { author: { type: string }; attachments?: unknown[] }) => m.author.type === 'user' && m.attachments?.length);
        expect(withFile.attachments[0]).toMatchObject({ id: files[0]!.id, contentType: 'image/png', size: PNG.length });
        const live = await sock.waitFor((e) => e.find((x) => x.type === 'message.created' && x.updated === true), 10_000, 'the updated message on the socket');
        expect(live.message).toMatchObject({ id: withFile.id, seq: withFile.seq, attachments: [{ id: files[0]!.id }] });
        sock.ws.close();
        // done: more runs fetch nothing more
        await later(60_000);
        expect(r.downloads() - before).toBe(3);
        expect(await attachmentRows(conversationId)).toBe(1);
        expect(await mediaLines(conversationId)).toEqual([]);
      });

      it('a download failing every time is retried, then reported to the agent; a refused type is reported', async () => {
        const r = rig();
        const user = r.user(2);
        const before = r.downloads();
        r.failMedia(MEDIA_MAX_ATTEMPTS, { status: 500 });
        await r.sendPicture(user, PNG);
        const conversationId = (await waitFor(() => conversationOf(id, user), 10_000, 'the conversation'))!;
        const lines = await waitFor(async () => {
          await later(60_000);
          const l = await mediaLines(conversationId);
          return l.length ? l : undefined;
        }, 20_000, 'the system line');
        expect(r.downloads() - before).toBe(MEDIA_MAX_ATTEMPTS);
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^The user sent a file that could not be downloaded \(image\/[a-z*]+/);
        expect(await attachmentRows(conversationId)).toBe(0);
        // the line is the agent's: never sent to the user
        const internal = await s.baton.deps.store.db.selectFrom('messages').select('internal').where('conversation_id', '=', conversationId).where('event', '=', 'channel.media_failed').executeTakeFirstOrThrow();
        expect(Boolean(internal.internal)).toBe(true);

        await r.sendFile(user, EXE, 'application/pdf', 'invoice.pdf');
        const refused = await waitFor(async () => {
          await later(1000);
          const l = await mediaLines(conversationId);
          return l.length === 2 ? l[1] : undefined;
        }, 20_000, 'the refusal line');
        expect(refused).toMatch(/^The user sent a file that was not kept \(.*\): Files of type application\/x-msdownload are not accepted/);
        expect(await attachmentRows(conversationId)).toBe(0);
      });

      it('an agent’s attachment reaches the service as its media message', async () => {
        const r = rig();
        const user = r.user(3);
        await r.say(user, 'I want to speak to a real agent');
        const conversationId = (await waitFor(() => conversationOf(id, user), 10_000, 'the conversation'))!;
        const agent = await makeAgent(s.url, admin, { skills: ['general'] });
        await waitFor(async () => {
          await s.baton.outbox.runOnce();
          return (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200;
        }, 10_000, 'accept');
        const up = await upload(s.url, conversationId, { token: agent.token }, { name: 'meter.png', type: 'image/png', bytes: PNG });
        expect(up.status).toBe(201);
        const sent = await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: agent.token, body: { text: 'Here is the picture', attachments: [up.body.attachment.id] } });
        expect(sent.status).toBe(201);
        const bytes = await waitFor(async () => {
          await s.baton.outbox.runOnce();
          return r.outboundMedia(user);
        }, 10_000, 'the media message at the service');
        expect(Buffer.compare(bytes, PNG)).toBe(0);
      });
    });
  }

  it('a bot’s file question is answered by a picture sent on a channel: the bot waits for the download', async () => {
    expect((await call(s.url, 'PUT', '/api/v1/bots/meter', { token: admin, raw: METER_BOT, headers: { 'content-type': 'application/yaml' } })).status).toBe(200);
    expect((await call(s.url, 'PATCH', '/api/v1/channels/fb', { token: admin, body: { botId: 'meter' } })).status).toBe(200);
    try {
      const user = 'psid-meter-1';
      fb.failMediaNext(1, { status: 500 });
      await fb.userSendsMedia(user, 'image', PNG, 'image/jpeg').delivery;
      const texts = () => fb.sent.filter((m) => m.to === user).map((m) => m.text);
      await waitFor(async () => {
        await later(60_000);
        return texts().some((t) => t.startsWith('Thanks, got it: /api/v1/attachments/'));
      }, 20_000, 'the answer to the file question');
      // the question, then its answer: the placeholder was never taken for a wrong answer
      expect(texts()).toEqual(['Please send a photo of your meter.', expect.stringMatching(/^Thanks, got it: \/api\/v1\/attachments\/\w+/)]);
    } finally {
      await call(s.url, 'PATCH', '/api/v1/channels/fb', { token: admin, body: { botId: null } });
    }
  });

  it('the simulators refuse outbound media as the services do', async () => {
    const graph = (body: unknown) => fetch(`${wa.graphApiUrl}/${WA.phoneNumberId}/messages`, { method: 'POST', headers: { Authorization: `Bearer ${WA.accessToken}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ messaging_product: 'whatsapp', to: '32470009999', ...(body as object) }) });
    const link = 'https://example.invalid/meter.png';
    for (const bad of [{ type: 'image', image: {} }, { type: 'image', image: { id: 'x', link } }, { type: 'photo', photo: { link } }, { type: 'image', image: { link, filename: 'a.png' } }, { type: 'image', image: { url: link } }]) {
      const r = await graph(bad);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(((await r.json()) as { error: { code: number } }).error.code).toBe(100);
    }
    // Messenger fetches payload.url before it answers; an unknown attachment type or field is refused
    fb.userSays('psid-refusals', 'hi');
    const send = (message: unknown) => fetch(`${fb.graphApiUrl}/me/messages?access_token=${FB.pageAccessToken}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ recipient: { id: 'psid-refusals' }, messaging_type: 'RESPONSE', message }) });
    for (const bad of [{ attachment: { type: 'picture', payload: { url: link } } }, { attachment: { type: 'image', payload: { link } } }, { attachment: { type: 'image', payload: { url: 'http://127.0.0.1:1/nothing.png' } } }, { text: 'x', attachment: { type: 'image', payload: { url: link } } }]) {
      expect((await send(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    // Telegram: a photo that is not an image
    await tg.userSays(4_999_999, 'hi').delivery;
    const form = new FormData();
    form.append('chat_id', '4999999');
    form.append('photo', new Blob([new Uint8Array(PDF)], { type: 'application/pdf' }), 'a.pdf');
    const photo = await fetch(`${tg.url}/bot${TG.botToken}/sendPhoto`, { method: 'POST', body: form });
    expect(photo.status).toBe(400);
    expect(((await photo.json()) as { description: string }).description).toMatch(/IMAGE_PROCESS_FAILED/);
    // Twilio: at most 10 MediaUrl, each a URL
    const twilio = (p: URLSearchParams) => fetch(`${tw.apiBaseUrl}/2010-04-01/Accounts/${TW.accountSid}/Messages.json`, { method: 'POST', headers: { Authorization: `Basic ${Buffer.from(`${TW.accountSid}:${TW.authToken}`).toString('base64')}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: p.toString() });
    const many = new URLSearchParams({ To: '+32471009999', From: TW.number });
    for (let i = 0; i < 11; i++) many.append('MediaUrl', `${link}?${i}`);
    expect(((await (await twilio(many)).json()) as { code: number }).code).toBe(21623);
    expect(((await (await twilio(new URLSearchParams({ To: '+32471009999', From: TW.number, MediaUrl: 'not a url' }))).json()) as { code: number }).code).toBe(21620);
    // the user's media are served only with the service's credentials
    const mediaId = wa.userSendsMedia('32470009998', 'image', PNG, 'image/png').mediaId;
    expect((await fetch(`${wa.graphApiUrl}/${mediaId}`)).status).toBe(401);
    expect((await fetch(`${wa.graphApiUrl}/${mediaId}`, { headers: { Authorization: `Bearer ${WA.accessToken}` } })).status).toBe(200);
  });

  describe('e-mail', () => {
    const mailsTo = (to: string) => mail.received.filter((m: ParsedMail) => m.to && !Array.isArray(m.to) && m.to.value[0]?.address === to);

    it('a bot turn of several messages is one mail, its messages in order and its buttons numbered', async () => {
      await mail.userMails({ from: 'Piet <piet.turns@example.net>', subject: 'A question', text: 'Hello' });
      const first = await waitFor(async () => {
        await s.baton.outbox.runOnce();
        return mailsTo('piet.turns@example.net').find((m) => m.text?.includes('First line'));
      }, 10_000, 'the welcome mail');
      expect(first.text).toMatch(/First line of the turn\.\s+Second line\.\n1\. Yes\n2\. No\s+Third line\./);
      // (the bot's answer to "Hello" is the next turn, its own mail) no other mail carries a line of the welcome turn
      await waitFor(async () => {
        await s.baton.outbox.runOnce();
        return mailsTo('piet.turns@example.net').some((m) => m.text?.includes('Sorry?'));
      }, 10_000, 'the next turn');
      expect(mailsTo('piet.turns@example.net').filter((m) => /First line|Second line|Third line/.test(m.text ?? ''))).toHaveLength(1);
    });

    it('an agent’s attachment is a MIME attachment of the mail', async () => {
      await mail.userMails({ from: 'An <an.files@example.net>', subject: 'My invoice', text: 'Hello' });
      await waitFor(async () => {
        await s.baton.outbox.runOnce();
        return mailsTo('an.files@example.net')[0];
      }, 10_000, 'the welcome mail');
      const conversationId = (await conversationOf('mail', 'an.files@example.net'))!;
      const agent = await makeAgent(s.url, admin, { skills: ['general'] });
      await waitFor(async () => {
        await s.baton.outbox.runOnce();
        return (await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/accept`, { token: agent.token })).status === 200;
      }, 10_000, 'accept');
      const owner = agent.token;
      const up = await upload(s.url, conversationId, { token: owner }, { name: 'invoice.pdf', type: 'application/pdf', bytes: PDF });
      expect(up.status).toBe(201);
      const sent = await call(s.url, 'POST', `/api/v1/agent/conversations/${conversationId}/messages`, { token: owner, body: { text: 'Your invoice', attachments: [up.body.attachment.id] } });
      expect(sent.status).toBe(201);
      const m = await waitFor(async () => {
        await s.baton.outbox.runOnce();
        return mailsTo('an.files@example.net').find((x) => x.text?.includes('Your invoice'));
      }, 10_000, 'the agent mail');
      expect(m.attachments).toHaveLength(1);
      expect(m.attachments[0]).toMatchObject({ filename: 'invoice.pdf', contentType: 'application/pdf' });
      expect(Buffer.compare(m.attachments[0]!.content, PDF)).toBe(0);
      // the file is in the mail, not a link in its text
      expect(m.text).not.toMatch(/\/api\/v1\/attachments\//);
    }, 30_000);
  });
});

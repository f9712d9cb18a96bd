// A contract-faithful stand-in for the Telegram Bot API for tests and local demos (docs/channels/telegram.md
// has the sources): `POST /bot<token>/<method>` with JSON, answering `{ ok: true, result }` or
// `{ ok: false, error_code, description, parameters? }`. An unknown token is 401 Unauthorized;
// setWebhook takes an HTTPS URL on port 443, 80, 88 or 8443 (tests may allow plain http on loopback)
// and a secret_token of 1-256 characters from A-Z a-z 0-9 _ -; sendMessage refuses an empty text or one
// over 4096 characters, an unknown chat, and inline buttons without text or with callback_data outside
// 1-64 bytes (BUTTON_DATA_INVALID); answerCallbackQuery takes the id of a callback query it sent. Updates
// are POSTed to the webhook with X-Telegram-Bot-Api-Secret-Token and retried on failure. Test helpers
// play the user (a message, an inline button press) and inject 429s with retry_after.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { webhookSender, type RecordedWebhook } from './shared.js';
import { fetchLink, mediaStore, readBytes, readMultipart } from './media.js';

export interface TelegramSimulatorOptions {
  port?: number;
  host?: string;
  botToken: string;
  username?: string;
  /** tests: accept an http:// webhook on any port (Baton listens on loopback) */
  allowInsecureWebhook?: boolean;
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
}

export interface TgSent {
  message_id: number;
  chat: { id: number; type: 'private' };
  date: number;
  text: string;
  reply_markup?: { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> };
  /** sendPhoto / sendDocument: the file as Telegram received it (uploaded, or fetched from its URL) */
  file?: { kind: 'photo' | 'document'; name: string; contentType: string; bytes: Buffer; via: 'upload' | 'url' };
}

export interface TgWebhook extends RecordedWebhook {
  updateId: number;
}

class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
  }
}

const bad = (what: string): never => {
  throw new BotApiError(400, `Bad Request: ${what}`);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function startTelegramSimulator(opts: TelegramSimulatorOptions) {
  const sent: TgSent[] = [];
  const webhooks: TgWebhook[] = [];
  const answered: string[] = [];
  const chats = new Set<number>();
  const pendingQueries = new Set<string>();
  const outages: number[] = [];
  const media = mediaStore();
  let filePaths = 0;
  const paths = new Map<string, string>();
  let webhook: { url: string; secret?: string } | undefined;
  let updateId = 100_000;
  let messageId = 1;

  const sender = webhookSender<TgWebhook>({
    url: () => webhook?.url,
    headers: (): Record<string, string> => (webhook?.secret ? { 'X-Telegram-Bot-Api-Secret-Token': webhook.secret } : {}),
    record: (d) => webhooks.push(d),
    attempts: opts.webhookAttempts ?? 3,
    retryDelayMs: opts.webhookRetryDelayMs ?? 50,
    timeoutMs: 10_000,
    gaveUp: () => false,
  });

  function setWebhook(b: Record<string, unknown>): true {
    const url = typeof b.url === 'string' ? b.url : bad('url is required');
    if (url === '') {
      webhook = undefined;
      return true;
    }
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return bad('invalid webhook URL specified');
    }
    if (!opts.allowInsecureWebhook) {
      if (u.protocol !== 'https:') bad('bad webhook: HTTPS url must be provided for webhook');
      if (u.port && !['443', '80', '88', '8443'].includes(u.port)) bad('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
    }
    if (b.secret_token !== undefined && (typeof b.secret_token !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(b.secret_token))) bad('secret token contains unallowed characters');
    webhook = { url, ...(typeof b.secret_token === 'string' ? { secret: b.secret_token } : {}) };
    return true;
  }

  function sendMessage(b: Record<string, unknown>): TgSent {
    const chatId = Number(b.chat_id);
    if (!chats.has(chatId)) bad('chat not found');
    if (typeof b.text !== 'string' || !b.text.trim()) bad('message text is empty');
    if ([...(b.text as string)].length > 4096) bad('message is too long');
    let markup: TgSent['reply_markup'];
    if (b.reply_markup !== undefined) {
      const kb = isObject(b.reply_markup) ? b.reply_markup.inline_keyboard : undefined;
      if (!Array.isArray(kb) || kb.some((row) => !Array.isArray(row))) bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
      for (const row of kb as unknown[][]) {
        for (const btn of row) {
          if (!isObject(btn) || typeof btn.text !== 'string' || !btn.text) bad('text buttons are unallowed in the inline keyboard');
          const data = (btn as Record<string, unknown>).callback_data;
          if (typeof data !== 'string' || Buffer.byteLength(data) < 1 || Buffer.byteLength(data) > 64) bad('BUTTON_DATA_INVALID');
        }
      }
      markup = b.reply_markup as TgSent['reply_markup'];
    }
    const m: TgSent = { message_id: messageId++, chat: { id: chatId, type: 'private' }, date: Math.floor(Date.now() / 1000), text: b.text as string, ...(markup ? { reply_markup: markup } : {}) };
    sent.push(m);
    return m;
  }

  const MB = 1024 * 1024;
  /** sendPhoto / sendDocument: the file uploaded as multipart/form-data, a file_id, or an HTTP URL Telegram fetches */
  async function sendFile(kind: 'photo' | 'document', body: Record<string, unknown>, upload: { name: string; type: string; bytes: Buffer } | undefined): Promise<TgSent> {
    const chatId = Number(body.chat_id);
    if (!chats.has(chatId)) bad('chat not found');
    let file: NonNullable<TgSent['file']>;
    if (upload) {
      // uploads: 10 MB for photos, 50 MB for other files
      if (upload.bytes.length > (kind === 'photo' ? 10 : 50) * MB) throw new BotApiError(413, 'Request Entity Too Large');
      file = { kind, name: upload.name, contentType: upload.type, bytes: upload.bytes, via: 'upload' };
    } else if (typeof body[kind] === 'string' && /^https?:\/\//.test(body[kind] as string)) {
      const f = await fetchLink(body[kind] as string);
      if (f.status !== 200) bad('failed to get HTTP URL content');
      // by URL: 5 MB for photos, 20 MB for other files, and sendDocument only for GIF, PDF and ZIP
      if (f.bytes.length > (kind === 'photo' ? 5 : 20) * MB) bad('wrong file identifier/HTTP URL specified');
      if (kind === 'document' && !['image/gif', 'application/pdf', 'application/zip'].includes(f.contentType)) bad('wrong type of the web page content');
      file = { kind, name: new URL(f.url).pathname.split('/').pop() ?? 'file', contentType: f.contentType, bytes: f.bytes, via: 'url' };
    } else if (typeof body[kind] === 'string' && media.get(body[kind] as string)) {
      const f = media.get(body[kind] as string)!;
      file = { kind, name: f.name ?? 'file', contentType: f.contentType, bytes: f.bytes, via: 'url' };
    } else return bad(`there is no ${kind} in the request`);
    if (kind === 'photo' && !['image/jpeg', 'image/png', 'image/webp'].includes(file.contentType)) bad('IMAGE_PROCESS_FAILED');
    if (body.caption !== undefined && (typeof body.caption !== 'string' || [...body.caption].length > 1024)) bad('message caption is too long');
    const m: TgSent = { message_id: messageId++, chat: { id: chatId, type: 'private' }, date: Math.floor(Date.now() / 1000), text: typeof body.caption === 'string' ? body.caption : '', file };
    sent.push(m);
    return m;
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const pathname = new URL(req.url ?? '/', 'http://sim').pathname;
        // files: GET /file/bot<token>/<file_path>, the path getFile answered
        const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname);
        if (file && req.method === 'GET') {
          if (file[1] !== opts.botToken) throw new BotApiError(404, 'Not Found');
          return media.serve(res, media.get(paths.get(decodeURIComponent(file[2]!)) ?? ''));
        }
        const m = /^\/bot([^/]+)\/(\w+)$/.exec(pathname);
        if (!m || m[1] !== opts.botToken) throw new BotApiError(401, 'Unauthorized');
        const bytes = await readBytes(req);
        const multipart = await readMultipart(bytes, String(req.headers['content-type'] ?? ''));
        const raw = multipart ? '' : bytes.toString('utf8');
        let b: unknown = multipart?.fields ?? {};
        if (raw) {
          try {
            b = JSON.parse(raw);
          } catch {
            bad("can't parse JSON");
          }
        }
        if (!isObject(b)) bad('the body must be an object');
        const body = b as Record<string, unknown>;
        let result: unknown;
        switch (m[2]) {
          case 'getMe':
            result = { id: Number(opts.botToken.split(':')[0]), is_bot: true, first_name: 'Baton simulator', username: opts.username ?? 'baton_sim_bot' };
            break;
          case 'setWebhook':
            result = setWebhook(body);
            break;
          case 'getWebhookInfo':
            result = { url: webhook?.url ?? '', has_custom_certificate: false, pending_update_count: 0 };
            break;
          case 'sendMessage': {
            const retry = outages.shift();
            if (retry !== undefined) throw new BotApiError(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
            result = sendMessage(body);
            break;
          }
          case 'sendPhoto':
          case 'sendDocument': {
            const retry = outages.shift();
            if (retry !== undefined) throw new BotApiError(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
            const kind = m[2] === 'sendPhoto' ? 'photo' : 'document';
            result = await sendFile(kind, body, multipart?.files[kind]);
            break;
          }
          case 'getFile': {
            const f = media.get(String(body.file_id ?? ''));
            if (!f) bad('invalid file_id');
            const path = `${f!.contentType.startsWith('image/') ? 'photos' : 'documents'}/file_${++filePaths}.${f!.contentType.split('/')[1]?.replace('jpeg', 'jpg') ?? 'bin'}`;
            paths.set(path, f!.id);
            result = { file_id: f!.id, file_unique_id: `u${f!.id}`, file_size: f!.bytes.length, file_path: path };
            break;
          }
          case 'answerCallbackQuery': {
            const id = String(body.callback_query_id ?? '');
            if (!pendingQueries.delete(id)) bad('query is too old and response timeout expired or query ID is invalid');
            answered.push(id);
            result = true;
            break;
          }
          default:
            throw new BotApiError(404, 'Not Found');
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result }));
      } catch (err) {
        const e = err instanceof BotApiError ? err : new BotApiError(500, `Internal Server Error: ${(err as Error).message}`);
        res.writeHead(e.code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error_code: e.code, description: e.description, ...(e.parameters ? { parameters: e.parameters } : {}) }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  const from = (chatId: number, name: string) => ({ id: chatId, is_bot: false, first_name: name, language_code: 'en' });
  function fire(update: Record<string, unknown>) {
    const id = ++updateId;
    return { updateId: id, delivery: sender.fire({ updateId: id, body: JSON.stringify({ update_id: id, ...update }), statuses: [], delivered: false }) };
  }

  return {
    url,
    sent,
    webhooks,
    answered,
    webhook: () => webhook,
    /** a private-chat message from the user (a chat the bot may now write to) */
    userSays(chatId: number, text: string, name = 'Test') {
      chats.add(chatId);
      return fire({ message: { message_id: messageId++, from: from(chatId, name), chat: { id: chatId, type: 'private', first_name: name }, date: Math.floor(Date.now() / 1000), text } });
    },
    /** the user sends a photo (Telegram names it by file_id in sizes; the largest is the original) */
    userSendsPhoto(chatId: number, bytes: Uint8Array, caption?: string, name = 'Test') {
      chats.add(chatId);
      const f = media.put(bytes, 'image/jpeg');
      return { ...fire({ message: { message_id: messageId++, from: from(chatId, name), chat: { id: chatId, type: 'private', first_name: name }, date: Math.floor(Date.now() / 1000), photo: [{ file_id: `thumb${f.id}`, file_unique_id: `t${f.id}`, width: 90, height: 90 }, { file_id: f.id, file_unique_id: `u${f.id}`, width: 800, height: 600, file_size: f.bytes.length }], ...(caption ? { caption } : {}) } }), fileId: f.id };
    },
    /** the user sends a file as a document, with its name and the type their app claims */
    userSendsDocument(chatId: number, bytes: Uint8Array, mimeType: string, fileName: string, name = 'Test') {
      chats.add(chatId);
      const f = media.put(bytes, mimeType, fileName);
      return { ...fire({ message: { message_id: messageId++, from: from(chatId, name), chat: { id: chatId, type: 'private', first_name: name }, date: Math.floor(Date.now() / 1000), document: { file_id: f.id, file_unique_id: `u${f.id}`, file_name: fileName, mime_type: mimeType, file_size: f.bytes.length } } }), fileId: f.id };
    },
    /** the next `count` file downloads answer this status (429 with Retry-After, 500…) */
    failMediaNext: (count: number, o: { status: number; retryAfterSeconds?: number }) => media.failNext(count, o),
    mediaDownloads: () => media.downloads(),
    /** the user presses an inline button of a message the bot sent */
    userPresses(chatId: number, m: TgSent, index: number, name = 'Test') {
      const btn = m.reply_markup?.inline_keyboard.flat()[index];
      if (!btn) throw new Error(`message ${m.message_id} has no button ${index}`);
      const queryId = String(Date.now()) + String(index);
      pendingQueries.add(queryId);
      return fire({ callback_query: { id: queryId, from: from(chatId, name), message: m, chat_instance: 'sim', data: btn.callback_data } });
    },
    /** the next `count` sendMessage calls answer 429 with this retry_after (seconds) */
    failNext(count: number, retryAfterSeconds: number) {
      for (let i = 0; i < count; i++) outages.push(retryAfterSeconds);
    },
    redeliver: (d: TgWebhook) => sender.redeliver(d),
    settled: () => sender.settled(),
    close: async () => {
      await sender.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TelegramSimulator = Awaited<ReturnType<typeof startTelegramSimulator>>;

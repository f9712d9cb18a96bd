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
import { readBody, webhookSender, type RecordedWebhook } from './shared.js';

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

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const m = /^\/bot([^/]+)\/(\w+)$/.exec(new URL(req.url ?? '/', 'http://sim').pathname);
        if (!m || m[1] !== opts.botToken) throw new BotApiError(401, 'Unauthorized');
        const raw = await readBody(req);
        let b: unknown = {};
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

// Telegram Bot API calls through the instance's OutboundClient: POST https://api.telegram.org/bot<token>/<method>
// with a JSON body; answers `{ ok: true, result }` or `{ ok: false, error_code, description,
// parameters: { retry_after } }`. A 429's retry_after (seconds) is how long the outbox waits.
import type { OutboundClient } from '../../outbound/client.js';
import { postJson, request, type HttpResult } from '../../providers/http-client.js';
import { multipartBody } from '../../outbound/client.js';
import type { MediaDownload } from '../channel.js';
import { fetchMedia } from '../media.js';
import { DEFAULT_API_BASE_URL, methodUrl, type TelegramConfig } from './config.js';

export type BotApiResult<T> = { ok: true; result: T } | { ok: false; retry: boolean; error: string; retryAfterMs?: number };

interface BotApiAnswer {
  ok?: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export async function callBotApi<T>(http: OutboundClient, cfg: TelegramConfig, method: string, body: Record<string, unknown>): Promise<BotApiResult<T>> {
  return answerOf<T>(cfg, await postJson(http, methodUrl(cfg, method), JSON.stringify(body), { timeoutMs: 10_000 }));
}

/** A method that takes a file (sendPhoto, sendDocument) as a multipart/form-data upload, as the Bot API has it. */
export async function uploadToBotApi<T>(http: OutboundClient, cfg: TelegramConfig, method: string, fields: Record<string, string>, file: { field: string; name: string; contentType: string; bytes: Uint8Array }): Promise<BotApiResult<T>> {
  const form = multipartBody(fields, [file]);
  return answerOf<T>(cfg, await request(http, methodUrl(cfg, method), { method: 'POST', headers: { 'Content-Type': form.contentType }, body: form.body, timeoutMs: 60_000 }));
}

function answerOf<T>(cfg: TelegramConfig, res: HttpResult): BotApiResult<T> {
  const a = res.json as BotApiAnswer | undefined;
  if (res.ok && a?.ok) return { ok: true, result: a.result as T };
  const retryAfter = a?.parameters?.retry_after;
  // the token never appears in an error: the URL holds it, the description does not
  const error = a?.description ? `Telegram error ${a.error_code ?? res.status}: ${a.description}` : res.error.replace(cfg.botToken, '<token>');
  return { ok: false, retry: res.retryable || res.status === 429, error, ...(retryAfter ? { retryAfterMs: retryAfter * 1000 } : {}) };
}

/**
 * A file the user sent (its file_id): `getFile` answers its `file_path`, valid for at least an hour,
 * and the file is `GET {apiBaseUrl}/file/bot<token>/<file_path>`. Bots may download files up to 20 MB.
 */
export async function downloadFile(http: OutboundClient, cfg: TelegramConfig, fileId: string, maxBytes: number, now: number): Promise<MediaDownload> {
  const info = await callBotApi<{ file_path?: string; file_size?: number }>(http, cfg, 'getFile', { file_id: fileId });
  if (!info.ok) return info;
  if (!info.result.file_path) return { ok: false, retry: false, error: 'Telegram answered without a file_path (a file over 20 MB cannot be downloaded by bots)' };
  if ((info.result.file_size ?? 0) > maxBytes) return { ok: false, retry: false, refused: true, error: `${info.result.file_size} bytes, more than the ${maxBytes} files may have` };
  const base = (cfg.apiBaseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const got = await fetchMedia(http, `${base}/file/bot${cfg.botToken}/${info.result.file_path.split('/').map(encodeURIComponent).join('/')}`, {}, maxBytes, now);
  // the token is in the URL: never in an error Baton stores
  return got.ok ? got : { ...got, error: got.error.replaceAll(cfg.botToken, '<token>') };
}

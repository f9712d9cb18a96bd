// Telegram Bot API calls through the instance's OutboundClient: POST https://api.telegram.org/bot<token>/<method>
// with a JSON body; answers `{ ok: true, result }` or `{ ok: false, error_code, description,
// parameters: { retry_after } }`. A 429's retry_after (seconds) is how long the outbox waits.
import type { OutboundClient } from '../../outbound/client.js';
import { postJson } from '../../providers/http-client.js';
import { methodUrl, type TelegramConfig } from './config.js';

export type BotApiResult<T> = { ok: true; result: T } | { ok: false; retry: boolean; error: string; retryAfterMs?: number };

interface BotApiAnswer {
  ok?: boolean;
  result?: unknown;
  error_code?: number;
  description?: string;
  parameters?: { retry_after?: number };
}

export async function callBotApi<T>(http: OutboundClient, cfg: TelegramConfig, method: string, body: Record<string, unknown>): Promise<BotApiResult<T>> {
  const res = await postJson(http, methodUrl(cfg, method), JSON.stringify(body), { timeoutMs: 10_000 });
  const a = res.json as BotApiAnswer | undefined;
  if (res.ok && a?.ok) return { ok: true, result: a.result as T };
  const retryAfter = a?.parameters?.retry_after;
  // the token never appears in an error: the URL holds it, the description does not
  const error = a?.description ? `Telegram error ${a.error_code ?? res.status}: ${a.description}` : res.error.replace(cfg.botToken, '<token>');
  return { ok: false, retry: res.retryable || res.status === 429, error, ...(retryAfter ? { retryAfterMs: retryAfter * 1000 } : {}) };
}

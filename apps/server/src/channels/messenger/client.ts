// Messenger Platform calls (Graph API) through the instance's OutboundClient: the Send API
// (POST /me/messages?access_token=<page token>), the Handover Protocol (pass_thread_control,
// take_thread_control) and the Page itself (the connection test). Meta's error answers
// `{ error: { message, code, error_subcode } }` become a clear reason; rate limits (HTTP 429, codes
// 4, 32, 613) and 5xx are retried by the outbox after Retry-After.
import type { OutboundClient } from '../../outbound/client.js';
import { request } from '../../providers/http-client.js';
import { retryAfterMs, type MediaDownload } from '../channel.js';
import { fetchMedia } from '../media.js';
import { graphUrl, type MessengerConfig } from './config.js';

export type GraphResult<T> = { ok: true; json: T } | { ok: false; retry: boolean; error: string; code?: number; subcode?: number; retryAfterMs?: number };

const RATE_LIMIT_CODES = new Set([4, 32, 613]);

interface GraphError {
  error?: { message?: string; code?: number; error_subcode?: number };
}

/** One Graph API call with the Page access token, as the Send API reference shows it (access_token parameter). */
export async function graph<T>(http: OutboundClient, cfg: MessengerConfig, method: 'GET' | 'POST', path: string, body: unknown, now: number): Promise<GraphResult<T>> {
  const url = `${graphUrl(cfg)}/${path}${path.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(cfg.pageAccessToken)}`;
  const res = await request(http, url, { method, headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body), timeoutMs: 10_000 });
  if (res.ok) return { ok: true, json: (res.json ?? {}) as T };
  const e = (res.json as GraphError | undefined)?.error;
  const code = e?.code;
  const limited = res.status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code));
  const reason = e ? `Messenger error ${code ?? res.status}${e.error_subcode ? `/${e.error_subcode}` : ''}: ${e.message ?? ''}` : res.error;
  return {
    ok: false,
    retry: limited || res.retryable,
    error: reason,
    ...(code !== undefined ? { code } : {}),
    ...(e?.error_subcode !== undefined ? { subcode: e.error_subcode } : {}),
    ...(limited || res.status >= 500 ? { retryAfterMs: retryAfterMs(res.headers?.get('retry-after'), now) ?? 0 } : {}),
  };
}

/** Send API: one message to a Page-scoped user id. */
export async function sendMessage(http: OutboundClient, cfg: MessengerConfig, body: Record<string, unknown>, now: number): Promise<GraphResult<{ message_id: string }>> {
  const r = await graph<{ message_id?: string }>(http, cfg, 'POST', 'me/messages', body, now);
  if (r.ok && !r.json.message_id) return { ok: false, retry: false, error: 'Messenger answered without a message id' };
  return r as GraphResult<{ message_id: string }>;
}

/** Handover Protocol: gives the thread to another app (the Page Inbox), with the metadata it shows. */
export function passThreadControl(http: OutboundClient, cfg: MessengerConfig, psid: string, targetAppId: string, metadata: string, now: number) {
  return graph<{ success?: boolean }>(http, cfg, 'POST', 'me/pass_thread_control', { recipient: { id: psid }, target_app_id: targetAppId, metadata }, now);
}

/** Handover Protocol: the Primary Receiver takes the thread back. */
export function takeThreadControl(http: OutboundClient, cfg: MessengerConfig, psid: string, metadata: string, now: number) {
  return graph<{ success?: boolean }>(http, cfg, 'POST', 'me/take_thread_control', { recipient: { id: psid }, metadata }, now);
}

/** A file the user sent: the attachment's `payload.url` (a CDN link that needs no token). */
export function downloadAttachment(http: OutboundClient, url: string, maxBytes: number, now: number): Promise<MediaDownload> {
  return fetchMedia(http, url, {}, maxBytes, now);
}

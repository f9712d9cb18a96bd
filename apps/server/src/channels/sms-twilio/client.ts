// Twilio's REST API through the instance's OutboundClient: form-encoded POSTs with HTTP Basic auth
// (Account SID : Auth Token). Errors answer `{ code, message, more_info, status }`; 429 (code 20429)
// and 5xx are retried after Retry-After, other 4xx (21211 invalid number, 21610 the user texted STOP)
// are refusals the agent sees.
import type { OutboundClient } from '../../outbound/client.js';
import { request } from '../../providers/http-client.js';
import { retryAfterMs, type MediaDownload } from '../channel.js';
import { fetchMedia } from '../media.js';
import { accountUrl, type SmsTwilioConfig } from './config.js';

export type TwilioResult<T> = { ok: true; result: T } | { ok: false; retry: boolean; error: string; retryAfterMs?: number };

interface TwilioError {
  code?: number;
  message?: string;
}

async function call<T>(http: OutboundClient, cfg: SmsTwilioConfig, method: 'GET' | 'POST', path: string, form: Record<string, string | string[]> | undefined, now: number): Promise<TwilioResult<T>> {
  const auth = Buffer.from(`${cfg.accountSid}:${cfg.authToken}`).toString('base64');
  const res = await request(http, `${accountUrl(cfg)}${path}`, {
    method,
    headers: { Authorization: `Basic ${auth}`, Accept: 'application/json', ...(form ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
    // a repeated parameter (MediaUrl) is one pair per value
    ...(form ? { body: new URLSearchParams(Object.entries(form).flatMap(([k, v]) => [v].flat().map((x) => [k, x]))).toString() } : {}),
    timeoutMs: 10_000,
  });
  if (res.ok) return { ok: true, result: res.json as T };
  const e = res.json as TwilioError | undefined;
  const error = e?.message ? `Twilio error ${e.code ?? res.status}: ${e.message}` : res.error;
  const retry = res.retryable || e?.code === 20429;
  return { ok: false, retry, error, ...(retry && res.status > 0 ? { retryAfterMs: retryAfterMs(res.headers?.get('retry-after'), now) ?? 0 } : {}) };
}

/** Creates a Message resource: Twilio queues it and answers its SID. */
export function createMessage(http: OutboundClient, cfg: SmsTwilioConfig, form: Record<string, string | string[]>, now: number) {
  return call<{ sid: string; status?: string }>(http, cfg, 'POST', '/Messages.json', form, now);
}

/** The account behind the credentials (the connection test). */
export function fetchAccount(http: OutboundClient, cfg: SmsTwilioConfig, now: number) {
  return call<{ friendly_name?: string; status?: string }>(http, cfg, 'GET', '.json', undefined, now);
}

/**
 * A file of an inbound MMS (`MediaUrl{N}`): fetched with the account's Basic auth (required when
 * "HTTP Basic authentication for media" is on) only when the URL is on Twilio's API host; Twilio then
 * redirects to a short-lived CDN link, which is followed without the credentials.
 */
export function downloadMmsMedia(http: OutboundClient, cfg: SmsTwilioConfig, mediaUrl: string, maxBytes: number, now: number): Promise<MediaDownload> {
  let onApiHost: boolean;
  try {
    onApiHost = new URL(mediaUrl).host === new URL(accountUrl(cfg)).host;
  } catch {
    return Promise.resolve({ ok: false, retry: false, error: 'MediaUrl is not a URL' });
  }
  const auth = Buffer.from(`${cfg.accountSid}:${cfg.authToken}`).toString('base64');
  return fetchMedia(http, mediaUrl, onApiHost ? { Authorization: `Basic ${auth}` } : {}, maxBytes, now, 2);
}

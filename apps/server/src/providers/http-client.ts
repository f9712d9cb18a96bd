// Outbound HTTP for providers and channels: the guarded client (../outbound) with a clear
// retryable/permanent verdict.
import { OutboundError, type OutboundClient } from '../outbound/client.js';

export interface HttpResult {
  ok: boolean;
  status: number;
  json?: unknown;
  text?: string;
  headers?: Headers;
  retryable: boolean;
  error: string;
}

export async function request(
  client: OutboundClient,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array; timeoutMs?: number },
): Promise<HttpResult> {
  try {
    const res = await client.fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, timeoutMs: init.timeoutMs ?? 10_000 });
    const text = res.text;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const ok = res.status >= 200 && res.status < 300;
    // 408/425/429 and 5xx are worth retrying; other 4xx will fail the same way again. A redirect is
    // never followed (it could lead anywhere, internal addresses included): the target must be fixed.
    const retryable = !ok && (res.status >= 500 || [408, 425, 429].includes(res.status));
    const error = ok ? '' : res.status >= 300 && res.status < 400 ? `HTTP ${res.status}: redirects are not followed (to ${res.headers.get('location') ?? 'nowhere'})` : `HTTP ${res.status}: ${text.slice(0, 300)}`;
    return { ok, status: res.status, json, text, headers: res.headers, retryable, error };
  } catch (err) {
    const e = err as Error;
    const kind = err instanceof OutboundError ? err.kind : 'network';
    // a refused target or an oversized answer will be the same on the next try
    const retryable = kind === 'timeout' || kind === 'network';
    return { ok: false, status: 0, retryable, error: kind === 'network' ? `network error: ${e.message}` : e.message };
  }
}

export function postJson(client: OutboundClient, url: string, body: string, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}) {
  return request(client, url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...opts.headers }, body, timeoutMs: opts.timeoutMs });
}

/** A JSON API call with an OAuth bearer token (the external providers' APIs). */
export function bearerJson(client: OutboundClient, url: string, method: string, token: string, body: unknown, timeoutMs: number | undefined, contentType = 'application/json'): Promise<HttpResult> {
  return request(client, url, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs,
  });
}

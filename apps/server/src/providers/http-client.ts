// Outbound HTTP for providers: a timeout on every call and a clear retryable/permanent verdict.
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
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number },
): Promise<HttpResult> {
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
      redirect: 'manual',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const ok = res.status >= 200 && res.status < 300;
    // 408/425/429 and 5xx are worth retrying; other 4xx will fail the same way again
    const retryable = !ok && (res.status >= 500 || [408, 425, 429].includes(res.status));
    return { ok, status: res.status, json, text, headers: res.headers, retryable, error: ok ? '' : `HTTP ${res.status}: ${text.slice(0, 300)}` };
  } catch (err) {
    const e = err as Error;
    const timeout = e.name === 'TimeoutError' || e.name === 'AbortError';
    return { ok: false, status: 0, retryable: true, error: timeout ? `timed out after ${init.timeoutMs ?? 10_000} ms` : `network error: ${e.message}` };
  }
}

export function postJson(url: string, body: string, opts: { headers?: Record<string, string>; timeoutMs?: number } = {}) {
  return request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...opts.headers }, body, timeoutMs: opts.timeoutMs });
}

/** A JSON API call with an OAuth bearer token (the external providers' APIs). */
export function bearerJson(url: string, method: string, token: string, body: unknown, timeoutMs: number | undefined, contentType = 'application/json'): Promise<HttpResult> {
  return request(url, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': contentType }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    timeoutMs,
  });
}

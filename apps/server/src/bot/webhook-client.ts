// The webhook plugin's HTTP call: a timeout on every call, JSON in and out, never a throw.
import type { WebhookCall, WebhookResult } from '../domain/bot/runtime.js';

export async function callWebhook(req: WebhookCall): Promise<WebhookResult> {
  try {
    const res = await fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body: req.body === undefined || req.method === 'GET' ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs),
      redirect: 'follow',
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { ok: res.ok, status: res.status, json };
  } catch (err) {
    const e = err as Error;
    return { ok: false, status: 0, error: e.name === 'TimeoutError' ? `timed out after ${req.timeoutMs} ms` : e.message };
  }
}

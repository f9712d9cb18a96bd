// The webhook plugin's HTTP call through the guarded outbound client: refused targets, no redirects,
// a bounded answer, a timeout on every call, JSON in and out, never a throw.
import type { WebhookCall, WebhookResult } from '../domain/bot/runtime.js';
import type { OutboundClient } from '../outbound/client.js';

export async function callWebhook(http: OutboundClient, req: WebhookCall): Promise<WebhookResult> {
  try {
    const res = await http.fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...(req.body !== undefined && req.method !== 'GET' ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body: req.body === undefined || req.method === 'GET' ? undefined : JSON.stringify(req.body),
      timeoutMs: req.timeoutMs,
    });
    let json: unknown;
    try {
      json = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      json = undefined;
    }
    const ok = res.status >= 200 && res.status < 300;
    // a 3xx is a failed call: following it could lead the bot (and the user) anywhere
    if (!ok) return { ok: false, status: res.status, error: res.status < 400 && res.status >= 300 ? 'redirects are not followed' : `HTTP ${res.status}` };
    return { ok, status: res.status, json };
  } catch (err) {
    return { ok: false, status: 0, error: (err as Error).message };
  }
}

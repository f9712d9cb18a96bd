// The Sunshine Conversations API v2 over HTTP: Basic auth with an API key (key id as user name,
// secret as password), JSON both ways, and a 429's Retry-After honoured by not calling that app again
// before it has passed (the outbox retries with backoff meanwhile).
import { createHash } from 'node:crypto';
import type { OutboundClient } from '../../outbound/client.js';
import { request, type HttpResult } from '../http-client.js';
import { appUrl, type SunshineConversationsConfig } from './config.js';

/** Rate-limit pauses per app and key, kept by the provider instance: they outlive one delivery. */
export class SunshineAccounts {
  private readonly coolDown = new Map<string, number>();

  constructor(readonly http: OutboundClient) {}

  key(cfg: SunshineConversationsConfig): string {
    return `${cfg.apiBaseUrl}|${cfg.appId}|${cfg.keyId}|${createHash('sha256').update(cfg.secret).digest('hex')}`;
  }

  until(cfg: SunshineConversationsConfig): number {
    return this.coolDown.get(this.key(cfg)) ?? 0;
  }

  pause(cfg: SunshineConversationsConfig, untilMs: number): void {
    if (this.coolDown.size > 1000) this.coolDown.clear();
    this.coolDown.set(this.key(cfg), untilMs);
  }
}

/** Sunshine's errors are `{ errors: [{ code, title }] }`: the first code, for messages and decisions. */
export function errorCode(res: HttpResult): string | undefined {
  const errors = (res.json as { errors?: Array<{ code?: unknown }> } | undefined)?.errors;
  return Array.isArray(errors) && typeof errors[0]?.code === 'string' ? errors[0].code : undefined;
}

export function createSunshineClient(cfg: SunshineConversationsConfig, accounts: SunshineAccounts, now: () => number) {
  const auth = `Basic ${Buffer.from(`${cfg.keyId}:${cfg.secret}`, 'utf8').toString('base64')}`;
  return async function post(path: string, body: unknown): Promise<HttpResult> {
    const paused = accounts.until(cfg) - now();
    if (paused > 0) {
      const wait = Math.ceil(paused / 1000);
      return { ok: false, status: 429, retryable: true, error: `rate limited by Sunshine Conversations: waiting ${wait} s more` };
    }
    const res = await request(accounts.http, appUrl(cfg, path), {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: cfg.timeoutMs ?? 10_000,
    });
    if (res.status === 429) {
      const after = Number(res.headers?.get('retry-after'));
      const seconds = Number.isFinite(after) && after > 0 ? Math.min(after, 3600) : 10;
      accounts.pause(cfg, now() + seconds * 1000);
      return { ...res, retryable: true, error: `rate limited by Sunshine Conversations (retry after ${seconds} s): ${res.error}` };
    }
    return res;
  };
}
export type SunshineClient = ReturnType<typeof createSunshineClient>;

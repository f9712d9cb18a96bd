// Genesys Cloud Platform API calls with an OAuth client-credentials token: one token per client,
// reused until shortly before it expires, shared by concurrent callers, renewed once on a 401.
import { createHash } from 'node:crypto';
import type { OutboundClient } from '../../outbound/client.js';
import { bearerJson, request, type HttpResult } from '../http-client.js';
import { apiBase, loginBase, type GenesysLogin } from './config.js';

interface CachedToken {
  value: string;
  /** Date.now() after which the token is no longer used */
  renewAt: number;
}

type TokenResult = { ok: true; token: string } | { ok: false; retryable: boolean; error: string };

function cacheKey(c: GenesysLogin): string {
  const secret = createHash('sha256').update(c.clientSecret).digest('hex').slice(0, 16);
  return `${loginBase(c)}|${c.clientId}|${secret}`;
}

/** Renew a minute before expiry (or a tenth of the lifetime for short-lived tokens). */
export function renewAt(obtainedAt: number, expiresInSeconds: number): number {
  const margin = Math.min(60, expiresInSeconds / 10);
  return obtainedAt + (expiresInSeconds - margin) * 1000;
}

/** Platform API calls for one provider instance, which keeps their tokens: one login serves every
 * delivery, per OAuth client (the key hashes the secret, so a changed secret never reuses a token). */
export class GenesysApi {
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<TokenResult>>();

  constructor(private readonly http: OutboundClient) {}

  private async fetchToken(c: GenesysLogin): Promise<TokenResult> {
    const basic = Buffer.from(`${c.clientId}:${c.clientSecret}`).toString('base64');
    const res = await request(this.http, `${loginBase(c)}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      timeoutMs: c.timeoutMs,
    });
    const body = res.json as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (!res.ok || typeof body?.access_token !== 'string') {
      // wrong credentials will fail the same way until someone fixes the settings
      return { ok: false, retryable: res.retryable, error: `Genesys login failed: ${res.error || 'no access_token in the answer'}` };
    }
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600;
    this.tokens.set(cacheKey(c), { value: body.access_token, renewAt: renewAt(Date.now(), expiresIn) });
    return { ok: true, token: body.access_token };
  }

  private async token(c: GenesysLogin, forceNew: boolean): Promise<TokenResult> {
    const key = cacheKey(c);
    const cached = this.tokens.get(key);
    if (!forceNew && cached && Date.now() < cached.renewAt) return { ok: true, token: cached.value };
    // concurrent deliveries wait for the same login instead of each asking for a token
    let p = this.pending.get(key);
    if (!p) {
      p = this.fetchToken(c).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  /**
   * One Platform API call. A 401 means the token was revoked or expired early: log in again once and
   * repeat the call; a second 401 is reported as a permanent failure (the OAuth client lacks rights).
   */
  async call(c: GenesysLogin, method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<HttpResult> {
    let used: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const t = await this.token(c, attempt > 0 && this.tokens.get(cacheKey(c))?.value === used);
      if (!t.ok) return { ok: false, status: 0, retryable: t.retryable, error: t.error };
      used = t.token;
      const res = await bearerJson(this.http, `${apiBase(c)}${path}`, method, t.token, body, c.timeoutMs);
      if (res.status !== 401) return res;
      if (attempt === 1) return { ...res, retryable: false, error: `Genesys refused the new token too: ${res.error}` };
    }
    throw new Error('unreachable');
  }
}

/** A messaging conversation in the Platform API (read for its agent, disconnected at the end). */
export const conversationPath = (id: string) => `/api/v2/conversations/messages/${encodeURIComponent(id)}`;

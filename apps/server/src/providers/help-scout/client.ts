// Help Scout Mailbox API 2.0 over HTTP: OAuth client credentials with the token cached until shortly
// before it expires (one refresh when a call answers 401), and 429's X-RateLimit-Retry-After honoured
// by not calling again before it has passed.
import { createHash } from 'node:crypto';
import type { OutboundClient } from '../../outbound/client.js';
import { bearerJson, request, type HttpResult } from '../http-client.js';
import type { HelpScoutConfig } from './config.js';

/** refresh this long before expires_in runs out, so a token never dies mid-request */
const EXPIRY_MARGIN_MS = 5 * 60_000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface Account {
  token?: CachedToken;
  /** a refresh in flight: concurrent deliveries share it instead of each asking for a token */
  pending?: Promise<CachedToken | HttpResult>;
  /** set by a 429: no call before this time */
  coolDownUntil: number;
}

/** Tokens and rate-limit pauses, kept by the provider instance: they outlive one delivery. */
export class HelpScoutAccounts {
  private readonly byKey = new Map<string, Account>();

  constructor(readonly http: OutboundClient) {}

  /** per (base URL, client id, secret): a changed secret starts afresh */
  for(cfg: HelpScoutConfig): Account {
    const key = `${cfg.baseUrl}|${cfg.clientId}|${createHash('sha256').update(cfg.clientSecret).digest('hex')}`;
    let a = this.byKey.get(key);
    if (!a) this.byKey.set(key, (a = { coolDownUntil: 0 }));
    return a;
  }
}

export type ApiResult = HttpResult & { retryAfterSeconds?: number };

const apiUrl = (cfg: HelpScoutConfig, path: string) => `${cfg.baseUrl.replace(/\/+$/, '')}${path}`;

async function fetchToken(cfg: HelpScoutConfig, http: OutboundClient, now: () => number): Promise<CachedToken | HttpResult> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: cfg.clientId, client_secret: cfg.clientSecret }).toString();
  const res = await request(http, apiUrl(cfg, '/v2/oauth2/token'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body,
    timeoutMs: cfg.timeoutMs ?? 10_000,
  });
  const json = res.json as { access_token?: unknown; expires_in?: unknown } | undefined;
  if (!res.ok || typeof json?.access_token !== 'string') {
    // wrong credentials (400/401) will not fix themselves: not worth retrying for a day
    const retryable = res.ok ? false : res.retryable;
    return { ...res, ok: false, retryable, error: `OAuth token: ${res.error || 'no access_token in the answer'}` };
  }
  const ttlMs = Number(json.expires_in) > 0 ? Number(json.expires_in) * 1000 : 3600_000;
  return { token: json.access_token, expiresAt: now() + Math.max(ttlMs - EXPIRY_MARGIN_MS, ttlMs / 2) };
}

async function token(cfg: HelpScoutConfig, http: OutboundClient, account: Account, now: () => number, fresh: boolean): Promise<CachedToken | HttpResult> {
  if (!fresh && account.token && account.token.expiresAt > now()) return account.token;
  account.pending ??= fetchToken(cfg, http, now).finally(() => (account.pending = undefined));
  const t = await account.pending;
  if ('token' in t) account.token = t;
  return t;
}

export function createHelpScoutClient(cfg: HelpScoutConfig, accounts: HelpScoutAccounts, now: () => number = Date.now) {
  const account = accounts.for(cfg);

  async function call(method: string, path: string, body?: unknown): Promise<ApiResult> {
    if (account.coolDownUntil > now()) {
      const wait = Math.ceil((account.coolDownUntil - now()) / 1000);
      return { ok: false, status: 429, retryable: true, retryAfterSeconds: wait, error: `rate limited by Help Scout: waiting ${wait} s more` };
    }
    let res: ApiResult | undefined;
    for (const fresh of [false, true]) {
      const t = await token(cfg, accounts.http, account, now, fresh);
      if (!('token' in t)) return t;
      res = await bearerJson(accounts.http, apiUrl(cfg, path), method, t.token, body, cfg.timeoutMs ?? 10_000, 'application/json; charset=UTF-8');
      // a revoked or expired token: drop it and try once more with a new one
      if (res.status !== 401) break;
      if (account.token?.token === t.token) account.token = undefined;
    }
    if (res!.status === 429) {
      const wait = Number(res!.headers?.get('x-ratelimit-retry-after') ?? res!.headers?.get('retry-after'));
      const seconds = Number.isFinite(wait) && wait > 0 ? Math.min(wait, 3600) : 10;
      account.coolDownUntil = now() + seconds * 1000;
      return { ...res!, retryable: true, retryAfterSeconds: seconds, error: `rate limited by Help Scout (retry after ${seconds} s): ${res!.error}` };
    }
    return res!;
  }

  return {
    call,
    post: (path: string, body: unknown) => call('POST', path, body),
    patch: (path: string, body: unknown) => call('PATCH', path, body),
    get: (path: string) => call('GET', path),
  };
}
export type HelpScoutClient = ReturnType<typeof createHelpScoutClient>;

/** The id Help Scout gives a created resource: the Resource-ID header, else the Location's last segment. */
export function createdId(res: HttpResult): number | undefined {
  const header = res.headers?.get('resource-id');
  const fromLocation = res.headers?.get('location')?.match(/\/(\d+)\/?(?:[?#].*)?$/)?.[1];
  const id = Number(header ?? fromLocation);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

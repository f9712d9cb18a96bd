// The one HTTP client for everything Baton calls (providers, channels, bot webhook steps). It checks
// the address it actually connects to, after DNS (a name that resolves, or re-resolves, to a refused
// address fails: no DNS-rebinding window), never follows redirects, and bounds time and answer size.
// Built on node:http rather than fetch: its documented `lookup` option is the connect-time hook.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { allowedByName, REFUSED_KIND, refusedAddress, refusedUrl, type OutboundPolicy } from './address-policy.js';

export const DEFAULT_TIMEOUT_MS = 10_000;
/** larger answers are cut off and the call fails: no provider or bot webhook needs more */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

export type OutboundFailure = 'refused' | 'timeout' | 'network' | 'too_large';

export class OutboundError extends Error {
  constructor(
    message: string,
    readonly kind: OutboundFailure,
  ) {
    super(message);
    this.name = kind === 'timeout' ? 'TimeoutError' : 'OutboundError';
  }
}

export interface OutboundInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  maxBytes?: number;
}

/** Any status, 3xx included (a redirect is reported, not followed). */
export interface OutboundResponse {
  status: number;
  headers: Headers;
  text: string;
}

function guardedLookup(policy: OutboundPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (!allowedByName(hostname, policy)) {
        for (const a of addresses) {
          if (refusedAddress(a.address, policy)) return callback(new OutboundError(`refused: ${hostname} resolves to ${a.address}, ${REFUSED_KIND}`, 'refused'), '', 0);
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new OutboundError(`${hostname} has no address`, 'network'), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * The outbound client of one Baton instance: its address policy, and connections pooled under that
 * policy only (a socket checked by a looser policy is never reused under a stricter one).
 */
export class OutboundClient {
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };
  private readonly lookup: LookupFunction;

  constructor(readonly policy: OutboundPolicy) {
    this.lookup = guardedLookup(policy);
  }

  /**
   * One call. Resolves with the answer (any status); rejects with an OutboundError when the target is
   * refused, the call times out, the network fails or the answer is larger than `maxBytes`.
   */
  fetch(rawUrl: string, init: OutboundInit = {}): Promise<OutboundResponse> {
    return outboundCall(rawUrl, init, this.policy, this.agents, this.lookup);
  }

  /** Closes pooled connections (shutdown). */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

/** Methods a stale pooled socket may send again (nothing was answered, and sending twice changes nothing). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

function outboundCall(
  rawUrl: string,
  init: OutboundInit,
  policy: OutboundPolicy,
  agents: { 'http:': http.Agent; 'https:': https.Agent },
  lookup: LookupFunction,
  retried = false,
): Promise<OutboundResponse> {
  const refused = refusedUrl(rawUrl, policy);
  if (refused) return Promise.reject(new OutboundError(`refused: ${refused}`, 'refused'));
  const url = new URL(rawUrl);
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = init.maxBytes ?? MAX_RESPONSE_BYTES;
  const body = init.body === undefined ? undefined : Buffer.from(init.body, 'utf8');
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<OutboundResponse>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, res?: OutboundResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(res!);
    };
    const req = lib.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: init.method ?? 'GET',
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup,
      },
      (res) => {
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) {
          res.destroy();
          return finish(new OutboundError(`the answer is larger than ${maxBytes} bytes`, 'too_large'));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            res.destroy();
            finish(new OutboundError(`the answer is larger than ${maxBytes} bytes`, 'too_large'));
          } else chunks.push(c);
        });
        res.on('error', (err) => finish(new OutboundError(err.message, 'network')));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const one of [v ?? []].flat()) headers.append(k, one);
          finish(undefined, { status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    const timer = setTimeout(() => {
      finish(new OutboundError(`timed out after ${timeoutMs} ms`, 'timeout'));
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => {
      // a kept-alive socket the server closed just as it was reused (its idle timeout, a busy machine):
      // the request never reached it, so an idempotent one goes once more on a fresh connection
      if (!settled && !retried && req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET' && IDEMPOTENT.has(init.method ?? 'GET')) {
        settled = true;
        clearTimeout(timer);
        return resolve(outboundCall(rawUrl, init, policy, agents, lookup, true));
      }
      finish(err instanceof OutboundError ? err : new OutboundError(err.message, 'network'));
    });
    req.end(body);
  });
}

// The one HTTP client for everything Baton calls (providers, channels, bot webhook steps). It checks
// the address it actually connects to, after DNS (a name that resolves, or re-resolves, to a refused
// address fails: no DNS-rebinding window), never follows redirects, and bounds time and answer size.
// Built on node:http rather than fetch: its documented `lookup` option is the connect-time hook.
import { randomBytes } from 'node:crypto';
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
  /** text (sent as UTF-8) or bytes as they are (a multipart upload, a file) */
  body?: string | Uint8Array;
  timeoutMs?: number;
  maxBytes?: number;
}

/** Any status, 3xx included (a redirect is reported, not followed). */
export interface OutboundResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** An answer kept as bytes (a file a channel serves); `maxBytes` is the caller's (the attachment limit). */
export interface OutboundBytesResponse {
  status: number;
  headers: Headers;
  bytes: Buffer;
  /** the Content-Type without parameters, lower case ('' when absent) */
  contentType: string;
}

/** A multipart/form-data body (RFC 7578), for the upload APIs that want one (Telegram's sendDocument…). */
export function multipartBody(fields: Record<string, string>, files: Array<{ field: string; name: string; contentType: string; bytes: Uint8Array }>): { body: Buffer; contentType: string } {
  const boundary = `----baton${randomBytes(12).toString('hex')}`;
  // names go inside a quoted header value: quotes and line breaks would end it early
  const q = (v: string) => v.replace(/["\r\n]/g, '_');
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${q(k)}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${q(f.field)}"; filename="${q(f.name)}"\r\nContent-Type: ${f.contentType}\r\n\r\n`), Buffer.from(f.bytes), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
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
  async fetch(rawUrl: string, init: OutboundInit = {}): Promise<OutboundResponse> {
    const r = await outboundCall(rawUrl, init, this.policy, this.agents, this.lookup);
    return { status: r.status, headers: r.headers, text: r.bytes.toString('utf8') };
  }

  /**
   * The same call with the answer kept as bytes (a file to download): the same address policy, timeout
   * and no redirects; `maxBytes` bounds the answer (the attachment limit), whatever Content-Length says.
   */
  async fetchBytes(rawUrl: string, init: OutboundInit & { maxBytes: number }): Promise<OutboundBytesResponse> {
    const r = await outboundCall(rawUrl, init, this.policy, this.agents, this.lookup);
    return { ...r, contentType: (r.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() };
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
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const refused = refusedUrl(rawUrl, policy);
  if (refused) return Promise.reject(new OutboundError(`refused: ${refused}`, 'refused'));
  const url = new URL(rawUrl);
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = init.maxBytes ?? MAX_RESPONSE_BYTES;
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body, 'utf8') : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength);
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise<{ status: number; headers: Headers; bytes: Buffer }>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, res?: { status: number; headers: Headers; bytes: Buffer }) => {
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
          finish(undefined, { status: res.statusCode ?? 0, headers, bytes: Buffer.concat(chunks) });
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

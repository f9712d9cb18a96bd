// The one shape of every signed inbound route (channel events, provider callbacks): the raw bytes
// are read, the signature is checked over them, and only then do limits and parsing apply. A caller
// without a valid signature spends a per-IP budget of its own and can never use up the budget of the
// signed sender (an unsigned flood once locked the real connector out: security.md §7.8).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { keepRawForms, keepRawJson, rawBody } from './parse.js';
import type { RouteDoc } from './route.js';

export type { RouteDoc } from './route.js';

export interface SignedInbound<T> {
  /** how the OpenAPI document describes the route */
  doc: RouteDoc;
  /** POST unless said (a GET carries no body: its credentials are in the headers) */
  method?: 'GET' | 'POST';
  /** what the path names (a channel, a provider) with what verifies it; throws a 4xx AppError when there is none */
  target(req: FastifyRequest): Promise<T>;
  /** throws SIGNATURE_INVALID / TIMESTAMP_OUT_OF_WINDOW unless `raw` is signed for `target` */
  verify(target: T, raw: Buffer, req: FastifyRequest): void | Promise<void>;
  /** the key the signed sender's requests count under (its budget: 10 × RATE_LIMIT_MESSAGES_PER_MINUTE a minute) */
  budgetKey(target: T): string;
  handle(req: FastifyRequest, reply: FastifyReply, target: T, raw: Buffer): Promise<unknown>;
  /** bytes a body may have when the app's limit is too small (an e-mail with its attachments) */
  bodyLimit?: number;
}

const MINUTE = 60_000;

export function registerSignedInbound<T>(app: FastifyInstance, deps: Deps, url: string, spec: SignedInbound<T>): void {
  app.register(async (scoped) => {
    keepRawJson(scoped);
    keepRawForms(scoped);
    // the key of each check is set per request; the limiter itself only counts
    const keys = new WeakMap<FastifyRequest, string>();
    const keyOf = (req: FastifyRequest) => keys.get(req) ?? `ip:${req.ip}`;
    const unsigned = scoped.createRateLimit({ max: deps.config.RATE_LIMIT_UNSIGNED_PER_MINUTE, timeWindow: MINUTE, keyGenerator: keyOf });
    // a connector relays many users' messages: ten times what one conversation may send
    const signed = scoped.createRateLimit({ max: deps.config.RATE_LIMIT_MESSAGES_PER_MINUTE * 10, timeWindow: MINUTE, keyGenerator: keyOf });
    const refuse = (ttlMs: number): never => {
      throw new AppError('RATE_LIMITED', `Too many requests; retry in ${Math.max(1, Math.ceil(ttlMs / 1000))} s`);
    };

    scoped.route({ method: spec.method ?? 'POST', url, ...(spec.bodyLimit ? { bodyLimit: spec.bodyLimit } : {}), config: { access: 'signed', doc: spec.doc }, handler: async (req, reply) => {
      const raw = rawBody(req);
      let target: T;
      try {
        target = await spec.target(req);
        await spec.verify(target, raw, req);
      } catch (err) {
        // unknown targets and bad signatures both count against the caller's address
        keys.set(req, `unsigned:${url}:${req.ip}`);
        const r = await unsigned(req);
        if (!r.isAllowed && r.isExceeded) refuse(r.ttl);
        throw err;
      }
      keys.set(req, `signed:${spec.budgetKey(target)}`);
      const r = await signed(req);
      if (!r.isAllowed && r.isExceeded) refuse(r.ttl);
      return spec.handle(req, reply, target, raw);
    } });
  });
}

// What Meta's webhooks share (WhatsApp Cloud API and Messenger): the verification handshake
// (GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…, the challenge echoed as text/plain,
// else 403) and the signature `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the
// app secret>`, compared in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { ChannelRoute } from './channel.js';

export function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hubSignature(appSecret: string, raw: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** The POST's check: X-Hub-Signature-256 over the raw body with the app secret (else 401, before anything is read). */
export function verifyHubSignature({ config }: { config: { appSecret: string } }, raw: Buffer, req: FastifyRequest): void {
  const header = req.headers['x-hub-signature-256'];
  if (typeof header !== 'string' || !same(header, hubSignature(config.appSecret, raw))) throw new AppError('SIGNATURE_INVALID', 'X-Hub-Signature-256 does not match the body signed with the app secret');
}

/** The GET handshake of a Meta webhook, named for the channel type's OpenAPI operation. */
export function metaVerificationRoute<C extends { verifyToken: string }>(name: string): ChannelRoute<C> {
  return {
    method: 'GET',
    doc: {
      name,
      summary: 'Meta’s webhook verification: ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… answers the challenge as text/plain when the token is the channel’s verifyToken, else 403',
      responseMedia: 'text/plain',
      errors: ['FORBIDDEN'],
    },
    verify({ config }, _raw, req) {
      const q = req.query as Record<string, string | undefined>;
      if (q['hub.mode'] !== 'subscribe' || !same(q['hub.verify_token'] ?? '', config.verifyToken) || !q['hub.challenge']) {
        throw new AppError('FORBIDDEN', 'The verify token does not match this channel');
      }
    },
    async handle(_ctx, req, reply) {
      const challenge = (req.query as Record<string, string>)['hub.challenge']!;
      return reply.type('text/plain; charset=utf-8').send(challenge.slice(0, 200));
    },
  };
}

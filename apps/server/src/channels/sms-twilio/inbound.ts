// Twilio's webhooks for a number (or Messaging Service): "A message comes in" and the StatusCallback
// of the messages Baton sent, both POSTed as application/x-www-form-urlencoded and signed
// `X-Twilio-Signature: base64(HMAC-SHA1(auth token, the full URL as Twilio called it + each POST
// parameter's name and value, sorted by name))`. A message becomes the user's message (its MessageSid
// dedupes Twilio's retries), a status is recorded; the answer is empty TwiML (Baton replies through
// the REST API, so its answers go through the outbox like every channel's).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import type { ChannelRoute, InboundEvent } from '../channel.js';
import type { SmsTwilioConfig } from './config.js';

/** Twilio's signature of a form post to `url`. */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const data = url + sorted.map(([k, v]) => k + v).join('');
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/**
 * The URLs Twilio may have signed: the configured public URL (else PUBLIC_URL, else the request's own
 * scheme and host, which honour X-Forwarded-* when TRUST_PROXY is set) with the path and query as
 * received, with and without an explicit default port (Twilio's libraries accept both).
 */
export function signedUrls(publicBase: string | undefined, req: FastifyRequest): string[] {
  const full = new URL(req.url, publicBase ?? `${req.protocol}://${req.host}`);
  const seen = new Set([full.toString()]);
  const other = new URL(full);
  if (full.port) other.port = '';
  else other.host = `${full.hostname}:${full.protocol === 'https:' ? 443 : 80}`;
  seen.add(other.toString());
  return [...seen];
}

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** Twilio's outbound statuses, as Baton records them (queued, sending and accepted say nothing new). */
const STATUS: Record<string, 'sent' | 'delivered' | 'read' | 'failed'> = { sent: 'sent', delivered: 'delivered', read: 'read', undelivered: 'failed', failed: 'failed' };

export const webhookRoute: ChannelRoute<SmsTwilioConfig> = {
  method: 'POST',
  doc: {
    name: 'receiveTwilioMessage',
    summary: 'Twilio’s messaging webhook (a message comes in) and StatusCallback, form-encoded and signed X-Twilio-Signature with the auth token over the public URL and the sorted parameters (else 401, nothing stored); answers empty TwiML',
    bodyMedia: ['application/x-www-form-urlencoded'],
    responseMedia: 'text/xml',
    errors: ['SIGNATURE_INVALID', 'FORBIDDEN'],
  },
  verify({ deps, config }, raw, req) {
    const header = req.headers['x-twilio-signature'];
    const params = new URLSearchParams(raw.toString('utf8'));
    const got = Buffer.from(typeof header === 'string' ? header : '');
    const ok = signedUrls(config.publicUrl ?? deps.config.PUBLIC_URL, req).some((url) => {
      const want = Buffer.from(twilioSignature(config.authToken, url, params));
      return got.length === want.length && timingSafeEqual(got, want);
    });
    if (!ok) throw new AppError('SIGNATURE_INVALID', 'X-Twilio-Signature does not match this URL and body signed with the auth token (is publicUrl the address Twilio calls?)');
  },
  async handle({ config }, _req, reply, raw, sink) {
    const p = new URLSearchParams(raw.toString('utf8'));
    const events: InboundEvent[] = [];
    const sid = p.get('MessageSid') ?? p.get('SmsSid');
    // another account's callback, signed with the same token, is not this channel's
    if (sid && p.get('AccountSid') === config.accountSid) {
      const status = p.get('MessageStatus');
      if (status && status !== 'received') {
        const mapped = STATUS[status];
        const code = p.get('ErrorCode');
        if (mapped) events.push({ kind: 'status', externalId: sid, status: mapped, ...(mapped === 'failed' ? { error: `Twilio ${status}${code ? ` (error ${code})` : ''}` } : {}) });
      } else {
        const from = p.get('From');
        const text = p.get('Body') ?? '';
        const count = Math.min(Number(p.get('NumMedia') ?? 0) || 0, 10);
        const media = Array.from({ length: count }, (_, i) => ({ ref: p.get(`MediaUrl${i}`) ?? '', ...(p.get(`MediaContentType${i}`) ? { contentType: p.get(`MediaContentType${i}`)! } : {}) })).filter((m) => m.ref);
        // a typed "2" or a button's title is read by the bot's typed answers: SMS carries no payloads
        if (from) events.push({ kind: 'message', id: sid, user: { id: from }, ...(text ? { text } : {}), ...(media.length ? { media } : {}) });
      }
    }
    await sink.receive(events);
    return reply.status(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
  },
};

// Mailgun's inbound route with the raw message (a forward() to a URL ending in "mime"): a form post
// with `body-mime` (the RFC 822 message), `recipient`, `sender`, and Mailgun's signature fields
// `timestamp`, `token` and `signature` = hex HMAC-SHA256 of timestamp + token with the HTTP webhook
// signing key. That signature does not cover the message, so a post is also refused when its timestamp
// is more than five minutes off or its token was used before (on any instance: store/webhook-tokens.ts). The mail becomes the
// user's message in its thread's conversation: quoted text and signature stripped, attachments named.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelWebhookResult } from '@baton/proto';
import { simpleParser, type AddressObject } from 'mailparser';
import { AppError } from '../../errors.js';
import type { ChannelRoute, InboundEvent } from '../channel.js';
import { MAX_MAIL_BYTES, SIGNATURE_MAX_AGE_MS, type EmailConfig } from './config.js';
import { field, formFields } from './form.js';
import { htmlText, stripQuoted } from './quotes.js';
import { claimWebhookToken } from '../../store/webhook-tokens.js';
import { bareId, findThread, recordMail } from './threads.js';

export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey).update(timestamp + token).digest('hex');
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

export function mimeRoute(): ChannelRoute<EmailConfig> {
  return {
    method: 'POST',
    doc: {
      name: 'receiveMailgunMime',
      summary: 'Mailgun’s inbound route (forward() to this URL, which ends in “mime”: the raw message as body-mime), signed timestamp/token/signature with the webhook signing key, the timestamp within 5 minutes and the token unused (else 401, nothing stored): the mail into its thread’s conversation',
      bodyMedia: ['multipart/form-data', 'application/x-www-form-urlencoded'],
      response: ChannelWebhookResult,
      errors: ['SIGNATURE_INVALID', 'FORBIDDEN'],
    },
    bodyLimit: MAX_MAIL_BYTES,
    async verify({ deps, channel, config }, raw, req) {
      const fields = formFields(raw, req.headers['content-type']);
      const timestamp = field(fields, 'timestamp') ?? '';
      const token = field(fields, 'token') ?? '';
      const got = Buffer.from(field(fields, 'signature') ?? '');
      const want = Buffer.from(mailgunSignature(config.webhookSigningSecret, timestamp, token));
      if (!timestamp || !token || got.length !== want.length || !timingSafeEqual(got, want)) throw new AppError('SIGNATURE_INVALID', 'The timestamp, token and signature fields are not signed with this channel’s webhook signing key');
      const now = deps.clock.now();
      if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now - Number(timestamp) * 1000) > SIGNATURE_MAX_AGE_MS) throw new AppError('SIGNATURE_INVALID', 'The signature’s timestamp is more than 5 minutes away from now');
      // claimed in the database: a replay to another instance is refused as well
      const fresh = await deps.store.write.run((tx) => claimWebhookToken(tx, `${channel.id}:${token}`, now, 2 * SIGNATURE_MAX_AGE_MS));
      if (!fresh) throw new AppError('SIGNATURE_INVALID', 'This signature’s token was used before');
    },
    async handle({ deps, channel }, req, reply, raw, sink) {
      const mime = formFields(raw, req.headers['content-type']).find((f) => f.name === 'body-mime');
      const events: InboundEvent[] = [];
      let mailId: string | undefined;
      let subject: string | null = null;
      if (mime) {
        const mail = await simpleParser(mime.bytes, { skipImageLinks: true, skipTextLinks: true });
        const from = firstAddress(mail.from);
        const address = from?.address?.toLowerCase();
        // a bounce or an auto-reply is nobody to answer (RFC 3834): it is taken (200) and dropped
        const automatic = /^(?:auto-replied|auto-generated)/i.test(String(mail.headers.get('auto-submitted') ?? '')) || /mailer-daemon|postmaster/i.test(address ?? '');
        if (address && !automatic) {
          mailId = bareId(mail.messageId ?? `mailgun-${field(formFields(raw, req.headers['content-type']), 'token')}`);
          subject = mail.subject?.trim() || null;
          const refs = [mail.inReplyTo ?? '', ...[mail.references ?? []].flat().reverse()];
          const conversationId = await findThread(deps, channel.id, [mailId, ...refs]);
          // attached files, not the pictures an HTML body shows inline
          const files = mail.attachments.filter((a) => a.contentDisposition !== 'inline' || !a.cid).map((a) => ({ name: a.filename ?? 'attachment', bytes: a.content, contentType: a.contentType }));
          const text = stripQuoted(mail.text ?? (typeof mail.html === 'string' ? htmlText(mail.html) : ''));
          events.push({
            kind: 'message',
            id: mailId,
            user: { id: address, ...(from?.name ? { name: from.name } : {}) },
            // a new thread's subject is part of what the user asks
            text: (conversationId ? [text] : [subject, text]).filter(Boolean).join('\n\n'),
            ...(mail.date ? { at: mail.date.getTime() } : {}),
            ...(files.length ? { files } : {}),
            thread: conversationId ? { conversationId } : {},
          });
        }
      }
      const r = await sink.receive(events);
      const conversationId = r.conversationIds[0];
      if (mailId && conversationId) await recordMail(deps, channel.id, mailId, conversationId, subject);
      // 200 for everything Mailgun should not retry (406 would drop it: never for a mail Baton could not read)
      return reply.status(200).send({ received: r.stored, duplicates: r.duplicates });
    },
  };
}

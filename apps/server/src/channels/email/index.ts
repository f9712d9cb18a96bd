// The `email` channel type (docs/channels/email.md). Inbound: Mailgun's raw-MIME route, signed with
// the webhook signing key (inbound.ts); one conversation per thread, found by Message-ID,
// In-Reply-To and References (threads.ts, migration 022). Outbound: SMTP through the channel's own
// server (smtp.ts), one mail per Baton message in the thread (outbound.ts); a 4xx reply or no reply
// is retried by the outbox, a 5xx reply is a refusal the agent sees.
import { EmailChannelConfig } from '@baton/proto';
import type { Deps } from '../../deps.js';
import type { OutboundClient } from '../../outbound/client.js';
import type { ChannelTypeImpl } from '../channel.js';
import { DEFAULT_SUBJECT, type EmailConfig } from './config.js';
import { mimeRoute } from './inbound.js';
import { EMAIL_CAPABILITIES, MAIL_ATTACHMENTS_MAX_BYTES, mailHtml, mailText, messageIdFor, replySubject } from './outbound.js';
import { readAttachment } from '../../commands/attachments.js';
import { AppError } from '../../errors.js';
import { withLinks } from '../media.js';
import { sendMail, verifySmtp } from './smtp.js';
import { recordMail, startedWithin, threadOf } from './threads.js';

/**
 * Every e-mail conversation starts with a user's mail, which the inbound route records in the thread
 * once the conversation is stored; the welcome may be ready before that. A new conversation's answer
 * waits for it (a moment here, which is all it takes unless the machine is busy, then through the
 * outbox's retry) so it replies in the user's thread, under its subject, instead of starting a thread
 * of its own; past THREAD_RECORDING_GRACE_MS it goes out as it is.
 */
const THREAD_RECORDING_GRACE_MS = 5 * 60_000;
const THREAD_WAIT = { tries: 10, everyMs: 50 };

/** The conversation's thread, once the user's first mail is in it (or after THREAD_WAIT). */
async function recordedThread(deps: Deps, conversationId: string) {
  let thread = await threadOf(deps, conversationId);
  for (let i = 0; !thread.references.length && i < THREAD_WAIT.tries; i++) {
    await new Promise((r) => setTimeout(r, THREAD_WAIT.everyMs));
    thread = await threadOf(deps, conversationId);
  }
  return thread;
}

export function createEmailChannel(http: OutboundClient): ChannelTypeImpl<EmailConfig> {
  return {
    type: 'email',
    configSchema: EmailChannelConfig,
    inboundPath: 'email/mime',
    capabilities: EMAIL_CAPABILITIES,
    // the SMTP server's acceptance is `sent`; a refusal is `failed` with its reply
    reportsStatuses: true,
    routes: [mimeRoute()],
    async deliver({ deps, channel, config }, d) {
      // a bot turn is one mail: its messages in order (buttons as numbered text), files as MIME attachments
      const turn = d.messages ?? [d.message];
      let budget = MAIL_ATTACHMENTS_MAX_BYTES;
      const files = turn.flatMap((m) => m.attachments ?? []);
      const attached = files.filter((f) => (budget -= f.size) >= 0);
      const linked = files.filter((f) => !attached.includes(f));
      const text = [...turn.map((m) => mailText(m)), ...(linked.length ? [mailText(withLinks({ ...d.message, text: '' }, linked))] : [])].filter(Boolean).join('\n\n');
      if (!text && !attached.length) return { ok: true };
      const thread = await recordedThread(deps, d.conversationId);
      if (!thread.references.length && (await startedWithin(deps, d.conversationId, THREAD_RECORDING_GRACE_MS))) {
        return { ok: false, retry: true, error: 'waiting for the user’s mail to be recorded in its thread' };
      }
      const attachments: Array<{ filename: string; content: Buffer; contentType: string }> = [];
      for (const f of attached) {
        try {
          const { meta, bytes } = await readAttachment(deps, f.id);
          attachments.push({ filename: meta.name, content: bytes, contentType: meta.contentType });
        } catch (err) {
          // deleted since (retention, an erasure): the mail goes without it
          if (!(err instanceof AppError)) throw err;
        }
      }
      const messageId = messageIdFor(d.id, config.from);
      const latest = thread.references.at(-1);
      const r = await sendMail(config, http.policy, {
        from: config.from,
        to: d.user.id,
        subject: thread.subject ? replySubject(thread.subject) : (config.subject ?? DEFAULT_SUBJECT),
        messageId: `<${messageId}>`,
        ...(latest ? { inReplyTo: `<${latest}>`, references: thread.references.map((id) => `<${id}>`) } : {}),
        text,
        html: mailHtml(text),
        ...(attachments.length ? { attachments } : {}),
        headers: { 'Auto-Submitted': d.message.author.type === 'bot' ? 'auto-replied' : 'no' },
      });
      if (!r.ok) return { ok: false, retry: r.retry, error: r.error };
      // the user's reply names this id: it finds the conversation, even once closed
      await recordMail(deps, channel.id, messageId, d.conversationId, thread.subject ?? config.subject ?? DEFAULT_SUBJECT);
      return { ok: true, externalId: messageId, status: 'sent' };
    },
    testConnection({ config }) {
      return verifySmtp(config, http.policy);
    },
  };
}

// Outgoing e-mail (SMTP_URL): follow-up replies today; transcripts and the e-mail channel use the same
// interface. `send` only stores the mail in the durable outbox (in the caller's transaction when given),
// so a request never waits on SMTP and nothing acknowledged is lost; the outbox worker hands it to
// nodemailer and retries with backoff while the server is down or answers 4xx (docs/deployment.md).
// The SMTP host comes from the operator's configuration, not from users: it is not subject to the
// outbound address policy that guards provider and webhook URLs.
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.js';
import { insertOutbox } from '../store/outbox.js';
import type { OutboxRow } from '../store/schema.js';
import type { Tx } from '../store/types.js';
import { newSortableId } from '../tokens.js';
import type { DeliveryResult } from '../providers/provider.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** extra headers, e.g. X-Baton-Followup */
  headers?: Record<string, string>;
  /** the conversation the mail is about: its queued mail goes with the conversation's erasure or deletion */
  conversationId?: string;
}

export interface Mailer {
  /** Queues the mail durably: inside `tx` (it is sent only if that transaction commits), else in its own. */
  send(mail: Mail, tx?: Tx): Promise<void>;
}

/** the outbox target of mails (next to provider ids and `channel:<id>`) */
export const MAIL_TARGET = 'mail:smtp';
export const MAIL_EVENT = 'mail';

interface Store {
  write: { run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> };
}

/** The From address: SMTP_FROM, else baton@ the SMTP host (most servers refuse a From of no domain). */
function fromAddress(config: Pick<Config, 'SMTP_URL' | 'SMTP_FROM'>): string {
  return config.SMTP_FROM ?? `baton@${new URL(config.SMTP_URL!).hostname}`;
}

export function createMailer(config: Pick<Config, 'SMTP_URL' | 'SMTP_FROM'>, store: Store, clock: { now(): number }, kick: () => void): (Mailer & { deliver(row: OutboxRow): Promise<DeliveryResult>; close(): void }) | undefined {
  if (!config.SMTP_URL) return undefined;
  // one pooled transport: connections are reused across mails and opened on first use
  const transport = nodemailer.createTransport(config.SMTP_URL, { from: fromAddress(config) });
  const queue = async (tx: Tx, { conversationId, ...mail }: Mail) => {
    const id = newSortableId();
    await insertOutbox(tx, { id, target: MAIL_TARGET, event: MAIL_EVENT, conversationId: conversationId ?? null, payload: JSON.stringify(mail), now: clock.now() });
  };
  return {
    async send(mail, tx) {
      if (tx) await queue(tx, mail);
      else {
        await store.write.run((t) => queue(t, mail));
        kick();
      }
    },
    async deliver(row) {
      const mail = JSON.parse(row.payload) as Mail;
      try {
        // the delivery id as Message-ID: a retry after a lost answer is recognisably the same mail
        await transport.sendMail({ to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers, messageId: `<${row.delivery_id}@baton>` });
        return { ok: true };
      } catch (err) {
        const e = err as Error & { responseCode?: number };
        // 5xx is the server's final no (unknown mailbox, refused sender); anything else may pass later
        const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
        return { ok: false, retry: !permanent, error: `smtp: ${e.message}` };
      }
    },
    close() {
      transport.close();
    },
  };
}

// A contract-faithful stand-in for Mailgun for the e-mail channel, in both directions (docs/channels/email.md
// has the sources). Inbound: a route's forward() to a URL ending in "mime" — a multipart/form-data POST
// with `recipient`, `sender`, `from`, `subject`, `body-mime` (the raw RFC 822 message) and the
// signature fields `timestamp` (seconds), `token` (50 random characters) and `signature` (hex
// HMAC-SHA256 of timestamp + token with the HTTP webhook signing key), signed afresh on every attempt;
// any answer but 200 or 406 is retried (Mailgun retries for 8 hours; here a few quick attempts).
// Outbound: an SMTP relay (smtp-server) that wants AUTH with the account's SMTP credentials (535
// otherwise) and records each accepted mail parsed; tests make it answer 451 (try again) or 550
// (refused) to the next mails.
import { createHmac, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { SMTPServer } from 'smtp-server';

export interface MailgunSimulatorOptions {
  signingKey: string;
  /** Baton's route URL (the channel's inbound URL, ending in "mime") */
  routeUrl?: string;
  /** the domain's address mail is received at */
  recipient: string;
  smtp: { user: string; password: string; port?: number };
  host?: string;
  /** the simulator's clock in ms (signature timestamps) */
  now?: () => number;
  attempts?: number;
  retryDelayMs?: number;
}

export interface InboundPost {
  messageId: string;
  /** each attempt's HTTP status (0: no answer) */
  statuses: number[];
  /** the last attempt's exact bytes and content type (a replay sends them again) */
  body: Buffer;
  contentType: string;
  /** Baton's last answer */
  answer?: string;
  /** the form fields but the signature's */
  fields: Record<string, string | Buffer>;
}

export interface UserMail {
  from: string;
  subject: string;
  text?: string;
  html?: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: Array<{ filename: string; content: Buffer; contentType: string }>;
  headers?: Record<string, string>;
}

export function mailgunSignature(signingKey: string, timestamp: string, token: string): string {
  return createHmac('sha256', signingKey).update(timestamp + token).digest('hex');
}

function multipart(fields: Record<string, string | Buffer>): { body: Buffer; contentType: string } {
  const boundary = `----mailgun${randomBytes(12).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`), Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8'), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export async function startMailgunSimulator(opts: MailgunSimulatorOptions) {
  const now = opts.now ?? Date.now;
  const received: ParsedMail[] = [];
  const posts: InboundPost[] = [];
  const faults: Array<{ code: number; message: string }> = [];
  let routeUrl = opts.routeUrl;

  const smtp = new SMTPServer({
    // loopback without TLS: a real relay offers STARTTLS, which Baton uses when offered
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.smtp.user && auth.password === opts.smtp.password) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('Authentication failed'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, cb) {
      const fault = faults.shift();
      if (fault) return cb(Object.assign(new Error(fault.message), { responseCode: fault.code }));
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address.address)) return cb(Object.assign(new Error('Invalid recipient'), { responseCode: 553 }));
      cb();
    },
    onData(stream, _session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          cb();
        })
        .catch((err: Error) => cb(err));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(opts.smtp.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  async function post(p: InboundPost, fields: Record<string, string | Buffer>): Promise<void> {
    const timestamp = String(Math.floor(now() / 1000));
    const token = randomBytes(25).toString('hex');
    const { body, contentType } = multipart({ ...fields, timestamp, token, signature: mailgunSignature(opts.signingKey, timestamp, token) });
    p.body = body;
    p.contentType = contentType;
    let status: number;
    try {
      const res = await fetch(routeUrl!, { method: 'POST', headers: { 'Content-Type': contentType }, body: new Uint8Array(body), signal: AbortSignal.timeout(15_000) });
      status = res.status;
      p.answer = await res.text();
    } catch {
      status = 0;
    }
    p.statuses.push(status);
  }

  /** A user's mail to the support address: Mailgun's route posts it to Baton (retried unless 200 or 406). */
  async function userMails(m: UserMail): Promise<InboundPost> {
    if (!routeUrl) throw new Error('no route URL set');
    const messageId = `${randomBytes(8).toString('hex')}@mail.example.net`;
    const mime = await new MailComposer({
      from: m.from,
      to: opts.recipient,
      subject: m.subject,
      messageId: `<${messageId}>`,
      date: new Date(now()),
      ...(m.text !== undefined ? { text: m.text } : {}),
      ...(m.html !== undefined ? { html: m.html } : {}),
      ...(m.inReplyTo ? { inReplyTo: `<${m.inReplyTo}>` } : {}),
      ...(m.references ? { references: m.references.map((r) => `<${r}>`) } : {}),
      ...(m.attachments ? { attachments: m.attachments } : {}),
      ...(m.headers ? { headers: m.headers } : {}),
    })
      .compile()
      .build();
    const fields = { recipient: opts.recipient, sender: m.from.replace(/^.*<|>.*$/g, ''), from: m.from, subject: m.subject, 'body-mime': mime };
    const p: InboundPost = { messageId, statuses: [], body: Buffer.alloc(0), contentType: '', fields };
    posts.push(p);
    return deliver(p);
  }

  async function deliver(p: InboundPost): Promise<InboundPost> {
    for (let i = 0; i < (opts.attempts ?? 3); i++) {
      await post(p, p.fields);
      const last = p.statuses.at(-1)!;
      if (last === 200 || last === 406) break;
      await new Promise((r) => setTimeout(r, opts.retryDelayMs ?? 50));
    }
    return p;
  }

  return {
    smtpPort,
    /** the channel's smtpUrl for this relay */
    smtpUrl: `smtp://${encodeURIComponent(opts.smtp.user)}@${opts.host ?? '127.0.0.1'}:${smtpPort}`,
    received,
    posts,
    setRouteUrl(u: string | undefined) {
      routeUrl = u;
    },
    userMails,
    /** the same mail posted again, freshly signed (Mailgun retries when an answer did not reach it) */
    redeliver: (p: InboundPost) => deliver({ ...p, statuses: [] }),
    /** the exact bytes of an earlier post again (its signature and token reused): what an eavesdropper could replay */
    async replay(p: InboundPost): Promise<number> {
      const res = await fetch(routeUrl!, { method: 'POST', headers: { 'Content-Type': p.contentType }, body: new Uint8Array(p.body) });
      await res.arrayBuffer();
      return res.status;
    },
    /** the next `count` recipients are answered with this SMTP reply (451: try again later; 550: refused) */
    failNext(count: number, code: 451 | 550) {
      for (let i = 0; i < count; i++) faults.push({ code, message: code === 451 ? 'Temporary local problem, try again' : 'Mailbox unavailable' });
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

export type MailgunSimulator = Awaited<ReturnType<typeof startMailgunSimulator>>;

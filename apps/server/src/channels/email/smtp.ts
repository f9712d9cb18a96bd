// Sending mail through the channel's own SMTP server (nodemailer). The server's address obeys the
// outbound address policy like every URL Baton calls: the name is resolved here, each address checked
// (OUTBOUND_ALLOW_PRIVATE / OUTBOUND_ALLOWED_HOSTS), and the connection made to the checked address
// with the name kept for TLS, so a name cannot re-resolve elsewhere in between.
import dns from 'node:dns/promises';
import { isIP } from 'node:net';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { allowedByName, isLocalhostName, refusedAddress, type OutboundPolicy } from '../../outbound/address-policy.js';
import type { EmailConfig } from './config.js';

export type SmtpResult = { ok: true; response: string } | { ok: false; retry: boolean; error: string };

/** SMTP's own verdict: a 4xx reply is temporary (try again), a 5xx one permanent; no reply at all is a network failure. */
function failure(err: unknown): { retry: boolean; error: string } {
  const e = err as { responseCode?: number; code?: string; message?: string; refused?: boolean };
  if (e.refused) return { retry: false, error: e.message ?? 'refused' };
  const permanent = e.responseCode !== undefined ? e.responseCode >= 500 : e.code === 'EAUTH';
  return { retry: !permanent, error: `SMTP ${e.responseCode ?? e.code ?? 'error'}: ${(e.message ?? '').slice(0, 300)}` };
}

async function transportFor(cfg: EmailConfig, policy: OutboundPolicy): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
  const url = new URL(cfg.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let address = host;
  if (!allowedByName(host, policy)) {
    const addresses = isIP(host) ? [host] : isLocalhostName(host) ? ['127.0.0.1'] : (await dns.lookup(host, { all: true })).map((a) => a.address);
    const refused = addresses.map((a) => refusedAddress(a, policy)).find(Boolean);
    if (refused) throw Object.assign(new Error(`refused: the SMTP server ${host}: ${refused}`), { refused: true });
    address = addresses[0] ?? host;
  }
  return nodemailer.createTransport({
    host: address,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: cfg.smtpPassword ?? '' } } : {}),
    tls: { servername: isIP(host) ? undefined : host },
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}

export async function sendMail(cfg: EmailConfig, policy: OutboundPolicy, mail: SendMailOptions): Promise<SmtpResult> {
  let transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  try {
    transport = await transportFor(cfg, policy);
    const info = await transport.sendMail(mail);
    return { ok: true, response: info.response };
  } catch (err) {
    return { ok: false, ...failure(err) };
  } finally {
    transport?.close();
  }
}

/** Connects, says EHLO and logs in: whether the server and its credentials work. */
export async function verifySmtp(cfg: EmailConfig, policy: OutboundPolicy): Promise<{ ok: boolean; message: string }> {
  let transport: Transporter | undefined;
  try {
    transport = await transportFor(cfg, policy);
    await transport.verify();
    return { ok: true, message: `Connected to ${new URL(cfg.smtpUrl).host}` };
  } catch (err) {
    return { ok: false, message: failure(err).error };
  } finally {
    transport?.close();
  }
}

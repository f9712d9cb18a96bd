// A contract-faithful stand-in for Twilio Programmable Messaging (SMS) for tests and local demos
// (docs/channels/sms-twilio.md has the sources). REST: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
// form-encoded, HTTP Basic auth AccountSid:AuthToken (else 401, code 20003); To in E.164 (else 400,
// 21211), From one of the account's numbers or a MessagingServiceSid of the account (else 400, 21606
// / 21703), a Body (21602) of at most 1600 characters (21617); answers 201 with the Message (`sid`
// SM…, status `queued`) and then POSTs the StatusCallback `sent` and `delivered`. `GET
// /2010-04-01/Accounts/{AccountSid}.json` reads the account. Webhooks (a message comes in, status
// callbacks) are form-encoded and signed X-Twilio-Signature (HMAC-SHA1 of the URL and the sorted
// parameters with the auth token); Twilio does not retry a failed messaging webhook. Test helpers
// play the phone user (a text, an MMS), inject outages (429 code 20429, 500) and redeliver a webhook.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, webhookSender, type RecordedWebhook } from './shared.js';
import { fetchLink, mediaStore, type FetchedMedia } from './media.js';

export interface TwilioSmsSimulatorOptions {
  port?: number;
  host?: string;
  accountSid: string;
  authToken: string;
  /** the account's numbers (E.164) */
  numbers: string[];
  /** the account's Messaging Services: SID → the number it sends from */
  messagingServices?: Record<string, string>;
  /** Baton's webhook for the numbers (the channel's inbound URL as Twilio calls it) */
  webhookUrl?: string;
  /** statuses reported after a message is accepted (default sent, delivered) */
  statuses?: Array<'sent' | 'delivered' | 'undelivered' | 'failed'>;
  /** "Enforce HTTP Auth on Media URLs" (default on): a media URL asks for the account's Basic auth */
  mediaAuth?: boolean;
}

/** An SMS Baton sent, as the simulator accepted it. */
export interface SentSms {
  sid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  /** an MMS: its MediaUrl values, and the files as Twilio fetched them (set once fetched) */
  mediaUrls: string[];
  media?: FetchedMedia[];
}

export interface TwilioWebhook extends RecordedWebhook {
  kind: 'message' | 'status';
  url: string;
}

class TwilioError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;
const sid = (prefix: string) => prefix + randomBytes(16).toString('hex');

/** X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by each parameter's name and value, sorted by name. */
export function twilioSignature(authToken: string, url: string, params: URLSearchParams): string {
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return createHmac('sha1', authToken).update(url + sorted.map(([k, v]) => k + v).join('')).digest('base64');
}

export async function startTwilioSmsSimulator(opts: TwilioSmsSimulatorOptions) {
  const sent: SentSms[] = [];
  const webhooks: TwilioWebhook[] = [];
  const outages: Array<{ status: number; code: number; retryAfterSeconds?: number }> = [];
  let webhookUrl = opts.webhookUrl;
  const media = mediaStore();
  const fetches: Array<Promise<unknown>> = [];

  const sender = webhookSender<TwilioWebhook>({
    url: (d) => d.url,
    headers: (d) => ({ 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(opts.authToken, d.url, new URLSearchParams(d.body)) }),
    record: (d) => webhooks.push(d),
    // Twilio makes one attempt at a messaging webhook (no retry unless the URL asks for one)
    attempts: 1,
    retryDelayMs: 0,
    timeoutMs: 15_000,
    gaveUp: () => true,
  });
  // status callbacks go to the URL each message named, not the number's webhook
  const callbacks = webhookSender<TwilioWebhook>({
    url: (d) => d.url,
    headers: (d) => ({ 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': twilioSignature(opts.authToken, d.url, new URLSearchParams(d.body)) }),
    record: (d) => webhooks.push(d),
    attempts: 1,
    retryDelayMs: 0,
    timeoutMs: 15_000,
    gaveUp: () => true,
  });

  function accept(form: URLSearchParams): SentSms {
    const to = form.get('To') ?? '';
    if (!E164.test(to)) throw new TwilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    const service = form.get('MessagingServiceSid');
    let from = form.get('From') ?? '';
    if (service) {
      const number = opts.messagingServices?.[service];
      if (!number) throw new TwilioError(400, 21703, 'The Messaging Service Sid is invalid.');
      from = number;
    } else if (!opts.numbers.includes(from)) throw new TwilioError(400, 21606, `The From phone number ${from} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    const body = form.get('Body') ?? '';
    const mediaUrls = form.getAll('MediaUrl');
    if (!body && !mediaUrls.length) throw new TwilioError(400, 21602, 'Message body is required.');
    if (mediaUrls.length > 10) throw new TwilioError(400, 21623, 'The number of media files exceeds the maximum of 10.');
    if (mediaUrls.some((u) => !/^https?:\/\//.test(u))) throw new TwilioError(400, 21620, 'Invalid media URL(s).');
    if (body.length > 1600) throw new TwilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const callback = form.get('StatusCallback') ?? undefined;
    if (callback !== undefined && !/^https?:\/\//.test(callback)) throw new TwilioError(400, 21609, 'Invalid StatusCallback URL.');
    const m: SentSms = { sid: sid(mediaUrls.length ? 'MM' : 'SM'), to, from, body, mediaUrls, ...(callback ? { statusCallback: callback } : {}) };
    sent.push(m);
    // Twilio fetches the media after accepting the message: a URL it cannot fetch, or more than 5 MB in all, fails it
    const fetched = mediaUrls.length
      ? Promise.all(mediaUrls.map(fetchLink)).then((files) => {
          m.media = files;
          if (files.some((f) => f.status !== 200)) return '12300';
          return files.reduce((n, f) => n + f.bytes.length, 0) > 5 * 1024 * 1024 ? '11751' : undefined;
        })
      : Promise.resolve(undefined);
    fetches.push(fetched);
    if (callback) {
      void (async () => {
        const failed = await fetched;
        if (failed) {
          const p = new URLSearchParams({ AccountSid: opts.accountSid, ApiVersion: '2010-04-01', From: from, To: to, MessageSid: m.sid, SmsSid: m.sid, MessageStatus: 'failed', SmsStatus: 'failed', ErrorCode: failed });
          await postTo(callbacks, callback, 'status', p);
          return;
        }
        for (const s of opts.statuses ?? ['sent', 'delivered']) {
          const p = new URLSearchParams({ AccountSid: opts.accountSid, ApiVersion: '2010-04-01', From: from, To: to, MessageSid: m.sid, SmsSid: m.sid, MessageStatus: s, SmsStatus: s, ...(s === 'undelivered' || s === 'failed' ? { ErrorCode: '30003' } : {}) });
          await postTo(callbacks, callback, 'status', p);
        }
      })();
    }
    return m;
  }

  function postTo(s: typeof sender, url: string, kind: TwilioWebhook['kind'], p: URLSearchParams) {
    return s.fire({ kind, url, body: p.toString(), statuses: [], delivered: false });
  }

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://sim');
        // a received MMS's media: the Media resource (Basic auth when enforced) redirects to a short-lived CDN URL
        const cdn = /^\/cdn\/([^/]+)$/.exec(url.pathname);
        if (cdn && req.method === 'GET') return media.serve(res, Number(url.searchParams.get('Expires')) * 1000 > Date.now() ? media.get(cdn[1]!) : undefined);
        const file = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/.]+)$/.exec(url.pathname);
        if (file && req.method === 'GET') {
          const basic = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
          if ((opts.mediaAuth ?? true) && (req.headers.authorization !== basic || file[1] !== opts.accountSid)) throw new TwilioError(401, 20003, 'Authenticate');
          if (!media.get(file[3]!)) throw new TwilioError(404, 20404, 'The requested resource was not found');
          res.writeHead(307, { Location: `/cdn/${file[3]}?Expires=${Math.floor(Date.now() / 1000) + 4 * 3600}` });
          return res.end();
        }
        const m = /^\/2010-04-01\/Accounts\/([^/]+?)(\.json|\/Messages\.json)$/.exec(url.pathname);
        if (!m) throw new TwilioError(404, 20404, 'The requested resource was not found');
        const expected = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
        if (req.headers.authorization !== expected || m[1] !== opts.accountSid) throw new TwilioError(401, 20003, 'Authenticate');
        if (m[2] === '.json' && req.method === 'GET') return json(res, 200, { sid: opts.accountSid, friendly_name: 'Baton simulator', status: 'active', type: 'Full' });
        if (m[2] !== '/Messages.json' || req.method !== 'POST') throw new TwilioError(405, 20004, 'Method not allowed');
        if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) throw new TwilioError(400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
        const form = new URLSearchParams(await readBody(req));
        const outage = outages.shift();
        if (outage) return json(res, outage.status, { code: outage.code, message: outage.status === 429 ? 'Too Many Requests' : 'Internal Server Error', more_info: `https://www.twilio.com/docs/errors/${outage.code}`, status: outage.status }, outage.retryAfterSeconds !== undefined ? { 'Retry-After': String(outage.retryAfterSeconds) } : {});
        const s = accept(form);
        json(res, 201, { sid: s.sid, account_sid: opts.accountSid, to: s.to, from: s.from, body: s.body, status: 'queued', num_segments: '1', direction: 'outbound-api', api_version: '2010-04-01', error_code: null, error_message: null });
      } catch (err) {
        const e = err instanceof TwilioError ? err : new TwilioError(500, 20500, (err as Error).message);
        json(res, e.status, { code: e.code, message: e.message, more_info: `https://www.twilio.com/docs/errors/${e.code}`, status: e.status });
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const base = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  /** A phone user's SMS (or MMS) to one of the account's numbers: Twilio calls the number's webhook. */
  function userSends(from: string, to: string, body: string, media: Array<{ url: string; contentType: string }> = [], messageSid = sid(media.length ? 'MM' : 'SM')) {
    const p = new URLSearchParams({ ToCountry: 'US', SmsMessageSid: messageSid, NumMedia: String(media.length), SmsSid: messageSid, SmsStatus: 'received', Body: body, To: to, NumSegments: '1', MessageSid: messageSid, AccountSid: opts.accountSid, From: from, ApiVersion: '2010-04-01' });
    media.forEach((x, i) => {
      p.set(`MediaUrl${i}`, x.url);
      p.set(`MediaContentType${i}`, x.contentType);
    });
    if (!webhookUrl) throw new Error('no webhook URL set for the number');
    return { sid: messageSid, delivery: postTo(sender, webhookUrl, 'message', p) };
  }

  return {
    url: base,
    /** the base to put in the channel's config (apiBaseUrl) */
    apiBaseUrl: base,
    sent,
    webhooks,
    setWebhookUrl(u: string | undefined) {
      webhookUrl = u;
    },
    userSends,
    /** an MMS: the files are kept as Media resources of the message, named by MediaUrl{N} and MediaContentType{N} */
    userSendsMedia(from: string, to: string, body: string, files: Array<{ bytes: Uint8Array; contentType: string }>) {
      const messageSid = sid('MM');
      const urls = files.map((f) => ({ url: `${base}/2010-04-01/Accounts/${opts.accountSid}/Messages/${messageSid}/Media/${media.put(f.bytes, f.contentType).id}`, contentType: f.contentType }));
      return userSends(from, to, body, urls, messageSid);
    },
    failMediaNext: (count: number, o: { status: number; retryAfterSeconds?: number }) => media.failNext(count, o),
    mediaDownloads: () => media.downloads(),
    /** resolves when Twilio has fetched the media of every MMS sent so far */
    mediaFetched: () => Promise.all(fetches),
    /** the next `count` sends fail with this status (429 + code 20429, or 500) */
    failNext(count: number, o: { status: number; retryAfterSeconds?: number }) {
      for (let i = 0; i < count; i++) outages.push({ status: o.status, code: o.status === 429 ? 20429 : 20500, ...(o.retryAfterSeconds !== undefined ? { retryAfterSeconds: o.retryAfterSeconds } : {}) });
    },
    /** posts a recorded webhook again, byte for byte and signed again (an operator's replay, a retry configured with #rc=) */
    redeliver: (d: TwilioWebhook) => (d.kind === 'status' ? callbacks : sender).redeliver(d),
    settled: async () => {
      await sender.settled();
      await callbacks.settled();
    },
    close: async () => {
      await sender.settled();
      await callbacks.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TwilioSmsSimulator = Awaited<ReturnType<typeof startTwilioSmsSimulator>>;

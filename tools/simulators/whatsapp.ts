// A contract-faithful stand-in for the WhatsApp Cloud API (Graph API) for tests and local demos
// (docs/channels/whatsapp.md has the sources): `POST /{version}/{phone-number-id}/messages` with a
// Bearer token (else 401, code 190), validated as Meta documents it (text body ≤ 4096; interactive
// `button` with 1–3 reply buttons, ids ≤ 256, titles 1–20 and unique; `list` with a button label
// ≤ 20, ≤ 10 rows in all, row ids ≤ 200, titles ≤ 24, descriptions ≤ 72; body ≤ 1024; a template
// needs a name and language; bad parameters → 400 code 100 with the details), and
// `GET /{version}/{phone-number-id}` for the number. Free-form messages more than 24 hours after the
// user's last message are accepted and then fail with a `failed` status carrying error 131047, as
// the Cloud API reports them; accepted messages get `sent`, `delivered` and `read` status webhooks.
// Webhooks are signed `X-Hub-Signature-256` with the app secret and retried on failure. Test helpers
// play the user (text, a button or list reply), move the clock, and inject outages (429/500).
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, webhookSender, type RecordedWebhook } from './shared.js';
import { fetchLink, mediaStore, type FetchedMedia } from './media.js';

export interface WhatsAppSimulatorOptions {
  port?: number;
  host?: string;
  phoneNumberId: string;
  displayPhoneNumber?: string;
  accessToken: string;
  appSecret: string;
  /** Baton's webhook (the channel's inbound URL) */
  webhookUrl?: string;
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
  /** the simulator's clock (ms): the 24-hour window is counted on it */
  now?: () => number;
  /** statuses after a message is accepted (default sent, delivered, read) */
  statuses?: Array<'sent' | 'delivered' | 'read'>;
}

/** A message Baton sent, as the simulator accepted it. */
export interface SentMessage {
  id: string;
  to: string;
  type: string;
  body: Record<string, unknown>;
  /** what the user sees: the text, the body of an interactive message, or the template's name */
  text: string;
  /** reply buttons or list rows, as ids and titles */
  choices: Array<{ id: string; title: string }>;
  /** a media message: the file as Meta fetched it from its `link` (set once fetched) */
  media?: FetchedMedia;
}

export interface WebhookCall extends RecordedWebhook {
  kind: 'message' | 'status';
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: string,
  ) {
    super(message);
  }
}

const invalid = (details: string): never => {
  throw new GraphError(400, 100, '(#100) Invalid parameter', details);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number, what: string, min = 1): string => {
  if (typeof v !== 'string' || [...v].length < min || [...v].length > max) invalid(`${what} length invalid. Min length: ${min}, Max length: ${max}`);
  return v as string;
};
const WINDOW_MS = 24 * 3600_000;
const MB = 1024 * 1024;
/** the media types a message may have, with what each takes (Meta's supported media types and sizes) */
const MEDIA_TYPES: Record<string, { mime: string[]; max: number; caption: boolean; filename: boolean }> = {
  image: { mime: ['image/jpeg', 'image/png'], max: 5 * MB, caption: true, filename: false },
  document: { mime: ['application/pdf', 'text/plain', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'], max: 100 * MB, caption: true, filename: true },
  audio: { mime: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], max: 16 * MB, caption: false, filename: false },
  video: { mime: ['video/mp4', 'video/3gpp'], max: 16 * MB, caption: true, filename: false },
  sticker: { mime: ['image/webp'], max: 500 * 1024, caption: false, filename: false },
};

/** A media object as Meta validates it: `id` or `link` (https or http), caption and filename only where the type has them. */
function checkMedia(type: string, o: unknown): { link?: string; id?: string } {
  const t = MEDIA_TYPES[type]!;
  if (!isObject(o)) return invalid(`${type} is required`);
  const known = new Set(['id', 'link', ...(t.caption ? ['caption'] : []), ...(t.filename ? ['filename'] : [])]);
  for (const k of Object.keys(o)) if (!known.has(k)) invalid(`Unexpected key "${k}" on param "${type}"`);
  if (o.id === undefined && o.link === undefined) invalid(`Param ${type} must have either id or link`);
  if (o.id !== undefined && o.link !== undefined) invalid(`Param ${type} must have either id or link, not both`);
  if (o.link !== undefined) {
    if (typeof o.link !== 'string' || !/^https?:\/\//.test(o.link)) invalid(`${type}.link must be an http(s) URL`);
    return { link: o.link as string };
  }
  if (typeof o.id !== 'string') invalid(`${type}.id must be a string`);
  return { id: o.id as string };
}

/** The interactive object as Meta validates it; returns the body text and the choices. */
function checkInteractive(i: unknown): { text: string; choices: SentMessage['choices'] } {
  if (!isObject(i)) return invalid('interactive is required');
  if (!isObject(i.body)) invalid('interactive.body is required');
  const text = str((i.body as Record<string, unknown>).text, 1024, 'Body text');
  if (!isObject(i.action)) invalid('interactive.action is required');
  const action = i.action as Record<string, unknown>;
  if (i.type === 'button') {
    if (!Array.isArray(action.buttons) || action.buttons.length < 1 || action.buttons.length > 3) invalid('Buttons count invalid. Min: 1, Max: 3');
    const choices = (action.buttons as unknown[]).map((b) => {
      if (!isObject(b) || b.type !== 'reply' || !isObject(b.reply)) return invalid('button type must be reply');
      const r = b.reply as Record<string, unknown>;
      return { id: str(r.id, 256, 'Button id'), title: str(r.title, 20, 'Button title') };
    });
    if (new Set(choices.map((c) => c.title)).size !== choices.length) invalid('Button title must be unique');
    return { text, choices };
  }
  if (i.type === 'list') {
    str(action.button, 20, 'Button label');
    if (!Array.isArray(action.sections) || action.sections.length < 1 || action.sections.length > 10) invalid('Sections count invalid. Min: 1, Max: 10');
    const rows = (action.sections as unknown[]).flatMap((s) => (isObject(s) && Array.isArray(s.rows) ? (s.rows as unknown[]) : invalid('section.rows is required')));
    if (rows.length < 1 || rows.length > 10) invalid('Rows count invalid. Min: 1, Max: 10');
    const choices = rows.map((r) => {
      if (!isObject(r)) return invalid('row must be an object');
      if (r.description !== undefined) str(r.description, 72, 'Row description');
      return { id: str(r.id, 200, 'Row id'), title: str(r.title, 24, 'Row title') };
    });
    return { text, choices };
  }
  return invalid('interactive.type must be button or list (or another type Baton does not send)');
}

export async function startWhatsAppSimulator(opts: WhatsAppSimulatorOptions) {
  const now = opts.now ?? Date.now;
  const sent: SentMessage[] = [];
  const webhooks: WebhookCall[] = [];
  /** the user's last message per wa_id: the customer-service window */
  const lastInbound = new Map<string, number>();
  const outages: Array<{ status: number; code: number; retryAfterSeconds?: number }> = [];
  const media = mediaStore();
  const fetches: Array<Promise<unknown>> = [];
  let webhookUrl = opts.webhookUrl;

  let base = '';
  const sign = (body: string) => `sha256=${createHmac('sha256', opts.appSecret).update(body).digest('hex')}`;
  const sender = webhookSender<WebhookCall>({
    url: () => webhookUrl,
    headers: (d) => ({ 'X-Hub-Signature-256': sign(d.body) }),
    record: (d) => webhooks.push(d),
    attempts: opts.webhookAttempts ?? 3,
    retryDelayMs: opts.webhookRetryDelayMs ?? 50,
    timeoutMs: 10_000,
    gaveUp: () => false,
  });

  const envelope = (value: Record<string, unknown>) =>
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'sim-waba', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: opts.displayPhoneNumber ?? '15550001234', phone_number_id: opts.phoneNumberId }, ...value } }] }],
    });
  const ts = () => String(Math.floor(now() / 1000));

  function statusWebhook(m: SentMessage, status: string, errors?: unknown[]) {
    return sender.fire({ kind: 'status', body: envelope({ statuses: [{ id: m.id, status, timestamp: ts(), recipient_id: m.to, ...(errors ? { errors } : {}) }] }), statuses: [], delivered: false });
  }

  function accept(to: string, b: Record<string, unknown>): SentMessage {
    let text = '';
    let choices: SentMessage['choices'] = [];
    switch (b.type) {
      case 'text':
        if (!isObject(b.text)) invalid('text is required');
        text = str((b.text as Record<string, unknown>).body, 4096, 'Text body');
        break;
      case 'interactive':
        ({ text, choices } = checkInteractive(b.interactive));
        break;
      case 'template': {
        const t = b.template;
        if (!isObject(t) || typeof t.name !== 'string' || !t.name) return invalid('Parameter name is missing or empty');
        if (!isObject(t.language) || typeof (t.language as Record<string, unknown>).code !== 'string') invalid('template.language.code is required');
        text = `[template ${t.name}] ${JSON.stringify(t.components ?? [])}`;
        break;
      }
      default:
        if (typeof b.type === 'string' && b.type in MEDIA_TYPES) {
          const ref = checkMedia(b.type, b[b.type]);
          if (ref.id && !media.get(ref.id)) invalid(`media id ${ref.id} was not uploaded`);
          text = `[${b.type}] ${ref.link ?? ref.id}`;
          break;
        }
        invalid(`Param type must be one of text, interactive, template, ${Object.keys(MEDIA_TYPES).join(', ')}`);
    }
    const m: SentMessage = { id: `wamid.${randomBytes(16).toString('base64url')}`, to, type: String(b.type), body: b, text, choices };
    sent.push(m);
    const last = lastInbound.get(to);
    const mediaType = b.type as string;
    const link = mediaType in MEDIA_TYPES ? ((b[mediaType] as Record<string, unknown>).link as string | undefined) : undefined;
    if (link) {
      // Meta fetches the link after accepting the call: a file it cannot fetch, or of the wrong type or
      // size, fails the message with 131053 (media upload error)
      const t = MEDIA_TYPES[mediaType]!;
      fetches.push(
        fetchLink(link).then((f) => {
          m.media = f;
          const problem = f.status !== 200 ? `the link answered ${f.status}` : !t.mime.includes(f.contentType) ? `${f.contentType} is not a supported ${mediaType} type` : f.bytes.length > t.max ? `${f.bytes.length} bytes is over the ${t.max} bytes of a ${mediaType}` : undefined;
          if (problem) return statusWebhook(m, 'failed', [{ code: 131053, title: 'Media upload error', message: 'Media upload error', error_data: { details: problem } }]);
          return undefined;
        }),
      );
    }
    // the Cloud API accepts the call and reports the closed window as a failed message (131047)
    if (b.type !== 'template' && (last === undefined || now() - last > WINDOW_MS)) {
      void statusWebhook(m, 'failed', [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } }]);
    } else {
      void (async () => {
        for (const s of opts.statuses ?? ['sent', 'delivered', 'read']) await statusWebhook(m, s);
      })();
    }
    return m;
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://sim');
        const parts = url.pathname.split('/').filter(Boolean);
        if ((req.headers.authorization ?? '') !== `Bearer ${opts.accessToken}`) throw new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');
        // the media Meta serves: GET /{version}/{media-id} answers its short-lived URL, which is fetched with the same token
        if (req.method === 'GET' && parts[0] === 'whatsapp_business' && parts[1] === 'attachments') return media.serve(res, media.get(url.searchParams.get('mid') ?? ''));
        if (req.method === 'GET' && parts.length === 2 && media.get(parts[1]!)) {
          const f = media.get(parts[1]!)!;
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify({ messaging_product: 'whatsapp', url: `${base}/whatsapp_business/attachments/?mid=${f.id}&ext=${Math.floor(now() / 1000) + 300}`, mime_type: f.contentType, sha256: media.sha256(f), file_size: String(f.bytes.length), id: f.id }));
        }
        if (parts[1] !== opts.phoneNumberId) throw new GraphError(400, 100, `Unsupported request - Object with ID '${parts[1] ?? ''}' does not exist`);
        if (req.method === 'GET' && parts.length === 2) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify({ display_phone_number: opts.displayPhoneNumber ?? '+1 555-000-1234', verified_name: 'Baton Simulator', id: opts.phoneNumberId }));
        }
        if (req.method !== 'POST' || parts[2] !== 'messages') throw new GraphError(400, 100, 'Unsupported request');
        const outage = outages.shift();
        if (outage) {
          res.writeHead(outage.status, { 'Content-Type': 'application/json', ...(outage.retryAfterSeconds !== undefined ? { 'Retry-After': String(outage.retryAfterSeconds) } : {}) });
          return res.end(JSON.stringify({ error: { message: outage.code === 130429 ? 'Rate limit hit' : 'Service temporarily unavailable', type: 'OAuthException', code: outage.code } }));
        }
        let b: unknown;
        try {
          b = JSON.parse(await readBody(req));
        } catch {
          return invalid('the body is not JSON');
        }
        if (!isObject(b) || b.messaging_product !== 'whatsapp') invalid('messaging_product must be whatsapp');
        const body = b as Record<string, unknown>;
        const to = str(body.to, 20, 'to');
        const m = accept(to, body);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: m.id }] }));
      } catch (err) {
        const e = err instanceof GraphError ? err : new GraphError(500, 1, (err as Error).message);
        res.writeHead(e.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: e.message, type: 'OAuthException', code: e.code, ...(e.details ? { error_data: { messaging_product: 'whatsapp', details: e.details } } : {}), fbtrace_id: randomBytes(8).toString('hex') } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;
  base = url;

  /** A user's message arriving at Meta: the window opens, Baton's webhook is called. */
  function userMessage(from: string, name: string, message: Record<string, unknown>) {
    lastInbound.set(from, now());
    const id = `wamid.${randomBytes(16).toString('base64url')}`;
    const body = envelope({ contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, id, timestamp: ts(), ...message }] });
    return { id, delivery: sender.fire({ kind: 'message', body, statuses: [], delivered: false }) };
  }

  return {
    url,
    /** the Graph API URL to put in the channel's config (graphApiUrl) */
    graphApiUrl: `${url}/v21.0`,
    sent,
    webhooks,
    setWebhookUrl(u: string | undefined) {
      webhookUrl = u;
    },
    userSays: (from: string, text: string, name = 'Test User') => userMessage(from, name, { type: 'text', text: { body: text } }),
    /** presses a reply button (or picks a list row) of a message Baton sent */
    userPicks(from: string, m: SentMessage, index: number, name = 'Test User') {
      const c = m.choices[index];
      if (!c) throw new Error(`message ${m.id} has no choice ${index}`);
      const list = (m.body.interactive as { type?: string } | undefined)?.type === 'list';
      return userMessage(from, name, { type: 'interactive', interactive: list ? { type: 'list_reply', list_reply: { id: c.id, title: c.title } } : { type: 'button_reply', button_reply: { id: c.id, title: c.title } } });
    },
    /**
     * the user sends a picture or a file: Meta keeps it under a media id and the webhook names it
     * (`image`, `document`… with id, mime_type, sha256, and the caption or filename)
     */
    userSendsMedia(from: string, kind: 'image' | 'document' | 'audio' | 'video' | 'sticker', bytes: Uint8Array, mimeType: string, o: { caption?: string; filename?: string; name?: string } = {}) {
      const f = media.put(bytes, mimeType, o.filename);
      return { ...userMessage(from, o.name ?? 'Test User', { type: kind, [kind]: { id: f.id, mime_type: mimeType, sha256: media.sha256(f), ...(o.caption ? { caption: o.caption } : {}), ...(o.filename ? { filename: o.filename } : {}) } }), mediaId: f.id };
    },
    /** the next `count` media downloads answer this status (429 with Retry-After, 500…) */
    failMediaNext: (count: number, o: { status: number; retryAfterSeconds?: number }) => media.failNext(count, o),
    /** media downloads so far, failed ones included */
    mediaDownloads: () => media.downloads(),
    /** resolves when Meta has fetched every outbound media link so far */
    mediaFetched: () => Promise.all(fetches),
    /** the next `count` sends fail with this status (429 + code 130429 + Retry-After, or 500) */
    failNext(count: number, o: { status: number; code?: number; retryAfterSeconds?: number }) {
      for (let i = 0; i < count; i++) outages.push({ status: o.status, code: o.code ?? (o.status === 429 ? 130429 : 1), ...(o.retryAfterSeconds !== undefined ? { retryAfterSeconds: o.retryAfterSeconds } : {}) });
    },
    /** sends a recorded webhook again, byte for byte (Meta redelivers) */
    redeliver: (d: WebhookCall) => sender.redeliver(d),
    settled: () => sender.settled(),
    sign,
    close: async () => {
      await sender.settled();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type WhatsAppSimulator = Awaited<ReturnType<typeof startWhatsAppSimulator>>;

// A contract-faithful stand-in for the Messenger Platform (Graph API) for tests and local demos
// (docs/channels/messenger.md has the sources). Send API: `POST /{version}/me/messages` (or
// `/{page-id}/messages`) with the Page token as `access_token` (else 400, code 190), validated as Meta
// documents it: `messaging_type` RESPONSE | UPDATE | MESSAGE_TAG (a tag required with MESSAGE_TAG),
// `recipient.id`, text < 2000 characters, ≤ 13 quick replies with titles ≤ 20 and payloads ≤ 1000,
// generic templates with ≤ 10 elements (titles and subtitles ≤ 80, ≤ 3 buttons, titles ≤ 20); bad
// parameters → 400 code 100. Outside the 24-hour standard messaging window (HUMAN_AGENT: 7 days) a
// message is refused with code 10 / subcode 2018278; while another app (the Page Inbox) holds the
// user's thread, Baton's sends are refused with code 10 too. Handover Protocol: pass_thread_control
// (only by the thread's holder, to a known app, metadata ≤ 1000) and take_thread_control (the Primary
// Receiver, Baton); the Page Inbox passing the thread back is a `pass_thread_control` webhook to
// Baton, and what the user writes meanwhile reaches Baton as `standby`. Webhooks are signed
// `X-Hub-Signature-256` with the app secret and retried on failure; every message the Page sends is
// echoed (`is_echo`), as it is to an app subscribed to message_echoes.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, webhookSender, type RecordedWebhook } from './shared.js';
import { fetchLink, mediaStore, type FetchedMedia } from './media.js';

export const PAGE_INBOX_APP_ID = '263902037430900';

export interface MessengerSimulatorOptions {
  port?: number;
  host?: string;
  pageId: string;
  pageName?: string;
  pageAccessToken: string;
  /** Baton's app (the Primary Receiver) */
  appId: string;
  appSecret: string;
  webhookUrl?: string;
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
  /** the simulator's clock (ms): the messaging windows are counted on it */
  now?: () => number;
}

/** A message the Page sent, as the simulator accepted it. */
export interface SentMessage {
  mid: string;
  to: string;
  body: Record<string, unknown>;
  messagingType: string;
  tag?: string;
  text: string;
  /** quick replies, as titles and payloads */
  quickReplies: Array<{ title: string; payload: string }>;
  /** generic template elements with their postback buttons */
  elements: Array<{ title: string; subtitle?: string; buttons: Array<{ title: string; payload: string }> }>;
  /** an attachment message (image, audio, video, file): the file as Meta fetched it from `payload.url` */
  media?: FetchedMedia & { type: string };
}

export interface WebhookCall extends RecordedWebhook {
  kind: 'message' | 'postback' | 'echo' | 'handover';
}

export interface ThreadCall {
  action: 'pass_thread_control' | 'take_thread_control';
  psid: string;
  targetAppId?: string;
  metadata?: string;
}

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly subcode?: number,
  ) {
    super(message);
  }
}

const invalid = (what: string): never => {
  throw new GraphError(400, 100, `(#100) ${what}`);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number, what: string): string => {
  if (typeof v !== 'string' || !v || [...v].length > max) invalid(`${what} must be a string of 1 to ${max} characters`);
  return v as string;
};
const WINDOW_MS = 24 * 3600_000;
const HUMAN_AGENT_MS = 7 * 24 * 3600_000;
const TAGS = new Set(['HUMAN_AGENT', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'ACCOUNT_UPDATE']);

const MB = 1024 * 1024;
const ATTACHMENT_TYPES = new Set(['image', 'audio', 'video', 'file']);

/**
 * An attachment message's file, fetched from `payload.url` as the Send API does before it answers
 * (saving assets: up to 25 MB, images up to 8 MB from a URL); refused as Meta refuses it otherwise.
 */
async function fetchAttachment(a: Record<string, unknown>): Promise<SentMessage['media']> {
  const type = String(a.type);
  const payload = isObject(a.payload) ? a.payload : invalid('param message[attachment][payload] is required');
  for (const k of Object.keys(payload)) if (!['url', 'is_reusable', 'attachment_id'].includes(k)) invalid(`param message[attachment][payload][${k}] is not a field of a ${type} payload`);
  if (typeof payload.url !== 'string' || !/^https?:\/\//.test(payload.url)) return invalid('param message[attachment][payload][url] must be a URL (or use attachment_id)');
  const f = await fetchLink(payload.url);
  if (f.status !== 200) throw new GraphError(400, 100, '(#100) Failed to fetch the file from the url', 2018008);
  if (f.bytes.length > (type === 'image' ? 8 : 25) * MB) throw new GraphError(400, 100, '(#100) The file is too large', 2018294);
  if (type === 'image' && !f.contentType.startsWith('image/')) throw new GraphError(400, 100, '(#100) The url is not an image', 2018047);
  return { ...f, type };
}

/** The `message` object as the Send API validates it. */
function checkMessage(m: unknown): Pick<SentMessage, 'text' | 'quickReplies' | 'elements'> {
  if (!isObject(m)) return invalid('param message must be an object');
  let text = '';
  let elements: SentMessage['elements'] = [];
  if (m.text !== undefined && m.attachment !== undefined) invalid('param message must have text or attachment, not both');
  if (isObject(m.attachment) && ATTACHMENT_TYPES.has(String(m.attachment.type))) {
    text = `[${String(m.attachment.type)}]`;
  } else if (m.text !== undefined) {
    // "Must be UTF-8 and less than 2000 characters"
    text = str(m.text, 1999, 'param message[text]');
  } else if (isObject(m.attachment)) {
    const a = m.attachment;
    if (a.type !== 'template') invalid('param message[attachment][type] must be one of {image, audio, video, file, template}');
    if (!isObject(a.payload) || a.payload.template_type !== 'generic') invalid('only generic templates are simulated');
    const els = (a.payload as Record<string, unknown>).elements;
    if (!Array.isArray(els) || els.length < 1 || els.length > 10) invalid('param message[attachment][payload][elements] must have 1 to 10 elements');
    elements = (els as unknown[]).map((e) => {
      if (!isObject(e)) return invalid('element must be an object');
      const buttons = e.buttons === undefined ? [] : e.buttons;
      if (!Array.isArray(buttons) || buttons.length > 3) invalid('an element has at most 3 buttons');
      return {
        title: str(e.title, 80, 'element title'),
        ...(e.subtitle !== undefined ? { subtitle: str(e.subtitle, 80, 'element subtitle') } : {}),
        buttons: (buttons as unknown[]).map((b) => {
          if (!isObject(b) || b.type !== 'postback') return invalid('only postback buttons are simulated');
          return { title: str(b.title, 20, 'button title'), payload: str(b.payload, 1000, 'button payload') };
        }),
      };
    });
    text = elements.map((e) => e.title).join(' | ');
  } else invalid('message must have text or attachment');
  let quickReplies: SentMessage['quickReplies'] = [];
  if (m.quick_replies !== undefined) {
    if (!Array.isArray(m.quick_replies) || m.quick_replies.length < 1 || m.quick_replies.length > 13) invalid('param message[quick_replies] must have 1 to 13 items');
    quickReplies = (m.quick_replies as unknown[]).map((q) => {
      if (!isObject(q) || q.content_type !== 'text') return invalid('quick reply content_type must be text');
      return { title: str(q.title, 20, 'quick reply title'), payload: str(q.payload, 1000, 'quick reply payload') };
    });
  }
  return { text, quickReplies, elements };
}

export async function startMessengerSimulator(opts: MessengerSimulatorOptions) {
  const now = opts.now ?? Date.now;
  const sent: SentMessage[] = [];
  const webhooks: WebhookCall[] = [];
  const threadCalls: ThreadCall[] = [];
  const lastInbound = new Map<string, number>();
  /** who holds each user's thread (absent: idle, or Baton as Primary Receiver) */
  const owner = new Map<string, string>();
  const outages: Array<{ status: number; code: number; retryAfterSeconds?: number }> = [];
  const media = mediaStore();
  let webhookUrl = opts.webhookUrl;

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
  const holder = (psid: string) => owner.get(psid) ?? opts.appId;
  /** the entry as Meta sends it to Baton: `standby` while another app holds the user's thread */
  const envelope = (psid: string, item: Record<string, unknown>, standby = holder(psid) !== opts.appId) =>
    JSON.stringify({ object: 'page', entry: [{ id: opts.pageId, time: now(), [standby ? 'standby' : 'messaging']: [{ sender: { id: psid }, recipient: { id: opts.pageId }, timestamp: now(), ...item }] }] });

  async function accept(b: Record<string, unknown>): Promise<SentMessage> {
    if (!isObject(b.recipient) || typeof b.recipient.id !== 'string' || !b.recipient.id) invalid('param recipient[id] is required');
    const to = (b.recipient as { id: string }).id;
    const type = b.messaging_type;
    if (type !== 'RESPONSE' && type !== 'UPDATE' && type !== 'MESSAGE_TAG') invalid('param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
    if (type === 'MESSAGE_TAG' && (typeof b.tag !== 'string' || !TAGS.has(b.tag))) invalid('param tag is required with messaging_type MESSAGE_TAG');
    const checked = checkMessage(b.message);
    if (holder(to) !== opts.appId) throw new GraphError(400, 10, '(#10) This message is sent while another app has thread control');
    const last = lastInbound.get(to);
    const window = type === 'MESSAGE_TAG' && b.tag === 'HUMAN_AGENT' ? HUMAN_AGENT_MS : WINDOW_MS;
    if (last === undefined || now() - last > window) throw new GraphError(400, 10, '(#10) This message is sent outside of allowed window.', 2018278);
    const attachment = isObject(b.message) && isObject(b.message.attachment) && ATTACHMENT_TYPES.has(String(b.message.attachment.type)) ? b.message.attachment : undefined;
    const media = attachment ? await fetchAttachment(attachment) : undefined;
    const m: SentMessage = { mid: `m_${randomBytes(16).toString('base64url')}`, to, body: b, messagingType: String(type), ...(typeof b.tag === 'string' ? { tag: b.tag } : {}), ...checked, ...(media ? { media } : {}) };
    sent.push(m);
    void sender.fire({ kind: 'echo', body: envelope(to, { message: { mid: m.mid, is_echo: true, app_id: Number(opts.appId), ...(isObject(b.message) ? b.message : {}) } }, false), statuses: [], delivered: false });
    return m;
  }

  function thread(action: ThreadCall['action'], b: Record<string, unknown>) {
    if (!isObject(b.recipient) || typeof b.recipient.id !== 'string') invalid('param recipient[id] is required');
    const psid = (b.recipient as { id: string }).id;
    if (b.metadata !== undefined && (typeof b.metadata !== 'string' || b.metadata.length > 1000)) invalid('param metadata must be a string of at most 1000 characters');
    if (action === 'pass_thread_control') {
      const target = String(b.target_app_id ?? '');
      if (target !== PAGE_INBOX_APP_ID && target !== opts.appId) invalid('param target_app_id must be an app subscribed to the Page');
      if (holder(psid) !== opts.appId) throw new GraphError(400, 10, '(#10) Only the thread owner can pass thread control');
      owner.set(psid, target);
      threadCalls.push({ action, psid, targetAppId: target, ...(typeof b.metadata === 'string' ? { metadata: b.metadata } : {}) });
    } else {
      // Baton is the Primary Receiver: it may take the thread from anyone
      owner.delete(psid);
      threadCalls.push({ action, psid, ...(typeof b.metadata === 'string' ? { metadata: b.metadata } : {}) });
    }
    return { success: true };
  }

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://sim');
        const parts = url.pathname.split('/').filter(Boolean);
        // what a user sent, on Meta's CDN: the attachment's payload.url needs no token
        if (req.method === 'GET' && parts[0] === 'cdn') return media.serve(res, media.get(parts[1] ?? ''));
        const token = url.searchParams.get('access_token') ?? (req.headers.authorization ?? '').replace(/^Bearer /, '');
        if (token !== opts.pageAccessToken) throw new GraphError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
        const node = parts[1];
        if (node !== 'me' && node !== opts.pageId) throw new GraphError(400, 100, `Unsupported request - Object with ID '${node ?? ''}' does not exist`);
        if (req.method === 'GET' && parts.length === 2) {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          return res.end(JSON.stringify({ id: opts.pageId, name: opts.pageName ?? 'Baton Simulator Page' }));
        }
        const edge = parts[2];
        if (req.method !== 'POST' || !edge || !['messages', 'pass_thread_control', 'take_thread_control'].includes(edge)) throw new GraphError(400, 100, 'Unsupported request');
        if (edge === 'messages') {
          const outage = outages.shift();
          if (outage) {
            res.writeHead(outage.status, { 'Content-Type': 'application/json', ...(outage.retryAfterSeconds !== undefined ? { 'Retry-After': String(outage.retryAfterSeconds) } : {}) });
            return res.end(JSON.stringify({ error: { message: outage.code === 613 ? '(#613) Calls to this api have exceeded the rate limit.' : 'An unexpected error has occurred.', type: 'OAuthException', code: outage.code } }));
          }
        }
        let b: unknown;
        try {
          b = JSON.parse(await readBody(req));
        } catch {
          return invalid('the body is not JSON');
        }
        if (!isObject(b)) return invalid('the body must be an object');
        const answer = edge === 'messages' ? await (async () => {
          const m = await accept(b);
          return { recipient_id: m.to, message_id: m.mid };
        })() : thread(edge as ThreadCall['action'], b);
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      } catch (err) {
        const e = err instanceof GraphError ? err : new GraphError(500, 2, (err as Error).message);
        res.writeHead(e.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { message: e.message, type: 'OAuthException', code: e.code, ...(e.subcode ? { error_subcode: e.subcode } : {}), fbtrace_id: randomBytes(8).toString('hex') } }));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const url = `http://${opts.host ?? '127.0.0.1'}:${(server.address() as AddressInfo).port}`;

  function userMessage(psid: string, message: Record<string, unknown>) {
    lastInbound.set(psid, now());
    const mid = `m_${randomBytes(16).toString('base64url')}`;
    return { mid, delivery: sender.fire({ kind: 'message', body: envelope(psid, { message: { mid, ...message } }), statuses: [], delivered: false }) };
  }

  return {
    url,
    /** the Graph API URL to put in the channel's config (graphApiUrl) */
    graphApiUrl: `${url}/v21.0`,
    sent,
    webhooks,
    threadCalls,
    /** the app holding the user's thread */
    holder,
    setWebhookUrl(u: string | undefined) {
      webhookUrl = u;
    },
    userSays: (psid: string, text: string) => userMessage(psid, { text }),
    /** the user sends a picture or a file: the webhook names it by its CDN URL (`attachments[].payload.url`) */
    userSendsMedia(psid: string, type: 'image' | 'file' | 'audio' | 'video', bytes: Uint8Array, contentType: string) {
      const f = media.put(bytes, contentType);
      return { ...userMessage(psid, { attachments: [{ type, payload: { url: `${url}/cdn/${f.id}` } }] }), mediaId: f.id };
    },
    failMediaNext: (count: number, o: { status: number; retryAfterSeconds?: number }) => media.failNext(count, o),
    mediaDownloads: () => media.downloads(),
    /** taps a quick reply of a message the Page sent: its title as the text, the payload with it */
    userTapsQuickReply(psid: string, m: SentMessage, index: number) {
      const q = m.quickReplies[index];
      if (!q) throw new Error(`message ${m.mid} has no quick reply ${index}`);
      return userMessage(psid, { text: q.title, quick_reply: { payload: q.payload } });
    },
    /** presses a postback button of a generic template element */
    userPressesButton(psid: string, m: SentMessage, element: number, button: number) {
      const b = m.elements[element]?.buttons[button];
      if (!b) throw new Error(`message ${m.mid} has no button ${element}/${button}`);
      lastInbound.set(psid, now());
      const mid = `m_${randomBytes(16).toString('base64url')}`;
      return { mid, delivery: sender.fire({ kind: 'postback', body: envelope(psid, { postback: { mid, title: b.title, payload: b.payload } }), statuses: [], delivered: false }) };
    },
    /** the Page Inbox agent marks the conversation done: thread control passes back to Baton */
    inboxPassesBack(psid: string, metadata = 'Conversation marked as done') {
      const previous = holder(psid);
      owner.delete(psid);
      const body = envelope(psid, { pass_thread_control: { new_owner_app_id: opts.appId, previous_owner_app_id: previous, metadata } }, false);
      return sender.fire({ kind: 'handover', body, statuses: [], delivered: false });
    },
    /** the next `count` sends fail with this status (429 + code 613 + Retry-After, or 500) */
    failNext(count: number, o: { status: number; code?: number; retryAfterSeconds?: number }) {
      for (let i = 0; i < count; i++) outages.push({ status: o.status, code: o.code ?? (o.status === 429 ? 613 : 2), ...(o.retryAfterSeconds !== undefined ? { retryAfterSeconds: o.retryAfterSeconds } : {}) });
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

export type MessengerSimulator = Awaited<ReturnType<typeof startMessengerSimulator>>;

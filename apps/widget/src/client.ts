// The widget's connection to Baton through the public Channel API: the conversation kept in
// localStorage (survives a reload), sends retried with one Idempotency-Key each (never lost, never
// doubled; on the socket while it is open, else over HTTP), and a WebSocket that reconnects with
// backoff and resumes after the last seq it has.
import type { Attachment, Conversation, CreateConversationBody, ErrorCode, Message, ServerEvent } from '@baton/proto';
import { backoff, lastSeq, merge, uuid, type Pending } from './timeline';

export interface WidgetUser {
  id?: string;
  name?: string;
  email?: string;
}

export interface ClientConfig {
  server: string;
  bot?: string;
  locale?: string;
  user?: WidgetUser;
  /** proves user.id (see docs/api.md, identity verification) */
  userHash?: string;
}

export interface WidgetState {
  conversation: Conversation | null;
  messages: Message[];
  pending: Pending[];
  connection: 'idle' | 'connecting' | 'open' | 'reconnecting';
  typing: string | null;
  notice: 'tooFast' | 'error' | null;
  ended: boolean;
  /** an agent's part just ended (they closed, or the user ended the chat with them): the rating goes there */
  rateFor: RateTarget | null;
}

/** the conversation (and its token) whose agent episode the user may rate, and who the agent was */
export interface RateTarget {
  id: string;
  token: string;
  agent: string;
}

interface Stored {
  id: string;
  token: string;
  pending?: Pending[];
  /** the user ended it: kept to read and download (the token still reads it), until a new chat starts */
  ended?: boolean;
}

const PING_MS = 25_000;
/** a send on the socket not answered by then goes again over HTTP (same key: never doubled) */
const SOCKET_ACK_MS = 8_000;
/** a socket refusal, as the HTTP status the POST would have answered */
const REJECTED_STATUS: Partial<Record<ErrorCode, number>> = { RATE_LIMITED: 429, UNAUTHORIZED: 401, FORBIDDEN: 403, INTERNAL: 500 };

// answers are the Channel API's JSON, read field by field
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { status: number; body: any };

export class BatonClient {
  state: WidgetState = { conversation: null, messages: [], pending: [], connection: 'idle', typing: null, notice: null, ended: false, rateFor: null };
  private listeners = new Set<() => void>();
  private stored: Stored | null = null;
  private ws: WebSocket | null = null;
  private wsAttempt = 0;
  private wsTimer: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private flushing = false;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  /** when this socket last said the user is typing (0: it did not, or said they stopped) */
  private typingOn = 0;
  private creating: Promise<void> | null = null;
  /** sends on the socket waiting for their message.ack / message.rejected, by clientMessageId */
  private acks = new Map<string, (a: Answer | null) => void>();
  /**
   * Everything up to this seq came from a complete stream (history pages, the socket's ordered feed).
   * A message merged from a send's answer does not move it: the bot's reply before it may still be
   * on its way, and resuming after the send's seq would skip it.
   */
  private synced = 0;
  private readonly key: string;

  constructor(private readonly cfg: ClientConfig) {
    // a signed-in user's conversation is theirs: another user on the same browser starts their own
    this.key = `baton-widget:${cfg.server || location.origin}:${cfg.bot ?? 'default'}${cfg.user?.id ? `:${cfg.user.id}` : ''}`;
    try {
      this.stored = JSON.parse(localStorage.getItem(this.key) ?? 'null') as Stored | null;
    } catch {
      this.stored = null;
    }
    if (this.stored?.pending?.length) this.set({ pending: this.stored.pending.map((p) => ({ ...p, state: 'retrying' as const })) });
    if (this.stored?.ended) this.set({ ended: true });
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<WidgetState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  private save(): void {
    if (!this.stored) localStorage.removeItem(this.key);
    else localStorage.setItem(this.key, JSON.stringify({ ...this.stored, pending: this.state.pending }));
  }

  private url(path: string): string {
    return `${this.cfg.server}/api/v1${path}`;
  }

  private async api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const res = await fetch(this.url(path), {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.stored ? { authorization: `Bearer ${this.stored.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Resume a stored conversation (after a reload) without creating one. */
  async resume(): Promise<void> {
    if (!this.stored) return;
    // an ended chat is read once, not followed: nothing more happens in it unless the user writes
    if (this.stored.ended) return this.loadHistory().catch(() => undefined);
    try {
      await this.loadHistory();
      this.connect();
      void this.flush();
    } catch {
      // offline at load: the socket loop keeps trying
      this.connect();
    }
  }

  /** Make sure there is a conversation (first open, or after the user ended one and starts anew). */
  ensure(): Promise<void> {
    if (this.stored) return Promise.resolve();
    this.creating ??= (async () => {
      const r = await this.api('POST', '/conversations', {
        ...(this.cfg.locale ? { locale: this.cfg.locale } : {}),
        ...(this.cfg.bot ? { botId: this.cfg.bot } : {}),
        ...(this.cfg.user ? { user: definedOnly(this.cfg.user) } : {}),
        ...(this.cfg.userHash ? { userHash: this.cfg.userHash } : {}),
      } satisfies CreateConversationBody);
      if (r.status !== 201) throw new Error(r.body?.error?.message ?? 'could not start a chat');
      this.stored = { id: r.body.conversation.id, token: r.body.token };
      this.save();
      this.set({ conversation: r.body.conversation, ended: false, messages: [] });
      await this.loadHistory();
      this.connect();
    })().finally(() => {
      this.creating = null;
    });
    return this.creating;
  }

  private async loadHistory(): Promise<void> {
    const id = this.stored?.id;
    if (!id) return;
    const conv = await this.api('GET', `/conversations/${id}`);
    // the user may have ended this conversation while the answer was on its way
    if (this.stored?.id !== id) return;
    if (conv.status === 401 || conv.status === 403 || conv.status === 404) return this.forget();
    if (conv.status === 200) this.set({ conversation: conv.body.conversation });
    for (;;) {
      const r = await this.api('GET', `/conversations/${id}/messages?after=${this.synced}&limit=500`);
      if (r.status !== 200 || this.stored?.id !== id) return;
      const page = r.body.messages as Message[];
      this.synced = Math.max(this.synced, lastSeq(page));
      this.set({ messages: merge(this.state.messages, page) });
      if (page.length < 500) return;
    }
  }

  private forget(): void {
    this.stored = null;
    this.save();
    this.ws?.close();
    this.ws = null;
    this.synced = 0;
    this.set({ conversation: null, messages: [], typing: null, ended: false });
  }

  private connect(): void {
    if (!this.stored || this.ws) return;
    clearTimeout(this.wsTimer);
    const base = (this.cfg.server || location.origin).replace(/^http/, 'ws');
    // the token goes in the first frame, not the URL: URLs end up in proxy and access logs
    const token = this.stored.token;
    const ws = new WebSocket(`${base}/api/v1/ws`);
    this.ws = ws;
    this.set({ connection: this.state.connection === 'idle' ? 'connecting' : 'reconnecting' });
    ws.onopen = () => {
      this.wsAttempt = 0;
      this.typingOn = 0;
      ws.send(JSON.stringify({ type: 'auth', token }));
      ws.send(JSON.stringify({ type: 'resume', afterSeq: this.synced }));
      clearInterval(this.ping);
      this.ping = setInterval(() => ws.readyState === 1 && ws.send('{"type":"ping"}'), PING_MS);
    };
    ws.onmessage = (ev) => this.onEvent(JSON.parse(String(ev.data)) as ServerEvent);
    ws.onclose = () => {
      clearInterval(this.ping);
      // sends still waiting for an answer on this socket go again over HTTP
      for (const settle of [...this.acks.values()]) settle(null);
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.stored) return;
      this.set({ connection: 'reconnecting', typing: null });
      this.wsTimer = setTimeout(() => this.connect(), backoff(this.wsAttempt++));
    };
  }

  private onEvent(e: ServerEvent): void {
    switch (e.type) {
      case 'ready':
        this.synced = Math.max(this.synced, e.lastSeq ?? 0);
        this.set({ connection: 'open' });
        void this.flush();
        return;
      case 'message.created':
        // the socket's feed is ordered and complete: everything before this seq has been sent
        this.synced = Math.max(this.synced, e.message.seq);
        this.set({ messages: merge(this.state.messages, [e.message]), ...(e.message.author.type !== 'user' ? { typing: null } : {}) });
        return;
      case 'conversation.updated':
        this.set({ conversation: e.conversation, ...this.rateTargetOf(e.conversation) });
        return;
      case 'message.ack':
        this.acks.get(e.clientMessageId)?.({ status: e.duplicate ? 200 : 201, body: { message: e.message } });
        return;
      case 'message.rejected':
        this.acks.get(e.clientMessageId)?.({ status: REJECTED_STATUS[e.error.code] ?? 422, body: { error: e.error } });
        return;
      case 'typing':
        if (e.author.type === 'user') return;
        clearTimeout(this.typingTimer);
        this.set({ typing: e.on ? (e.author.name ?? '') : null });
        // a lost "off" must not leave the indicator on forever
        if (e.on) this.typingTimer = setTimeout(() => this.set({ typing: null }), 8000);
        return;
      case 'error':
        if (e.error.code === 'UNAUTHORIZED') this.forget();
        return;
      default:
        return;
    }
  }

  async send(text: string, postback?: string, attachments?: Attachment[]): Promise<void> {
    const p: Pending = { key: uuid(), text, ...(postback ? { postback } : {}), ...(attachments?.length ? { attachments } : {}), state: 'sending', attempts: 0 };
    this.set({ pending: [...this.state.pending, p], notice: null });
    this.save();
    await this.flush();
  }

  /** Sends pending messages in order; each keeps its Idempotency-Key across retries. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    clearTimeout(this.sendTimer);
    try {
      for (;;) {
        // failed sends (e.g. refused as too long) wait for the user; the others go in order
        const p = this.state.pending.find((x) => x.state !== 'failed');
        if (!p) return;
        try {
          await this.ensure();
        } catch {
          return this.retryLater(p, 'retrying');
        }
        const conversation = this.stored?.id;
        const r = await this.deliver(p).catch(() => null);
        // ended meanwhile: what was pending then was dropped with it, the new chat starts clean
        if (this.stored?.id !== conversation) continue;
        if (!r) return this.retryLater(p, 'retrying');
        if (r.status === 201 || r.status === 200) {
          this.set({ pending: this.state.pending.filter((x) => x.key !== p.key), messages: merge(this.state.messages, [r.body.message]), notice: null, ended: false });
          this.save();
        } else if (r.status === 429) {
          this.set({ notice: 'tooFast' });
          return this.retryLater(p, 'retrying');
        } else if (r.status >= 500 || r.status === 408) {
          return this.retryLater(p, 'retrying');
        } else if (r.status === 401 || r.status === 403) {
          // the stored conversation is gone: start a new one and send there
          this.forget();
        } else {
          this.update(p, { state: 'failed', error: r.body?.error?.message });
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * One send: on the socket when it is open (lower latency, answered by message.ack or
   * message.rejected), else — or when the socket gives no answer in time — POST with the same key.
   */
  private async deliver(p: Pending): Promise<Answer> {
    const files = p.attachments?.map((a) => a.id);
    const body = p.postback ? { postback: p.postback, text: p.text } : files?.length ? { attachments: files, ...(p.text ? { text: p.text } : {}) } : { text: p.text };
    const ws = this.ws;
    if (ws && ws.readyState === 1 && this.state.connection === 'open') {
      const answer = await new Promise<Answer | null>((resolve) => {
        const timer = setTimeout(() => settle(null), SOCKET_ACK_MS);
        const settle = (a: Answer | null) => {
          clearTimeout(timer);
          this.acks.delete(p.key);
          resolve(a);
        };
        this.acks.set(p.key, settle);
        ws.send(JSON.stringify({ type: 'message.send', clientMessageId: p.key, message: body }));
      });
      if (answer) return answer;
    }
    return this.api('POST', `/conversations/${this.stored!.id}/messages`, body, { 'Idempotency-Key': p.key });
  }

  /**
   * Uploads a file to the conversation (started first if there is none yet) as multipart/form-data;
   * XMLHttpRequest because fetch reports no upload progress. `onProgress` gets 0…1.
   */
  async upload(file: File, onProgress: (fraction: number) => void): Promise<Answer> {
    await this.ensure();
    const { id, token } = this.stored!;
    return new Promise<Answer>((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', this.url(`/conversations/${id}/attachments`));
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
      xhr.onload = () => {
        let body: unknown;
        try {
          body = JSON.parse(xhr.responseText);
        } catch {
          body = undefined;
        }
        resolve({ status: xhr.status, body });
      };
      xhr.onerror = () => resolve({ status: 0, body: undefined });
      const form = new FormData();
      form.append('file', file, file.name || 'file');
      xhr.send(form);
    });
  }

  /** A file of this conversation, fetched with the token in a header (never in a URL, where logs keep it). */
  async fetchFile(url: string): Promise<Blob> {
    const token = this.stored?.token;
    if (!token) throw new Error('no conversation');
    const res = await fetch(`${this.cfg.server}${url}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`download failed (${res.status})`);
    return res.blob();
  }

  private update(p: Pending, patch: Partial<Pending>): void {
    this.set({ pending: this.state.pending.map((x) => (x.key === p.key ? { ...x, ...patch } : x)) });
    this.save();
  }

  private retryLater(p: Pending, state: Pending['state']): void {
    this.update(p, { state, attempts: p.attempts + 1 });
    this.sendTimer = setTimeout(() => void this.flush(), backoff(p.attempts));
  }

  retry(key: string): void {
    const p = this.state.pending.find((x) => x.key === key);
    if (p) this.update(p, { state: 'sending', error: undefined });
    void this.flush();
  }

  discard(key: string): void {
    this.set({ pending: this.state.pending.filter((x) => x.key !== key) });
    this.save();
  }

  /** called per keystroke: an `on` goes at most every 2 s (the agent's indicator lasts 8), an `off` only after an `on` */
  typing(on: boolean): void {
    if (this.ws?.readyState !== 1) return;
    const now = Date.now();
    if (on ? now - this.typingOn < 2000 : this.typingOn === 0) return;
    this.typingOn = on ? now : 0;
    this.ws.send(JSON.stringify({ type: 'typing', on }));
  }

  async cancelWaiting(): Promise<void> {
    if (!this.stored) return;
    const r = await this.api('POST', `/conversations/${this.stored.id}/cancel`);
    if (r.status === 200) this.set({ conversation: r.body.conversation });
  }

  /** A close that keeps the assignee is the end of an agent's episode: the user may rate it. */
  private rateTargetOf(conv: Conversation): Partial<WidgetState> {
    return conv.status === 'closed' && conv.assignee && this.stored ? { rateFor: { id: this.stored.id, token: this.stored.token, agent: conv.assignee.name } } : {};
  }

  /** Rates the agent's latest finished episode (a repeat replaces it); the HTTP status answered. */
  async rate(score: number, comment: string): Promise<number> {
    const target = this.state.rateFor;
    if (!target) return 404;
    const r = await this.api('POST', `/conversations/${target.id}/rating`, { score, ...(comment.trim() ? { comment: comment.trim() } : {}) }, { authorization: `Bearer ${target.token}` });
    return r.status;
  }

  /** The rating question answered or dismissed. */
  doneRating(): void {
    this.set({ rateFor: null });
  }

  /**
   * The user ends the chat: closed on the server and no longer followed here, but kept (after a reload
   * too) so that it stays readable and its transcript can be downloaded; startNew() leaves it.
   */
  async end(): Promise<void> {
    // ended with an agent: the user may rate the agent afterwards
    const agent = this.state.conversation?.assignee;
    if (agent && this.stored) this.set({ rateFor: { id: this.stored.id, token: this.stored.token, agent: agent.name } });
    const old = this.stored;
    if (!old) return;
    this.stored = { id: old.id, token: old.token, ended: true };
    this.ws?.close();
    this.ws = null;
    clearTimeout(this.wsTimer);
    this.set({ ended: true, pending: [], connection: 'idle', typing: null });
    this.save();
    const r = await this.api('POST', `/conversations/${old.id}/end`).catch(() => null);
    if (r?.status === 200 && this.stored?.id === old.id) this.set({ conversation: r.body.conversation });
  }

  /** Leaves the ended chat (it is forgotten here) and starts a new one. */
  async startNew(): Promise<void> {
    this.forget();
    this.set({ pending: [], connection: 'idle' });
    await this.ensure();
  }

  /** Whether the server can e-mail this chat's transcript (SMTP set), and the known address, masked. */
  async transcriptEmailOffer(): Promise<{ available: boolean; email: string | null }> {
    if (!this.stored) return { available: false, email: null };
    const r = await this.api('GET', `/conversations/${this.stored.id}/transcript/email`).catch(() => null);
    return r?.status === 200 ? (r.body as { available: boolean; email: string | null }) : { available: false, email: null };
  }

  /** Asks the server to e-mail the transcript (to the known address, or `email` when none is known). */
  async emailTranscript(email?: string): Promise<boolean> {
    if (!this.stored) return false;
    const r = await this.api('POST', `/conversations/${this.stored.id}/transcript/email`, email ? { email } : {}).catch(() => null);
    return r?.status === 202;
  }

  /**
   * The conversation's transcript as a file the browser saves: fetched with the token (never put in a
   * URL), then handed to a download link. False when it could not be fetched.
   */
  async downloadTranscript(format: 'txt' | 'html'): Promise<boolean> {
    if (!this.stored) return false;
    const res = await fetch(this.url(`/conversations/${this.stored.id}/transcript?format=${format}`), { headers: { authorization: `Bearer ${this.stored.token}` } }).catch(() => null);
    if (!res?.ok) return false;
    const blob = await res.blob();
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `transcript.${format}`;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    a.rel = 'noopener';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    return true;
  }
}

/** the fields that are set (the API refuses unknown keys, and an empty e-mail is not an e-mail) */
function definedOnly(u: WidgetUser): WidgetUser {
  return Object.fromEntries(Object.entries(u).filter(([, v]) => typeof v === 'string' && v !== '')) as WidgetUser;
}

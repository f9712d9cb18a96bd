// The desk's WebSocket (cookie-authenticated): reconnects with capped, jittered backoff, re-sends
// subscriptions after a reconnect and tells listeners so they can refetch what they may have missed.
// The server closes it with 4401 when the session ends (logout, expiry, removal) or the agent's role
// changes (reason ROLE_CHANGED).
import type { ClientEvent, ServerEvent } from '@baton/proto';
import { SocketClose } from '@baton/proto/constants';
import { api } from './api';

export type SocketState = 'connecting' | 'open' | 'closed';
type Listener = (e: ServerEvent) => void;

export function backoffDelay(attempt: number, random = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
  return Math.round(base / 2 + (random() * base) / 2);
}

export class DeskSocket {
  private ws: WebSocket | undefined;
  private listeners = new Set<Listener>();
  private stateListeners = new Set<(s: SocketState, reconnected: boolean) => void>();
  private subscriptions = new Set<string>();
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ping: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private everOpened = false;
  state: SocketState = 'connecting';

  /**
   * token: a session token for a desk that is not cookie-authenticated; it goes in the first frame,
   * never in the URL (which ends up in proxy logs). Without it the desk's cookie is used.
   */
  constructor(
    private readonly url: string = defaultUrl(),
    private readonly token?: string,
  ) {}

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.ping);
    this.ws?.close();
    this.ws = undefined;
  }

  on(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onState(fn: (s: SocketState, reconnected: boolean) => void): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** idempotent: a conversation already followed is not asked for again */
  subscribe(conversationId: string) {
    if (this.subscriptions.has(conversationId)) return;
    this.subscriptions.add(conversationId);
    this.send({ type: 'subscribe', conversationId });
  }

  unsubscribe(conversationId: string) {
    this.subscriptions.delete(conversationId);
    this.send({ type: 'unsubscribe', conversationId });
  }

  send(e: ClientEvent) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(e));
  }

  private setState(s: SocketState, reconnected = false) {
    this.state = s;
    for (const fn of this.stateListeners) fn(s, reconnected);
  }

  private connect() {
    if (this.stopped) return;
    this.setState('connecting');
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      // the first frame tells the server how this socket authenticates: a token, or (anything else)
      // the cookie, without waiting for the server's pause for an auth frame
      this.send(this.token ? { type: 'auth', token: this.token } : { type: 'ping' });
      for (const id of this.subscriptions) this.send({ type: 'subscribe', conversationId: id });
      clearInterval(this.ping);
      // keeps proxies from closing an idle socket and detects a dead one sooner
      this.ping = setInterval(() => this.send({ type: 'ping' }), 25_000);
      this.setState('open', reconnected);
    };
    ws.onmessage = (ev) => {
      let e: ServerEvent;
      try {
        e = JSON.parse(String(ev.data)) as ServerEvent;
      } catch {
        return;
      }
      for (const fn of this.listeners) fn(e);
    };
    ws.onclose = (ev) => {
      clearInterval(this.ping);
      if (this.ws === ws) this.ws = undefined;
      if (ev.code === SocketClose.UNAUTHORIZED && !this.stopped) {
        // the menus and pages follow the role: the desk starts again with the new one
        if (ev.reason === 'ROLE_CHANGED') return window.location.reload();
        // the session ended: a 401 here takes the desk back to its login page (api.ts)
        void api.me().catch(() => undefined);
      }
      this.setState('closed');
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++));
  }
}

function defaultUrl(): string {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${window.location.host}/api/v1/ws`;
}

// A WebSocket test client that records every event and can wait for one.
import WebSocket from 'ws';

export interface Recorded {
  type: string;
  [k: string]: any;
}

export class TestSocket {
  readonly events: Recorded[] = [];
  private waiters: Array<() => void> = [];
  closed = false;
  /** the close code and reason the socket ended with */
  closeCode?: number;
  closeReason?: string;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.events.push(JSON.parse(String(d)));
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = true;
      this.closeCode = code;
      this.closeReason = reason.toString();
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(url: string, headers?: Record<string, string>): Promise<TestSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const t = new TestSocket(ws);
      ws.once('open', () => resolve(t));
      ws.once('error', reject);
    });
  }

  send(e: unknown): void {
    this.ws.send(JSON.stringify(e));
  }

  messages(): Array<{ seq: number; text?: string; author: { type: string }; internal?: boolean }> {
    return this.events.filter((e) => e.type === 'message.created').map((e) => e.message);
  }

  /** waits until `pred` returns something truthy, and returns it */
  async waitFor<T>(pred: (events: Recorded[]) => T, timeoutMs = 10_000, what = 'socket event'): Promise<NonNullable<T>> {
    const end = Date.now() + timeoutMs;
    for (let v = pred(this.events); ; v = pred(this.events)) {
      if (v) return v as NonNullable<T>;
      if (this.closed) throw new Error(`socket closed while waiting for ${what}`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}

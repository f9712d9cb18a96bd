// What one socket may ask of the server: a token bucket per kind of frame, and a budget of refusals.
// A client that keeps sending beyond its buckets (a `resume` flood, a typing flood) is told
// RATE_LIMITED each time and, once its refusals run out, its socket is closed.

/** `burst` at once, refilled continuously at `perSecond`. A class: one small object per bucket (an idle socket holds several). */
export class TokenBucket {
  private tokens: number;
  private at = Date.now();
  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export type FrameKind = 'send' | 'resume' | 'subscribe' | 'typing' | 'ping' | 'other';

/**
 * Per socket, [burst, per second]. A desk that reconnects subscribes to (and resumes) every chat it
 * follows at once; a widget resumes once per connect and sends a typing frame per keystroke.
 */
export const FRAME_LIMITS: Record<Exclude<FrameKind, 'send'>, readonly [number, number]> = {
  resume: [5, 1],
  subscribe: [200, 20],
  typing: [40, 20],
  ping: [20, 2],
  other: [20, 5],
};

/** refused frames a socket may send (refilled at 1 a second) before it is closed */
export const REFUSALS_BEFORE_CLOSE = 50;

export type Verdict = 'ok' | 'refused' | 'close';

export class FrameLimits {
  // made on a socket's first frame of each kind: most sockets only ever send a few kinds
  private readonly buckets: Partial<Record<FrameKind, TokenBucket>> = {};
  private refusals: TokenBucket | undefined;

  /** sendsPerMinute: message.send, the same budget POST /messages has (RATE_LIMIT_MESSAGES_PER_MINUTE) */
  constructor(private readonly sendsPerMinute: number) {}

  take(kind: FrameKind): Verdict {
    const bucket = (this.buckets[kind] ??= kind === 'send' ? new TokenBucket(this.sendsPerMinute, this.sendsPerMinute / 60) : new TokenBucket(...FRAME_LIMITS[kind]));
    if (bucket.take()) return 'ok';
    return (this.refusals ??= new TokenBucket(REFUSALS_BEFORE_CLOSE, 1)).take() ? 'refused' : 'close';
  }
}

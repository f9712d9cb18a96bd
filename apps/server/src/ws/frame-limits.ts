// What one socket may ask of the server: a token bucket per kind of frame, and a budget of refusals.
// A client that keeps sending beyond its buckets (a `resume` flood, a typing flood) is told
// RATE_LIMITED each time and, once its refusals run out, its socket is closed.

/** `burst` at once, refilled continuously at `perSecond`. */
export function tokenBucket(burst: number, perSecond: number) {
  let tokens = burst;
  let at = Date.now();
  return {
    take(): boolean {
      const now = Date.now();
      tokens = Math.min(burst, tokens + ((now - at) * perSecond) / 1000);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
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
  private readonly buckets: Record<FrameKind, ReturnType<typeof tokenBucket>>;
  private readonly refusals = tokenBucket(REFUSALS_BEFORE_CLOSE, 1);

  /** sendsPerMinute: message.send, the same budget POST /messages has (RATE_LIMIT_MESSAGES_PER_MINUTE) */
  constructor(sendsPerMinute: number) {
    this.buckets = {
      send: tokenBucket(sendsPerMinute, sendsPerMinute / 60),
      resume: tokenBucket(...FRAME_LIMITS.resume),
      subscribe: tokenBucket(...FRAME_LIMITS.subscribe),
      typing: tokenBucket(...FRAME_LIMITS.typing),
      ping: tokenBucket(...FRAME_LIMITS.ping),
      other: tokenBucket(...FRAME_LIMITS.other),
    };
  }

  take(kind: FrameKind): Verdict {
    if (this.buckets[kind].take()) return 'ok';
    return this.refusals.take() ? 'refused' : 'close';
  }
}

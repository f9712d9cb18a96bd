// Which typing signals of one socket (or of the REST route, per agent) become typing events: an `on` repeats at most every 2 s (the
// indicators time out after 8 s), an `off` only ends an `on`, and on/off alternating is held to one
// change per 300 ms. Everything else is dropped silently: a client sends a frame per keystroke.

const MIN_CHANGE_MS = 300;
const REPEAT_ON_MS = 2000;
export class TypingThrottle {
  // made on the first typing signal: most sockets of an idle instance never type
  private state: Map<string, { on: boolean; at: number }> | undefined;

  /** keys remembered (a socket: the few conversations its agent types in; ids are not checked before this) */
  constructor(private readonly maxTracked = 200) {}

  pass(conversationId: string, on: boolean, now = Date.now()): boolean {
    const state = (this.state ??= new Map());
    const s = state.get(conversationId);
    if (on) {
      if (s && now - s.at < (s.on ? REPEAT_ON_MS : MIN_CHANGE_MS)) return false;
    } else if (!s?.on) return false;
    if (!s && state.size >= this.maxTracked) state.clear();
    state.set(conversationId, { on, at: now });
    return true;
  }
}

// Where every socket's replay reads its pages: one per instance, shared by user and agent sockets.
// However many sockets resume at once (a reconnect wave, or an attacker with many addresses and
// sockets), at most a few pages are read at a time, and each read first yields to the event loop, so
// live traffic, timers and /healthz go on between pages instead of waiting behind thousands of them.
import { listConversationMessages } from '../commands/read-conversation.js';
import type { Deps } from '../deps.js';
import type { FeedSource } from './conversation-feed.js';

/** pages read at the same time on this instance */
const CONCURRENT_PAGES = 4;

export function createReplaySource(deps: Deps): FeedSource {
  return pacedSource((id, after, limit) => listConversationMessages(deps, id, { after, limit }, true));
}

/** `read` behind the instance-wide pacing: a few pages at a time, each after a turn of the event loop */
export function pacedSource(read: FeedSource['messagesAfter']): FeedSource {
  let reading = 0;
  const waiting: Array<() => void> = [];
  const acquire = () => (reading < CONCURRENT_PAGES ? (reading++, Promise.resolve()) : new Promise<void>((r) => waiting.push(r)));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else reading--;
  };
  return {
    async messagesAfter(id, after, limit) {
      await acquire();
      try {
        // a macrotask turn: a replay's pages never chain through microtasks alone
        await new Promise((r) => setImmediate(r));
        return await read(id, after, limit);
      } finally {
        release();
      }
    },
  };
}

// An end user's socket: follows its one conversation (resume, live messages, typing) and may send
// messages on it instead of POST /messages.
import type { ClientEvent } from '@baton/proto';
import { authorizeUser } from '../commands/read-conversation.js';
import { sendUserMessage } from '../commands/send-user-message.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { ConversationFeed, type FeedSource } from './conversation-feed.js';
import { Counts } from './counts.js';
import type { Hub } from './hub.js';
import type { EventSender } from './send.js';
import { TypingThrottle } from '../domain/typing-throttle.js';

export interface SocketSession {
  onFrame(msg: ClientEvent): void;
  onClose(): void;
}

/** a user's tabs and devices: more sockets on one conversation are refused on this instance */
export const MAX_SOCKETS_PER_CONVERSATION = 10;

export interface UserSockets {
  /** throws UNAUTHORIZED for an unknown token, TOO_MANY_CONNECTIONS past the per-conversation cap */
  open(token: string, send: EventSender): Promise<SocketSession>;
}

export function createUserSockets(deps: Deps, hub: Hub, source: FeedSource): UserSockets {
  // one token may be shared by any number of sockets from any number of addresses: counted per
  // conversation, so a token cannot multiply its replays past this
  const open = new Counts();
  return {
    async open(token, send) {
      const conv = await authorizeUser(deps, token);
      if (open.get(conv.id) >= MAX_SOCKETS_PER_CONVERSATION) throw new AppError('TOO_MANY_CONNECTIONS', `At most ${MAX_SOCKETS_PER_CONVERSATION} open sockets per conversation`);
      open.add(conv.id);
      const session = openUserSession(deps, hub, source, conv, send);
      return {
        onFrame: session.onFrame,
        onClose() {
          session.onClose();
          open.remove(conv.id);
        },
      };
    },
  };
}

function openUserSession(deps: Deps, hub: Hub, source: FeedSource, conv: { id: string; last_seq: number }, send: EventSender): SocketSession {
  deps.metrics.wsConnections.inc({ kind: 'user' });
  const feed = new ConversationFeed(conv.id, conv.last_seq, source, send, false, 'user:');
  const unwatch = hub.watch(conv.id, feed);
  const typing = new TypingThrottle();
  return {
    onFrame(msg) {
      if (msg.type === 'message.send') {
        const clientMessageId = msg.clientMessageId;
        feed.expectAck(clientMessageId);
        sendUserMessage(deps, conv.id, msg.message, clientMessageId).then(
          ({ message, duplicate }) => feed.settleAck({ type: 'message.ack', clientMessageId, message, duplicate }),
          (err: unknown) => {
            const e = err instanceof AppError ? err : undefined;
            if (!e) deps.log.error({ err, conversationId: conv.id }, 'socket send failed');
            feed.settleAck({ type: 'message.rejected', clientMessageId, error: { code: e?.code ?? 'INTERNAL', message: e?.message ?? 'Could not store the message' } });
          },
        );
      } else if (msg.type === 'resume') void feed.resume(msg.afterSeq);
      else if (msg.type === 'ping') send({ type: 'pong' });
      else if (msg.type === 'typing') {
        if (typing.pass(conv.id, msg.on)) deps.bus.publish({ type: 'typing', conversationId: conv.id, author: { type: 'user' }, on: msg.on });
      }
      // subscribe/unsubscribe are for agents; a repeated auth frame changes nothing
    },
    onClose() {
      feed.stop();
      unwatch();
      deps.metrics.wsConnections.dec({ kind: 'user' });
    },
  };
}

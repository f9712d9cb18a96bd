// WebSocket /api/v1/ws?token=…: an end user's socket follows its conversation; an agent's socket
// follows the queue and the conversations it subscribes to (see agent-socket.ts).
import { ClientEvent } from '@baton/proto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { authorizeUser, listConversationMessages } from '../commands/read-conversation.js';
import { sendUserMessage } from '../commands/send-user-message.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parse } from '../http/parse.js';
import { ConversationFeed, type FeedSource } from './conversation-feed.js';
import type { Hub } from './hub.js';
import { eventSender } from './send.js';

export interface AgentSocketHandler {
  /** returns true when the token/cookie belongs to an agent and the socket was taken over */
  tryAgent(socket: WebSocket, token: string | undefined, cookie: string | undefined): Promise<boolean>;
}

const TYPING_MIN_INTERVAL_MS = 300;

/** `perWindow` sends per `windowMs`, refilled continuously, bursts up to `perWindow`. */
function tokenBucket(perWindow: number, windowMs: number) {
  let tokens = perWindow;
  let at = Date.now();
  return {
    take(): boolean {
      const now = Date.now();
      tokens = Math.min(perWindow, tokens + ((now - at) * perWindow) / windowMs);
      at = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

export function registerSocketRoutes(app: FastifyInstance, deps: Deps, hub: Hub, agents?: AgentSocketHandler) {
  const source: FeedSource = {
    messagesAfter: (id, after, limit) => listConversationMessages(deps, id, { after, limit }, true),
  };

  // @fastify/websocket's own 'error' listener holds the handshake's request and reply (with their
  // logger) for as long as the socket is open: replaced by one holding nothing. With the response
  // detached from the socket (app.ts), an idle socket holds 5.5–6 KB instead of 8.5–9.2 KB
  function onSocketError(this: WebSocket, err: Error) {
    deps.log.debug({ err }, 'socket error');
    this.terminate();
  }

  app.get('/api/v1/ws', { websocket: true }, async (socket, req) => {
    socket.removeAllListeners('error');
    socket.on('error', onSocketError);
    const token = (req.query as { token?: string }).token;
    const send = eventSender(socket);
    // listen at once: a client may send `resume` before authentication has finished
    const early: string[] = [];
    const onEarly = (d: Buffer) => early.push(d.toString());
    socket.on('message', onEarly);
    try {
      if (agents && (await agents.tryAgent(socket, token, req.headers.cookie))) {
        socket.off('message', onEarly);
        for (const raw of early) socket.emit('message', Buffer.from(raw));
        return;
      }
      const conv = await authorizeUser(deps, token);
      socket.off('message', onEarly);
      deps.metrics.wsConnections.inc({ kind: 'user' });
      const feed = new ConversationFeed(conv.id, conv.last_seq, source, send, false, 'user:');
      const unwatch = hub.watch(conv.id, feed);
      let lastTyping = 0;
      // per socket, the same budget as POST /messages has per conversation (RATE_LIMIT_MESSAGES_PER_MINUTE)
      const sends = tokenBucket(deps.config.RATE_LIMIT_MESSAGES_PER_MINUTE, 60_000);
      const onMessage = (data: unknown) => {
        let raw: { type?: unknown; clientMessageId?: unknown } | null;
        try {
          raw = JSON.parse(String(data));
        } catch {
          send({ type: 'error', error: { code: 'INVALID_JSON', message: 'Socket messages must be JSON' } });
          return;
        }
        let msg: ClientEvent;
        try {
          msg = parse(ClientEvent, raw);
        } catch (err) {
          // the same error codes as POST /messages (TEXT_TOO_LONG, VALIDATION_FAILED); a refused send
          // names its message, so the client can mark it not sent
          const error = err instanceof AppError ? { code: err.code, message: err.message } : { code: 'VALIDATION_FAILED', message: 'Unknown or malformed socket message' };
          if (raw?.type === 'message.send' && typeof raw.clientMessageId === 'string') send({ type: 'message.rejected', clientMessageId: raw.clientMessageId.slice(0, 200), error });
          else send({ type: 'error', error });
          return;
        }
        if (msg.type === 'message.send') {
          if (!sends.take()) {
            send({ type: 'message.rejected', clientMessageId: msg.clientMessageId, error: { code: 'RATE_LIMITED', message: 'Too many messages; wait a moment' } });
            return;
          }
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
          const now = Date.now();
          if (msg.on && now - lastTyping < TYPING_MIN_INTERVAL_MS) return;
          lastTyping = now;
          deps.bus.publish({ type: 'typing', conversationId: conv.id, author: { type: 'user' }, on: msg.on });
        }
      };
      socket.on('message', onMessage);
      socket.on('close', () => {
        unwatch();
        deps.metrics.wsConnections.dec({ kind: 'user' });
      });
      for (const raw of early) onMessage(raw);
    } catch (err) {
      const code = err instanceof AppError ? err.code : 'INTERNAL';
      const message = err instanceof AppError ? err.message : 'Could not open the socket';
      send({ type: 'error', error: { code, message } });
      socket.close(4401, code);
    }
  });
}

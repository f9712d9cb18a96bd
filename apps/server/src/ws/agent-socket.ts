// An agent's desk socket: queue and presence events for everyone, message/typing/updates for the
// conversations it subscribes to (authorized like the REST reads) and for its own chats. When an
// agent's last desk socket closes, the agent goes offline after a grace period unless it comes back
// (on this or another instance: sockets refresh last_seen_at).
// A socket lives no longer than its session: logout, expiry, the agent's deletion, demotion or new
// password close it at once (a `session.revoked` bus event reaches every instance), and every
// subscribe/resume authenticates again and is checked against the agent's current row.
import { SocketClose, type ClientEvent } from '@baton/proto';
import type { WebSocket } from 'ws';
import { assertCanView, isSupervisor } from '../commands/agent-access.js';
import { setAgentStatus } from '../commands/agent-actions.js';
import { authenticate } from '../commands/auth.js';
import type { BusEvent } from '../bus/bus.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { findConversation } from '../store/conversations.js';
import type { AgentRow } from '../store/schema.js';
import { hashToken } from '../tokens.js';
import { ConversationFeed, type FeedSource } from './conversation-feed.js';
import { Counts } from './counts.js';
import type { ConversationListener, Hub } from './hub.js';
import type { EventSender } from './send.js';
import { TypingThrottle } from '../domain/typing-throttle.js';
import type { SocketSession } from './user-socket.js';

export interface AgentSockets {
  /** authenticates the session token; throws UNAUTHORIZED / SESSION_EXPIRED */
  open(socket: WebSocket, token: string, send: EventSender): Promise<SocketSession>;
  close(): void;
}

/** a setTimeout longer than this fires at once; the heartbeat's check covers sessions that long */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Live {
  tokenHash: string;
  end(code: 'UNAUTHORIZED' | 'SESSION_EXPIRED', reason: string, message: string): void;
}

export function createAgentSockets(deps: Deps, hub: Hub, source: FeedSource): AgentSockets {
  const socketsByAgent = new Counts();
  /** this instance's open desk sockets by agent id, for revocations */
  const live = new Map<string, Set<Live>>();
  const graceTimers = new Map<string, NodeJS.Timeout>();
  const heartbeatMs = Math.max(1000, (deps.config.PRESENCE_GRACE_SECONDS * 1000) / 3);

  const unsubscribeBus = deps.bus.subscribe((e: BusEvent) => {
    if (e.type !== 'session.revoked') return;
    for (const s of [...(live.get(e.agentId) ?? [])]) {
      if (e.tokenHash && e.tokenHash !== s.tokenHash) continue;
      if (e.reason === 'role') s.end('UNAUTHORIZED', 'ROLE_CHANGED', 'Your role changed: reconnect');
      else s.end('UNAUTHORIZED', 'SESSION_REVOKED', 'The session was ended (logout, password change or removal)');
    }
  });

  const touch = (agentId: string) =>
    deps.store.write.run((tx) => tx.updateTable('agents').set({ last_seen_at: deps.clock.now() }).where('id', '=', agentId).execute()).catch(() => undefined);

  function lastSocketClosed(agent: AgentRow) {
    const grace = deps.config.PRESENCE_GRACE_SECONDS * 1000;
    clearTimeout(graceTimers.get(agent.id));
    graceTimers.set(
      agent.id,
      setTimeout(async () => {
        graceTimers.delete(agent.id);
        if (socketsByAgent.get(agent.id) > 0) return;
        const row = await deps.store.db.selectFrom('agents').select(['status', 'last_seen_at', 'deleted_at']).where('id', '=', agent.id).executeTakeFirst();
        // another instance still holds a socket of this agent if it refreshed last_seen_at recently
        if (!row || row.deleted_at !== null || row.status === 'offline' || (row.last_seen_at ?? 0) > deps.clock.now() - grace + 50) return;
        await setAgentStatus(deps, agent.id, 'offline').catch(() => undefined);
      }, grace),
    );
  }

  return {
    async open(socket, token, send) {
      const agent = await authenticate(deps, token);
      const tokenHash = hashToken(token);
      let closed = false;
      const me: Live = {
        tokenHash,
        end(code, reason, message) {
          if (closed) return;
          send({ type: 'error', error: { code, message } });
          socket.close(SocketClose.UNAUTHORIZED, reason);
          closed = true;
        },
      };
      let mine = live.get(agent.id);
      if (!mine) live.set(agent.id, (mine = new Set()));
      mine.add(me);
      const timers: { expiry?: NodeJS.Timeout; heartbeat?: NodeJS.Timeout } = {};
      let counted = false;
      let unwatchAll = () => {};
      const feeds = new Map<string, { feed: ConversationFeed; unwatch: () => void }>();
      /** everything this socket holds, let go of when it closes — or when opening it fails half way */
      const cleanup = () => {
        closed = true;
        clearTimeout(timers.expiry);
        clearInterval(timers.heartbeat);
        unwatchAll();
        for (const f of feeds.values()) {
          f.feed.stop();
          f.unwatch();
        }
        mine.delete(me);
        if (mine.size === 0) live.delete(agent.id);
        if (!counted) return;
        counted = false;
        deps.metrics.wsConnections.dec({ kind: 'agent' });
        if (socketsByAgent.remove(agent.id) === 0) lastSocketClosed(agent);
      };
      /** a read while opening: if it fails (the store is down), nothing of this socket stays behind */
      const opening = async <T>(read: () => Promise<T>): Promise<T> => {
        try {
          return await read();
        } catch (err) {
          cleanup();
          throw err;
        }
      };
      // read again now that revocations reach this socket: one committed since authenticate() read
      // the session would otherwise go unnoticed
      const session = await opening(() =>
        deps.store.db
        .selectFrom('sessions')
        .innerJoin('agents', 'agents.id', 'sessions.agent_id')
        .select(['sessions.expires_at', 'agents.role', 'agents.deleted_at'])
        .where('sessions.token_hash', '=', tokenHash)
        .executeTakeFirst(),
      );
      const expiresAt = session?.expires_at ?? 0;
      const expire = () => me.end('SESSION_EXPIRED', 'SESSION_EXPIRED', 'The session has expired; log in again');
      timers.expiry = setTimeout(expire, Math.min(MAX_TIMER_MS, Math.max(0, expiresAt - deps.clock.now())));
      if (!session || session.deleted_at !== null) me.end('UNAUTHORIZED', 'SESSION_REVOKED', 'The session was ended (logout, password change or removal)');
      else if (session.role !== agent.role) me.end('UNAUTHORIZED', 'ROLE_CHANGED', 'Your role changed: reconnect');

      deps.metrics.wsConnections.inc({ kind: 'agent' });
      socketsByAgent.add(agent.id);
      counted = true;
      clearTimeout(graceTimers.get(agent.id));
      void touch(agent.id);
      timers.heartbeat = setInterval(() => {
        // the clock may jump (or the session outlive a timer): expiry is checked here too
        if (deps.clock.now() >= expiresAt) return expire();
        void touch(agent.id);
      }, heartbeatMs);
      const typing = new TypingThrottle();

      /** a read that failed (the store, not the client): logged, and the client told */
      const failed = (err: unknown, conversationId: string) => {
        deps.log.error({ err, conversationId }, 'agent socket read failed');
        send({ type: 'error', error: { code: 'INTERNAL', message: 'Could not read the conversation; retry' } });
      };
      /** the session and the agent as they are now: a revoked session ends the socket */
      const current = async (): Promise<AgentRow | undefined> => {
        try {
          return await authenticate(deps, token);
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          if (err.code === 'SESSION_EXPIRED') expire();
          else me.end('UNAUTHORIZED', 'SESSION_REVOKED', 'The session was ended (logout, password change or removal)');
          return undefined;
        }
      };
      const follow = async (who: AgentRow, conversationId: string, afterSeq?: number) => {
        if (closed) return;
        const conv = await findConversation(deps.store.db, conversationId);
        if (!conv) return send({ type: 'error', error: { code: 'CONVERSATION_NOT_FOUND', message: `No conversation ${conversationId}` } });
        try {
          assertCanView(who, conv);
        } catch {
          return send({ type: 'error', error: { code: 'FORBIDDEN', message: 'This conversation is not routed to you' } });
        }
        if (closed) return;
        let f = feeds.get(conversationId);
        if (!f) {
          const feed = new ConversationFeed(conversationId, conv.last_seq, source, send, true, `agent:${agent.id}`);
          // every change of the conversation (accepted by someone else, transferred, closed) is a
          // change of who may see it: the feed waits for the answer before it sends anything more
          const guarded: ConversationListener = {
            onEvent(e) {
              if (e.type === 'conversation.updated' && !isSupervisor(agent)) feed.recheck(() => stillVisible(conversationId), () => lost(conversationId));
              feed.onEvent(e);
            },
          };
          f = { feed, unwatch: hub.watch(conversationId, guarded) };
          feeds.set(conversationId, f);
          // a change between the read above and the watch would have gone unseen: checked once more
          if (!isSupervisor(agent)) feed.recheck(() => stillVisible(conversationId), () => lost(conversationId));
        }
        if (afterSeq !== undefined) await f.feed.resume(afterSeq);
      };
      const stillVisible = async (conversationId: string) => {
        // the agent as they are now (skills and languages may have changed since the socket opened)
        const who = await current();
        const conv = who && (await findConversation(deps.store.db, conversationId));
        if (!who || !conv) return false;
        try {
          assertCanView(who, conv);
          return true;
        } catch {
          return false;
        }
      };
      const lost = (conversationId: string) => {
        const f = feeds.get(conversationId);
        f?.unwatch();
        feeds.delete(conversationId);
        if (!closed) send({ type: 'error', error: { code: 'FORBIDDEN', message: `Conversation ${conversationId} is no longer routed to you; its updates stop` } });
      };
      const subscribe = async (conversationId: string, afterSeq?: number) => {
        try {
          const who = await current();
          if (who) await follow(who, conversationId, afterSeq);
        } catch (err) {
          failed(err, conversationId);
        }
      };
      // my live chats are followed from the start
      const chats = await opening(() => deps.store.db.selectFrom('conversations').select('id').where('assignee_id', '=', agent.id).where('status', '=', 'agent').execute());
      for (const c of chats) await opening(() => follow(agent, c.id));
      const everything = {
        onEvent(e: BusEvent) {
          if (e.type === 'queue.updated') send({ type: 'queue.updated', conversationId: e.conversationId, status: e.status });
          else if (e.type === 'agent.status') send({ type: 'agent.status', agentId: e.agentId, status: e.status });
          else if (e.type === 'followups.updated') send({ type: 'followups.updated', followupId: e.followupId, status: e.status });
        },
      };
      unwatchAll = hub.watchAll(everything);
      send({ type: 'ready' });

      return {
        onFrame(msg: ClientEvent) {
          if (closed) return;
          if (msg.type === 'ping') return send({ type: 'pong' });
          if (msg.type === 'subscribe') return void subscribe(msg.conversationId);
          if (msg.type === 'unsubscribe') {
            const f = feeds.get(msg.conversationId);
            f?.feed.stop();
            f?.unwatch();
            feeds.delete(msg.conversationId);
            return;
          }
          if (msg.type === 'resume' && msg.conversationId) return void subscribe(msg.conversationId, msg.afterSeq);
          if (msg.type === 'message.send') {
            // agents reply with POST /agent/conversations/{id}/messages (owner checks, notes, rich content)
            return send({ type: 'message.rejected', clientMessageId: msg.clientMessageId, error: { code: 'FORBIDDEN', message: 'Agents send with POST /api/v1/agent/conversations/{id}/messages' } });
          }
          if (msg.type === 'typing' && msg.conversationId) {
            const id = msg.conversationId;
            const on = msg.on;
            if (!typing.pass(id, on)) return;
            findConversation(deps.store.db, id).then(
              (c) => {
                if (!closed && c?.status === 'agent' && c.assignee_id === agent.id) {
                  deps.bus.publish({ type: 'typing', conversationId: id, author: { type: 'agent', id: agent.id, name: agent.name }, on });
                }
              },
              (err: unknown) => failed(err, id),
            );
          }
        },
        onClose: cleanup,
      };
    },
    close() {
      unsubscribeBus();
      for (const t of graceTimers.values()) clearTimeout(t);
      graceTimers.clear();
    },
  };
}

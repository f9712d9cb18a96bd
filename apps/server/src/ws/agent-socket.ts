// An agent's desk socket: queue and presence events for everyone, message/typing/updates for the
// conversations it subscribes to (authorized like the REST reads) and for its own chats. When an
// agent's last desk socket closes, the agent goes offline after a grace period unless it comes back
// (on this or another instance: sockets refresh last_seen_at).
import { ClientEvent } from '@baton/proto';
import type { WebSocket } from 'ws';
import { assertCanView } from '../commands/agent-access.js';
import { setAgentStatus } from '../commands/agent-actions.js';
import { authenticate, SESSION_COOKIE } from '../commands/auth.js';
import { listConversationMessages } from '../commands/read-conversation.js';
import type { BusEvent } from '../bus/bus.js';
import type { Deps } from '../deps.js';
import { findConversation } from '../store/conversations.js';
import type { AgentRow } from '../store/schema.js';
import { ConversationFeed, type FeedSource } from './conversation-feed.js';
import type { Hub } from './hub.js';
import { eventSender } from './send.js';
import type { AgentSocketHandler } from './socket-routes.js';

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

export function createAgentSockets(deps: Deps, hub: Hub): AgentSocketHandler & { close(): void } {
  const socketsByAgent = new Map<string, number>();
  const graceTimers = new Map<string, NodeJS.Timeout>();
  const source: FeedSource = { messagesAfter: (id, after, limit) => listConversationMessages(deps, id, { after, limit }, true) };
  const heartbeatMs = Math.max(1000, (deps.config.PRESENCE_GRACE_SECONDS * 1000) / 3);

  const touch = (agentId: string) =>
    deps.store.write.run((tx) => tx.updateTable('agents').set({ last_seen_at: deps.clock.now() }).where('id', '=', agentId).execute()).catch(() => undefined);

  function lastSocketClosed(agent: AgentRow) {
    const grace = deps.config.PRESENCE_GRACE_SECONDS * 1000;
    clearTimeout(graceTimers.get(agent.id));
    graceTimers.set(
      agent.id,
      setTimeout(async () => {
        graceTimers.delete(agent.id);
        if ((socketsByAgent.get(agent.id) ?? 0) > 0) return;
        const row = await deps.store.db.selectFrom('agents').select(['status', 'last_seen_at']).where('id', '=', agent.id).executeTakeFirst();
        // another instance still holds a socket of this agent if it refreshed last_seen_at recently
        if (!row || row.status === 'offline' || (row.last_seen_at ?? 0) > deps.clock.now() - grace + 50) return;
        await setAgentStatus(deps, agent.id, 'offline').catch(() => undefined);
      }, grace),
    );
  }

  return {
    async tryAgent(socket: WebSocket, token: string | undefined, cookie: string | undefined) {
      const t = token?.startsWith('as_') ? token : (token ? undefined : cookieValue(cookie, SESSION_COOKIE));
      if (!t) return false;
      const agent = await authenticate(deps, t);
      const send = eventSender(socket);
      deps.metrics.wsConnections.inc({ kind: 'agent' });
      socketsByAgent.set(agent.id, (socketsByAgent.get(agent.id) ?? 0) + 1);
      clearTimeout(graceTimers.get(agent.id));
      void touch(agent.id);
      const heartbeat = setInterval(() => void touch(agent.id), heartbeatMs);
      const feeds = new Map<string, { feed: ConversationFeed; unwatch: () => void }>();
      const subscribe = async (conversationId: string, afterSeq?: number) => {
        const conv = await findConversation(deps.store.db, conversationId);
        if (!conv) return send({ type: 'error', error: { code: 'CONVERSATION_NOT_FOUND', message: `No conversation ${conversationId}` } });
        try {
          assertCanView(agent, conv);
        } catch {
          return send({ type: 'error', error: { code: 'FORBIDDEN', message: 'This conversation is not routed to you' } });
        }
        let f = feeds.get(conversationId);
        if (!f) {
          const feed = new ConversationFeed(conversationId, conv.last_seq, source, send, true, `agent:${agent.id}`);
          f = { feed, unwatch: hub.watch(conversationId, feed) };
          feeds.set(conversationId, f);
        }
        if (afterSeq !== undefined) await f.feed.resume(afterSeq);
      };
      // my live chats are followed from the start
      const mine = await deps.store.db.selectFrom('conversations').select('id').where('assignee_id', '=', agent.id).where('status', '=', 'agent').execute();
      for (const c of mine) await subscribe(c.id);
      const everything = {
        onEvent(e: BusEvent) {
          if (e.type === 'queue.updated') send({ type: 'queue.updated', conversationId: e.conversationId, status: e.status });
          else if (e.type === 'agent.status') send({ type: 'agent.status', agentId: e.agentId, status: e.status });
        },
      };
      const unwatchAll = hub.watchAll(everything);
      socket.on('message', (data) => {
        let msg: ClientEvent;
        try {
          const r = ClientEvent.safeParse(JSON.parse(String(data)));
          if (!r.success) return send({ type: 'error', error: { code: 'VALIDATION_FAILED', message: 'Unknown or malformed socket message' } });
          msg = r.data;
        } catch {
          return send({ type: 'error', error: { code: 'INVALID_JSON', message: 'Socket messages must be JSON' } });
        }
        if (msg.type === 'ping') return send({ type: 'pong' });
        if (msg.type === 'subscribe') return void subscribe(msg.conversationId);
        if (msg.type === 'unsubscribe') {
          feeds.get(msg.conversationId)?.unwatch();
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
          void findConversation(deps.store.db, id).then((c) => {
            if (c?.status === 'agent' && c.assignee_id === agent.id) {
              deps.bus.publish({ type: 'typing', conversationId: id, author: { type: 'agent', id: agent.id, name: agent.name }, on: msg.type === 'typing' && msg.on });
            }
          });
        }
      });
      socket.on('close', () => {
        clearInterval(heartbeat);
        unwatchAll();
        for (const f of feeds.values()) f.unwatch();
        deps.metrics.wsConnections.dec({ kind: 'agent' });
        const left = (socketsByAgent.get(agent.id) ?? 1) - 1;
        if (left <= 0) {
          socketsByAgent.delete(agent.id);
          lastSocketClosed(agent);
        } else socketsByAgent.set(agent.id, left);
      });
      send({ type: 'ready' });
      return true;
    },
    close() {
      for (const t of graceTimers.values()) clearTimeout(t);
      graceTimers.clear();
    },
  };
}

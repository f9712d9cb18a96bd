// What an external provider may do to a conversation it was handed (agent accepted, message, typing,
// hand back, closed, refused), each checked against the state machine. Providers call these from
// their inbound routes after verifying the caller's signature.
import type { Button, Card } from '@baton/proto';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { findConversation } from '../store/conversations.js';
import type { ConversationRow } from '../store/schema.js';
import { commit } from './after-commit.js';
import { appendAgentMessage, applyClose, applyHandback, assertDialog, type Actor } from './agent-actions.js';
import { claimForAgent } from './assign.js';
import { lockOrThrow } from './conversation-events.js';
import { endWaiting } from './end-waiting.js';

export interface ExternalAgent {
  id: string;
  name?: string;
}

export interface InboundActions {
  /** runs `fn` once per (provider, event id); a repeat is acknowledged and not applied */
  once(providerId: string, eventId: string, fn: () => Promise<void>): Promise<{ duplicate: boolean }>;
  accepted(providerId: string, conversationId: string, agent: ExternalAgent): Promise<void>;
  message(providerId: string, conversationId: string, agent: ExternalAgent, body: { text?: string; buttons?: Button[]; cards?: Card[] }): Promise<void>;
  typing(providerId: string, conversationId: string, agent: ExternalAgent, on: boolean): Promise<void>;
  handback(providerId: string, conversationId: string, body: { dialog?: string; variables?: Record<string, unknown> }, agent?: ExternalAgent): Promise<void>;
  closed(providerId: string, conversationId: string, agent?: ExternalAgent): Promise<void>;
  refused(providerId: string, conversationId: string, reason: string): Promise<void>;
}

const actor = (providerId: string, a?: ExternalAgent): Actor => ({ id: `ext:${providerId}:${a?.id ?? 'unknown'}`, name: a?.name || 'Agent' });

async function own(deps: Deps, providerId: string, conversationId: string, tx?: Parameters<Parameters<typeof commit>[1]>[0]): Promise<ConversationRow> {
  const conv = tx ? await lockOrThrow(deps, tx, conversationId) : await findConversation(deps.store.db, conversationId);
  // a provider only reaches conversations handed to it
  if (!conv || conv.provider_id !== providerId) throw new AppError('CONVERSATION_NOT_FOUND');
  return conv;
}

export function createInboundActions(deps: Deps): InboundActions {
  const accept = async (tx: Parameters<Parameters<typeof commit>[1]>[0], out: Parameters<Parameters<typeof commit>[1]>[1], conv: ConversationRow, providerId: string, agent: ExternalAgent) => {
    const who = actor(providerId, agent);
    if (conv.status === 'agent' && conv.assignee_id === who.id) return conv;
    if (conv.status !== 'offloaded' && conv.status !== 'agent') throw new AppError('NOT_WAITING');
    return conv.status === 'agent'
      ? claimForAgent(deps, tx, out, conv, who, 'agent.transfer.agent', 'transfer')
      : claimForAgent(deps, tx, out, conv, who, 'agent.accept', 'provider');
  };
  return {
    async once(providerId, eventId, fn) {
      const key = `${providerId}:${eventId}`;
      try {
        await deps.store.write.run((tx) => tx.insertInto('inbound_events').values({ id: key, provider_id: providerId, received_at: deps.clock.now() }).execute());
      } catch {
        return { duplicate: true };
      }
      try {
        await fn();
      } catch (err) {
        // not applied: forget the id so the provider's retry is applied
        await deps.store.write.run((tx) => tx.deleteFrom('inbound_events').where('id', '=', key).execute()).catch(() => undefined);
        throw err;
      }
      return { duplicate: false };
    },
    async accepted(providerId, conversationId, agent) {
      await commit(deps, async (tx, out) => {
        await accept(tx, out, await own(deps, providerId, conversationId, tx), providerId, agent);
      }, conversationId);
    },
    async message(providerId, conversationId, agent, body) {
      await commit(deps, async (tx, out) => {
        let conv = await own(deps, providerId, conversationId, tx);
        // the first agent message is the acceptance for providers that signal nothing else (Genesys)
        if (conv.status === 'offloaded') conv = await accept(tx, out, conv, providerId, agent);
        if (conv.status !== 'agent') throw new AppError('NOT_WITH_AGENT');
        await appendAgentMessage(deps, tx, out, conv, actor(providerId, agent), body);
      }, conversationId);
    },
    async typing(providerId, conversationId, agent, on) {
      const conv = await own(deps, providerId, conversationId);
      if (conv.status !== 'agent' && conv.status !== 'offloaded') return;
      deps.bus.publish({ type: 'typing', conversationId, author: { type: 'agent', id: actor(providerId, agent).id, name: agent.name }, on });
    },
    async handback(providerId, conversationId, body, agent) {
      await own(deps, providerId, conversationId);
      await assertDialog(deps, conversationId, body.dialog);
      await commit(deps, async (tx, out) => {
        const conv = await own(deps, providerId, conversationId, tx);
        if (conv.status === 'bot' || conv.status === 'closed') return; // already back: a late or repeated signal
        if (conv.status === 'offloaded') {
          const claimed = await claimForAgent(deps, tx, out, conv, actor(providerId, agent), 'agent.accept', 'provider');
          // the row as before the claim, in the claim's status: the hand-back line names no earlier owner
          // and no desk agent is freed
          return applyHandback(deps, tx, out, { ...conv, status: claimed.status }, actor(providerId, agent), body);
        }
        await applyHandback(deps, tx, out, conv, actor(providerId, agent), body);
      }, conversationId);
    },
    async closed(providerId, conversationId, agent) {
      await commit(deps, async (tx, out) => {
        const conv = await own(deps, providerId, conversationId, tx);
        if (conv.status === 'closed' || conv.status === 'bot') return;
        await applyClose(deps, tx, out, conv, actor(providerId, agent));
      }, conversationId);
    },
    async refused(providerId, conversationId, reason) {
      const conv = await own(deps, providerId, conversationId);
      if (conv.status !== 'offloaded') return;
      await endWaiting(deps, conversationId, 'provider.refuse', { detail: reason, ifStatus: 'offloaded' });
    },
  };
}

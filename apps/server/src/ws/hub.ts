// Fans bus events out to the sockets on this instance: an index from conversation id to the feeds
// watching it, plus the agent sockets that follow the queue.
import type { BusEvent } from '../bus/bus.js';

export interface ConversationListener {
  onEvent(event: BusEvent): void;
}

export class Hub {
  private byConversation = new Map<string, Set<ConversationListener>>();
  private everything = new Set<ConversationListener>();

  watch(conversationId: string, l: ConversationListener): () => void {
    let set = this.byConversation.get(conversationId);
    if (!set) this.byConversation.set(conversationId, (set = new Set()));
    set.add(l);
    return () => {
      set!.delete(l);
      if (set!.size === 0) this.byConversation.delete(conversationId);
    };
  }

  /** listeners for instance-wide events (queue, agent status, follow-ups): the agent desks */
  watchAll(l: ConversationListener): () => void {
    this.everything.add(l);
    return () => this.everything.delete(l);
  }

  dispatch(event: BusEvent): void {
    if ('conversationId' in event && event.conversationId) {
      const set = this.byConversation.get(event.conversationId);
      if (set) for (const l of set) l.onEvent(event);
    }
    if (event.type === 'queue.updated' || event.type === 'agent.status' || event.type === 'followups.updated') {
      for (const l of this.everything) l.onEvent(event);
    }
  }

  get watchedConversations(): number {
    return this.byConversation.size;
  }
}

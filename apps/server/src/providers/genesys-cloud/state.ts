// What Baton remembers per Genesys conversation (provider_state), and what Genesys's own view of a
// conversation (its participants) says about the agent's session.
import { z } from 'zod';

/** What Baton remembers per conversation (provider_state), for the webhook and the poller. */
export interface GenesysState {
  /** requestedAt (ms) of the handover this state belongs to: a new handover starts afresh */
  handoverAt?: number;
  /** the handover reached Genesys: only then are later messages and goodbyes worth sending */
  delivered?: boolean;
  /** returned for the handover message (prefetchConversationId), else learned from the webhook */
  genesysConversationId?: string | null;
  agent?: { id: string; name?: string } | null;
  /** the agent side ended (seen by the poller); nothing more is sent for this handover */
  ended?: boolean;
}

export const GenesysParticipant = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    purpose: z.string().optional(),
    state: z.string().optional(),
    endTime: z.string().optional(),
    user: z.object({ id: z.string(), name: z.string().optional() }).loose().optional(),
  })
  .loose();
export const GenesysConversation = z.object({ id: z.string(), participants: z.array(GenesysParticipant).default([]) }).loose();
export type GenesysConversation = z.infer<typeof GenesysConversation>;

const gone = (state?: string) => state === 'disconnected' || state === 'terminated';

/**
 * Ended when the customer leg is disconnected, or when an agent took part and no agent or queue (acd)
 * leg is still active: a transfer disconnects the first agent but keeps an acd or new agent leg alive.
 */
export function sessionEnded(c: GenesysConversation): boolean {
  const p = c.participants;
  if (p.some((x) => x.purpose === 'customer' && gone(x.state))) return true;
  const agents = p.filter((x) => x.purpose === 'agent');
  if (!agents.length) return false;
  return p.filter((x) => x.purpose === 'agent' || x.purpose === 'acd').every((x) => gone(x.state));
}

/** The agent to name in Baton: the connected one, else the last one who took part. */
export function currentAgent(c: GenesysConversation): { id: string; name?: string } | undefined {
  const agents = c.participants.filter((x) => x.purpose === 'agent');
  const a = [...agents].reverse().find((x) => x.state === 'connected') ?? agents.at(-1);
  if (!a) return undefined;
  const id = a.user?.id ?? a.id;
  return id ? { id, name: a.name ?? a.user?.name } : undefined;
}

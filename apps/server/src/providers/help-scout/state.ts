// What Baton remembers per conversation about its Help Scout side (provider_state.data), and how an
// inbound webhook finds the Baton conversation from a Help Scout conversation id.
import type { Deps } from '../../deps.js';
import { fromJson } from '../../store/json.js';
import { findByExternalId } from '../state.js';

export interface HelpScoutState {
  /** the Help Scout conversation of the current handover (a new handover replaces it) */
  helpScoutId?: number;
  customerId?: number;
  customerEmail?: string;
  /** the outbox delivery id of the handover that created it: a retried delivery never creates two */
  handoverId?: string;
  /** threads Baton posted, newest last: their webhook echoes are never taken for agent replies */
  ownThreadIds?: number[];
  /** Baton or Help Scout ended this handover: later webhooks for it change nothing */
  ended?: boolean;
}

export const OWN_THREADS_KEPT = 200;

export function readState(data: Record<string, unknown>): HelpScoutState {
  return data as HelpScoutState;
}

/** The Baton conversation whose current handover is Help Scout conversation `helpScoutId`. */
export async function findByHelpScoutId(deps: Deps, providerId: string, helpScoutId: number): Promise<{ conversationId: string; state: HelpScoutState } | undefined> {
  for (const r of await findByExternalId(deps, providerId, String(helpScoutId))) {
    const state = readState(r.data);
    if (state.helpScoutId === helpScoutId) return { conversationId: r.conversationId, state };
  }
  return undefined;
}

/** Marks a handover ended only if it is still the conversation's current one. */
export async function markEnded(deps: Deps, providerId: string, conversationId: string, helpScoutId: number): Promise<void> {
  await deps.store.write.run(async (tx) => {
    const r = await tx.selectFrom('provider_state').select('data').where('conversation_id', '=', conversationId).where('provider_id', '=', providerId).executeTakeFirst();
    const state = fromJson<HelpScoutState>(r?.data, {});
    if (!r || state.helpScoutId !== helpScoutId || state.ended) return;
    await tx
      .updateTable('provider_state')
      .set({ data: JSON.stringify({ ...state, ended: true }), updated_at: deps.clock.now() })
      .where('conversation_id', '=', conversationId)
      .where('provider_id', '=', providerId)
      .execute();
  });
}

// The agents list of the admin screen: everyone not removed, by name.
import type { Agent } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentAgent } from './auth.js';

/** A team is small by nature: lists of agents stop here (docs/api.md) rather than page. */
export const MAX_AGENTS = 1000;

export async function listAgents(deps: Deps): Promise<Agent[]> {
  const rows = await deps.store.reads.selectFrom('agents').selectAll().where('deleted_at', 'is', null).orderBy('name').limit(MAX_AGENTS).execute();
  return rows.map(presentAgent);
}

// The agents list of the admin screen: everyone not removed, by name.
import type { Agent } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentAgent } from './auth.js';

export async function listAgents(deps: Deps): Promise<Agent[]> {
  const rows = await deps.store.db.selectFrom('agents').selectAll().where('deleted_at', 'is', null).orderBy('name').execute();
  return rows.map(presentAgent);
}

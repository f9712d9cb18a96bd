// The channel webhooks an admin sees, secrets masked.
import type { ChannelView } from '@baton/proto';
import type { Deps } from '../deps.js';
import { presentChannel } from './channels.js';

export async function listChannels(deps: Deps): Promise<ChannelView[]> {
  const rows = await deps.store.db.selectFrom('channels').selectAll().orderBy('id').execute();
  return rows.map(presentChannel);
}

// Removing a channel webhook; NOT_FOUND when there is none by that id.
import type { Deps } from '../deps.js';
import { getChannel } from './channels.js';

export async function deleteChannel(deps: Deps, id: string): Promise<void> {
  await getChannel(deps, id);
  await deps.store.write.run((tx) => tx.deleteFrom('channels').where('id', '=', id).execute());
}

// After a restart: user messages that were acknowledged but not yet answered by the bot, and dialogs
// the core had asked for, are picked up again.
import type { Deps } from '../deps.js';

const WINDOW_MS = 24 * 3600 * 1000;

export async function recoverBotTurns(deps: Deps): Promise<number> {
  const since = deps.clock.now() - WINDOW_MS;
  const rows = await deps.store.reads
    .selectFrom('conversations as c')
    .select('c.id')
    .where('c.status', 'in', ['bot', 'offloaded'])
    .where('c.updated_at', '>=', since)
    .where((eb) =>
      eb.or([
        eb.exists(
          eb
            .selectFrom('messages as m')
            .select('m.id')
            .whereRef('m.conversation_id', '=', 'c.id')
            .whereRef('m.seq', '>', 'c.bot_seq')
            .where('m.author_type', '=', 'user'),
        ),
        eb('c.bot_state', 'like', '%"pendingDialog":"%'),
        eb('c.bot_state', 'is', null),
      ]),
    )
    .limit(10_000)
    .execute();
  for (const r of rows) void deps.botTurns.schedule(r.id);
  return rows.length;
}

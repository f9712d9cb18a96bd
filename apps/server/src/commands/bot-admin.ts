// Bot definitions as admins see them: list, open (secrets masked), save and validate.
import type { BotDialogsResponse } from '@baton/proto';
import { handbackTargets } from '../domain/bot/definition.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import type { BotFormat } from '../bot/registry.js';
import { presentBot, presentBotWithSource } from '../presenters/bot.js';

/** Bots are few by nature: the list stops here (docs/api.md) rather than page. */
const MAX_BOTS = 200;

export async function listBots(deps: Deps) {
  const rows = await deps.store.reads.selectFrom('bots').select(['id', 'name', 'version', 'updated_at']).orderBy('id').limit(MAX_BOTS).execute();
  return rows.map(presentBot);
}

export async function getBot(deps: Deps, id: string) {
  const r = await deps.store.db.selectFrom('bots').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new AppError('BOT_NOT_FOUND');
  // webhook header values are secrets: masked, as provider secrets are (a PUT of the mask keeps them)
  return presentBotWithSource(r, await deps.bots.maskedSource(r.source, r.format as BotFormat));
}

/** the dialogs an agent may hand a conversation back to: all names, and the labelled targets the desk lists */
export async function botDialogs(deps: Deps, id: string): Promise<BotDialogsResponse> {
  const bot = await deps.bots.get(id);
  return { dialogs: Object.keys(bot.definition.dialogs).sort(), targets: handbackTargets(bot.definition) };
}

/** creates or replaces a bot; every instance reloads it */
export async function saveBot(deps: Deps, id: string, source: string, format: BotFormat) {
  const row = await deps.bots.save(id, source, format, deps.clock.now());
  deps.bus.publish({ type: 'bot.changed', botId: id });
  return presentBot(row);
}

export async function validateBot(deps: Deps, source: string, format: BotFormat): Promise<void> {
  const r = await deps.bots.validate(source, format);
  if (!r.ok) throw new AppError('BOT_INVALID', `${r.problems.length} problem(s) in the bot definition`, { problems: r.problems });
}

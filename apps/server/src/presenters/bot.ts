// How a bot definition is shown to admins: a summary in lists and after a save, and in full with its
// source when one bot is opened.
import type { BotDetail } from '@baton/proto';
import type { BotRow } from '../store/schema.js';

type BotSummaryRow = Pick<BotRow, 'id' | 'name' | 'version' | 'updated_at'>;

export function presentBot(r: BotSummaryRow) {
  return { id: r.id, name: r.name, version: r.version, updatedAt: new Date(r.updated_at).toISOString() };
}

/** `source` is passed in already masked: webhook header values are secrets */
export function presentBotWithSource(r: BotRow, source: string): BotDetail {
  // the column holds only what saveBot writes: yaml or json
  return { id: r.id, name: r.name, version: r.version, format: r.format as BotDetail['format'], source, updatedAt: new Date(r.updated_at).toISOString() };
}

// Loads bot definitions from the store, keeps one trained runtime per bot version in memory, and
// installs the demo bot on first start.
import fs from 'node:fs';
import type { Logger } from 'pino';
import { parseBotDefinition, type BotDefinition } from '../domain/bot/definition.js';
import { createBotRuntime } from '../domain/bot/runtime.js';
import type { BotRuntime } from '../domain/bot/types.js';
import { createNlu } from '../nlu/index.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/database.js';
import type { BotRow } from '../store/schema.js';
import { callWebhook } from './webhook-client.js';

export const DEMO_BOT_ID = 'demo';
/** how long a bot's version is trusted before it is read again (a save on another instance shows after this) */
const VERSION_TTL_MS = 1000;
export type BotFormat = 'yaml' | 'json';

export interface LoadedBot {
  id: string;
  version: number;
  definition: BotDefinition;
  runtime: BotRuntime;
}

export class BotRegistry {
  private cache = new Map<string, Promise<LoadedBot>>();
  /** the version each bot was last seen at, and when */
  private versions = new Map<string, { version: number; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
  ) {}

  /** The bot a new conversation talks to when none is named: the demo bot, else the oldest. */
  async defaultBotId(): Promise<string | undefined> {
    const rows = await this.store.db.selectFrom('bots').select(['id']).orderBy('created_at', 'asc').execute();
    return rows.find((r) => r.id === DEMO_BOT_ID)?.id ?? rows[0]?.id;
  }

  async get(botId: string): Promise<LoadedBot> {
    // every bot turn asks: the current version (saved here: at once; saved by another instance: within
    // VERSION_TTL_MS), and the definition's source only when that version is not loaded yet
    const current = await this.currentVersion(botId);
    const loaded = this.cache.get(`${botId}@${current}`);
    if (loaded) return loaded;
    const row = await this.store.db.selectFrom('bots').selectAll().where('id', '=', botId).executeTakeFirst();
    if (!row) throw new AppError('BOT_NOT_FOUND');
    return this.load(row);
  }

  private async currentVersion(botId: string): Promise<number> {
    const seen = this.versions.get(botId);
    if (seen && Date.now() - seen.at < VERSION_TTL_MS) return seen.version;
    const row = await this.store.db.selectFrom('bots').select('version').where('id', '=', botId).executeTakeFirst();
    if (!row) throw new AppError('BOT_NOT_FOUND');
    this.versions.set(botId, { version: row.version, at: Date.now() });
    return row.version;
  }

  async exists(botId: string): Promise<boolean> {
    return Boolean(await this.store.db.selectFrom('bots').select('id').where('id', '=', botId).executeTakeFirst());
  }

  private load(row: BotRow): Promise<LoadedBot> {
    const key = `${row.id}@${row.version}`;
    let p = this.cache.get(key);
    if (!p) {
      p = (async () => {
        const parsed = parseBotDefinition(row.source, row.format as BotFormat);
        if (!parsed.ok) throw new AppError('BOT_INVALID', undefined, { problems: parsed.problems });
        const started = Date.now();
        const runtime = await createBotRuntime(parsed.definition, { nlu: createNlu(), callWebhook });
        this.log.info({ bot: row.id, version: row.version, ms: Date.now() - started }, 'bot loaded');
        return { id: row.id, version: row.version, definition: parsed.definition, runtime };
      })();
      p.catch(() => this.cache.delete(key));
      for (const k of this.cache.keys()) if (k.startsWith(`${row.id}@`) && k !== key) this.cache.delete(k);
      this.cache.set(key, p);
    }
    return p;
  }

  /**
   * Validates and trains a definition before storing it, so an invalid bot never replaces the
   * running one.
   */
  async save(botId: string, source: string, format: BotFormat, now: number): Promise<BotRow> {
    const parsed = parseBotDefinition(source, format);
    if (!parsed.ok) throw new AppError('BOT_INVALID', undefined, { problems: parsed.problems });
    await createBotRuntime(parsed.definition, { nlu: createNlu(), callWebhook });
    const name = parsed.definition.name ?? botId;
    const row = await this.store.write.run(async (tx) => {
      const existing = await tx.selectFrom('bots').select(['version', 'created_at']).where('id', '=', botId).executeTakeFirst();
      const next: BotRow = {
        id: botId,
        name,
        source,
        format,
        version: (existing?.version ?? 0) + 1,
        created_at: existing?.created_at ?? now,
        updated_at: now,
      };
      if (existing) await tx.updateTable('bots').set(next).where('id', '=', botId).execute();
      else await tx.insertInto('bots').values(next).execute();
      return next;
    });
    this.versions.set(botId, { version: row.version, at: Date.now() });
    return row;
  }

  validate(source: string, format: BotFormat) {
    return parseBotDefinition(source, format);
  }

  async installDemoIfEmpty(demoPath: string, now: number): Promise<void> {
    const any = await this.store.db.selectFrom('bots').select('id').limit(1).executeTakeFirst();
    if (any) return;
    const source = fs.readFileSync(demoPath, 'utf8');
    await this.save(DEMO_BOT_ID, source, 'yaml', now);
    this.log.info('demo bot installed');
  }

  /** Warm the runtime so the first conversation does not wait for NLU training. */
  async warm(): Promise<void> {
    const rows = await this.store.db.selectFrom('bots').selectAll().execute();
    await Promise.all(rows.map((r) => this.load(r).catch((e) => this.log.error({ err: e, bot: r.id }, 'bot failed to load'))));
  }
}

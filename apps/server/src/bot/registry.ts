// Loads bot definitions from the store, keeps one trained runtime per bot version in memory, and
// installs the demo bot on first start. Sources are read off the event loop (source-worker.ts);
// webhook header values are secrets: encrypted in the stored source, masked when shown, decrypted
// only for the call.
import fs from 'node:fs';
import { SECRET_MASK } from '@baton/proto';
import type { Logger } from 'pino';
import { parseBotDefinition, webhookSteps, webhookTarget, type BotDefinition, type ParseResult, type Problem } from '../domain/bot/definition.js';
import { createBotRuntime, type WebhookCall } from '../domain/bot/runtime.js';
import type { BotRuntime } from '../domain/bot/types.js';
import { createNlu, NluTrainingError } from '../nlu/index.js';
import { AppError } from '../errors.js';
import type { Store } from '../store/database.js';
import type { BotRow } from '../store/schema.js';
import type { OutboundClient } from '../outbound/client.js';
import { assertUrlsAllowed } from '../outbound/save-check.js';
import { decrypt, encrypt } from '../secrets.js';
import { readBotSource, rewriteBotSource, type HeaderSlot } from './source-worker.js';
import { NUL_MESSAGE, nulPath } from '../input-checks.js';
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
    private readonly opts: { secretKey: () => Buffer; outbound: OutboundClient },
  ) {}

  /** the webhook port: header values are decrypted for the call only */
  private readonly ports = () => ({
    nlu: createNlu(),
    callWebhook: (req: WebhookCall) => {
      let headers: Record<string, string>;
      try {
        headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, decrypt(v, this.opts.secretKey())]));
      } catch {
        return Promise.resolve({ ok: false, status: 0, error: 'a header value cannot be decrypted with this BATON_SECRET_KEY' });
      }
      return callWebhook(this.opts.outbound, { ...req, headers });
    },
  });

  /** Reads (off the event loop, within limits) and validates a source: the definition and its header values. */
  private async parse(source: string, format: BotFormat): Promise<ParseResult & { headers?: HeaderSlot[] }> {
    const read = await readBotSource(source, format);
    if (!read.ok) return read;
    return { ...parseBotDefinition(read.value), headers: read.headers };
  }

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
        const parsed = await this.parse(row.source, row.format as BotFormat);
        if (!parsed.ok) throw new AppError('BOT_INVALID', undefined, { problems: parsed.problems });
        const started = Date.now();
        const runtime = await createBotRuntime(parsed.definition, this.ports());
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
  async save(botId: string, given: string, format: BotFormat, now: number): Promise<BotRow> {
    const parsed = await this.validate(given, format);
    if (!parsed.ok) throw new AppError('BOT_INVALID', `${parsed.problems.length} problem(s) in the bot definition`, { problems: parsed.problems });
    const source = await this.sealHeaders(botId, given, format, parsed.headers ?? [], parsed.definition);
    try {
      await createBotRuntime(parsed.definition, this.ports());
    } catch (err) {
      // too slow or too large to train (within the definition's limits, still possible): the author's to fix
      if (err instanceof NluTrainingError) throw new AppError('BOT_INVALID', err.message, { problems: [{ path: 'intents', message: err.message }] });
      throw err;
    }
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

  /**
   * Problems in a definition (BOT_INVALID), or URL_NOT_ALLOWED thrown when a webhook step targets an
   * address Baton may not call (checked on the URL as written; again after DNS on every call).
   */
  async validate(source: string, format: BotFormat): Promise<ParseResult & { headers?: HeaderSlot[] }> {
    const parsed = await this.parse(source, format);
    // a YAML escape ("\0", "\x00") makes a NUL the text check of the raw body cannot see: PostgreSQL
    // could not store a conversation's text built from it, so validate and save refuse it alike
    const nul = parsed.ok ? nulPath(parsed.definition) : undefined;
    if (nul !== undefined) return { ok: false, problems: [{ path: nul, message: NUL_MESSAGE }] };
    if (parsed.ok) assertUrlsAllowed(webhookSteps(parsed.definition).map((w) => ({ path: `${w.path}.url`, url: webhookTarget(w.webhook.url) })), this.opts.outbound.policy);
    return parsed;
  }

  /**
   * The source to store: every webhook header value encrypted. A value equal to the mask keeps the
   * value stored for the same header (same dialog, step position and header name, ignoring case) as
   * long as the step still calls the same origin: a mask never follows a URL to another host, or an
   * admin could send the stored secret to a server of theirs and read it there.
   */
  private async sealHeaders(botId: string, source: string, format: BotFormat, headers: HeaderSlot[], definition: unknown): Promise<string> {
    if (!headers.length) return source;
    const key = this.opts.secretKey();
    const slotIn = (tree: unknown) => (h: HeaderSlot) => `${h.dialog}\u0000${h.step}\u0000${h.name.toLowerCase()}\u0000${webhookOrigin(tree, h)}`;
    const slot = slotIn(definition);
    let stored: Map<string, string> | undefined;
    if (headers.some((h) => h.value === SECRET_MASK)) {
      const row = await this.store.db.selectFrom('bots').select(['source', 'format']).where('id', '=', botId).executeTakeFirst();
      const old = row ? await readBotSource(row.source, row.format as BotFormat) : undefined;
      const storedSlot = slotIn(old?.ok ? old.value : undefined);
      stored = new Map(old?.ok ? old.headers.map((h) => [storedSlot(h), String(h.value)]) : []);
    }
    const problems: Problem[] = [];
    const sealed = headers.map((h) => {
      const value = String(h.value);
      const path = `dialogs.${h.dialog}.steps.${h.step}.webhook.headers.${h.name}`;
      if (value === SECRET_MASK) {
        const kept = stored?.get(slot(h));
        if (kept === undefined) problems.push({ path, message: 'the mask keeps the stored value only for the same header of a step that still calls the same scheme, host and port: type the value again' });
        return { ...h, value: kept === undefined ? value : sealed1(kept) };
      }
      return { ...h, value: sealed1(value) };
    });
    if (problems.length) throw new AppError('BOT_INVALID', `${problems.length} problem(s) in the bot definition`, { problems });
    const out = await rewriteBotSource(source, format, sealed);
    if (!out.ok) throw new AppError('BOT_INVALID', `${out.problems.length} problem(s) in the bot definition`, { problems: out.problems });
    return out.source;

    // already encrypted with this key (a kept value, or one sent back as stored): as is; else encrypted now
    function sealed1(v: string): string {
      if (v.startsWith('enc:v1:')) {
        try {
          decrypt(v, key);
          return v;
        } catch {
          /* not encrypted with this key: encrypted like any other value */
        }
      }
      return encrypt(v, key);
    }
  }

  /** A stored source as the API shows it: every webhook header value replaced by the mask. */
  async maskedSource(source: string, format: BotFormat): Promise<string> {
    const read = await readBotSource(source, format);
    // never the source unmasked: it may hold header values stored before they were encrypted
    if (!read.ok) throw new AppError('BOT_INVALID', 'the stored bot definition cannot be read now', { problems: read.problems });
    if (!read.headers.length) return source;
    const out = await rewriteBotSource(source, format, read.headers.map((h) => ({ ...h, value: SECRET_MASK })));
    if (!out.ok) throw new AppError('BOT_INVALID', 'the stored bot definition cannot be shown', { problems: out.problems });
    return out.source;
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

/** scheme, host and port a webhook step calls (its URL's template values left out), '' when unknown */
function webhookOrigin(definition: unknown, h: HeaderSlot): string {
  const url = (definition as { dialogs?: Record<string, { steps?: Array<{ webhook?: { url?: unknown } }> }> } | undefined)?.dialogs?.[h.dialog]?.steps?.[h.step]?.webhook?.url;
  const target = typeof url === 'string' ? webhookTarget(url) : undefined;
  try {
    return target ? new URL(target).origin : '';
  } catch {
    return '';
  }
}

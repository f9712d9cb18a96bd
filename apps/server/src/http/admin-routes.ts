// Settings > Offloading and bot definitions (admins). Bots accept YAML or JSON bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getOffloadingSettings, putOffloadingSettings } from '../commands/offloading-settings.js';
import { BOT_SOURCE_LIMITS } from '../bot/source-worker.js';
import { botDefinitionJsonSchema } from '../domain/bot/definition.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { parse } from './parse.js';

const BotId = z.object({ id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only') });

function botBody(req: FastifyRequest): { source: string; format: 'yaml' | 'json' } {
  const type = String(req.headers['content-type'] ?? '');
  if (typeof req.body === 'string') {
    const trimmed = req.body.trimStart();
    const json = type.includes('json') || trimmed.startsWith('{');
    return { source: req.body, format: json ? 'json' : 'yaml' };
  }
  if (req.body && typeof req.body === 'object') {
    // JSON.stringify recurses: a 50,000-deep body would throw a RangeError (500) instead of a 422
    const problem = shapeProblem(req.body);
    if (problem) throw new AppError('BOT_INVALID', problem.message, { problems: [problem] });
    return { source: JSON.stringify(req.body, null, 2), format: 'json' };
  }
  throw new AppError('VALIDATION_FAILED', 'Send the bot definition as YAML (application/yaml) or JSON');
}

/** The first way a parsed JSON body exceeds the bot source limits (walked without recursion). */
function shapeProblem(body: object): { path: string; message: string } | undefined {
  const { maxDepth, maxNodes } = BOT_SOURCE_LIMITS;
  const stack: Array<[unknown, number]> = [[body, 1]];
  for (let nodes = 1; stack.length; nodes++) {
    const [v, depth] = stack.pop()!;
    if (nodes > maxNodes) return { path: '', message: `more than ${maxNodes} values: a bot definition is far smaller` };
    if (v === null || typeof v !== 'object') continue;
    if (depth > maxDepth) return { path: '', message: `nested deeper than ${maxDepth} levels` };
    for (const x of Object.values(v)) stack.push([x, depth + 1]);
  }
  return undefined;
}

export function registerAdminRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/v1/settings/offloading', { config: { access: 'admin' } }, async () => {
    return getOffloadingSettings(deps);
  });

  app.put('/api/v1/settings/offloading', { config: { access: 'admin' } }, async (req) => {
    return putOffloadingSettings(deps, req.body);
  });

  app.get('/api/v1/bots/schema.json', { config: { access: 'public' } }, async () => botDefinitionJsonSchema());

  app.get('/api/v1/bots', { config: { access: 'supervisor' } }, async () => {
    const rows = await deps.store.db.selectFrom('bots').select(['id', 'name', 'version', 'updated_at']).orderBy('id').execute();
    return { bots: rows.map((r) => ({ id: r.id, name: r.name, version: r.version, updatedAt: new Date(r.updated_at).toISOString() })) };
  });

  app.get('/api/v1/bots/:id', { config: { access: 'supervisor' } }, async (req) => {
    const { id } = parse(BotId, req.params);
    const r = await deps.store.db.selectFrom('bots').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('BOT_NOT_FOUND');
    // webhook header values are secrets: masked, as provider secrets are (a PUT of the mask keeps them)
    const source = await deps.bots.maskedSource(r.source, r.format as 'yaml' | 'json');
    return { bot: { id: r.id, name: r.name, version: r.version, format: r.format, source, updatedAt: new Date(r.updated_at).toISOString() } };
  });

  app.get('/api/v1/bots/:id/dialogs', { config: { access: 'agent' } }, async (req) => {
    const { id } = parse(BotId, req.params);
    const bot = await deps.bots.get(id);
    return { dialogs: Object.keys(bot.definition.dialogs).sort() };
  });

  app.put('/api/v1/bots/:id', { config: { access: 'admin' } }, async (req) => {
    const { id } = parse(BotId, req.params);
    const { source, format } = botBody(req);
    const row = await deps.bots.save(id, source, format, deps.clock.now());
    deps.bus.publish({ type: 'bot.changed', botId: id });
    return { bot: { id: row.id, name: row.name, version: row.version, updatedAt: new Date(row.updated_at).toISOString() } };
  });

  app.post('/api/v1/bots/validate', { config: { access: 'admin' } }, async (req) => {
    const { source, format } = botBody(req);
    const r = await deps.bots.validate(source, format);
    if (!r.ok) throw new AppError('BOT_INVALID', `${r.problems.length} problem(s) in the bot definition`, { problems: r.problems });
    return { ok: true };
  });
}

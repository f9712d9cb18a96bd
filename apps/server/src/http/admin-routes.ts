// Settings > Offloading and bot definitions (admins). Bots accept YAML or JSON bodies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { getOffloadingSettings, putOffloadingSettings } from '../commands/offloading-settings.js';
import { botDefinitionJsonSchema } from '../domain/bot/definition.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { requireAgent } from './auth-guard.js';
import { parse } from './parse.js';

const BotId = z.object({ id: z.string().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, _ and - only') });

function botBody(req: FastifyRequest): { source: string; format: 'yaml' | 'json' } {
  const type = String(req.headers['content-type'] ?? '');
  if (typeof req.body === 'string') {
    const trimmed = req.body.trimStart();
    const json = type.includes('json') || trimmed.startsWith('{');
    return { source: req.body, format: json ? 'json' : 'yaml' };
  }
  if (req.body && typeof req.body === 'object') return { source: JSON.stringify(req.body, null, 2), format: 'json' };
  throw new AppError('VALIDATION_FAILED', 'Send the bot definition as YAML (application/yaml) or JSON');
}

export function registerAdminRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/api/v1/settings/offloading', async (req) => {
    await requireAgent(deps, req, ['admin']);
    return getOffloadingSettings(deps);
  });

  app.put('/api/v1/settings/offloading', async (req) => {
    await requireAgent(deps, req, ['admin']);
    return putOffloadingSettings(deps, req.body);
  });

  app.get('/api/v1/bots/schema.json', async () => botDefinitionJsonSchema());

  app.get('/api/v1/bots', async (req) => {
    await requireAgent(deps, req, ['admin', 'supervisor']);
    const rows = await deps.store.db.selectFrom('bots').select(['id', 'name', 'version', 'updated_at']).orderBy('id').execute();
    return { bots: rows.map((r) => ({ id: r.id, name: r.name, version: r.version, updatedAt: new Date(r.updated_at).toISOString() })) };
  });

  app.get('/api/v1/bots/:id', async (req) => {
    await requireAgent(deps, req, ['admin', 'supervisor']);
    const { id } = parse(BotId, req.params);
    const r = await deps.store.db.selectFrom('bots').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new AppError('BOT_NOT_FOUND');
    return { bot: { id: r.id, name: r.name, version: r.version, format: r.format, source: r.source, updatedAt: new Date(r.updated_at).toISOString() } };
  });

  app.get('/api/v1/bots/:id/dialogs', async (req) => {
    await requireAgent(deps, req);
    const { id } = parse(BotId, req.params);
    const bot = await deps.bots.get(id);
    return { dialogs: Object.keys(bot.definition.dialogs).sort() };
  });

  app.put('/api/v1/bots/:id', async (req) => {
    await requireAgent(deps, req, ['admin']);
    const { id } = parse(BotId, req.params);
    const { source, format } = botBody(req);
    const row = await deps.bots.save(id, source, format, deps.clock.now());
    deps.bus.publish({ type: 'bot.changed', botId: id });
    return { bot: { id: row.id, name: row.name, version: row.version, updatedAt: new Date(row.updated_at).toISOString() } };
  });

  app.post('/api/v1/bots/validate', async (req) => {
    await requireAgent(deps, req, ['admin']);
    const { source, format } = botBody(req);
    const r = deps.bots.validate(source, format);
    if (!r.ok) throw new AppError('BOT_INVALID', `${r.problems.length} problem(s) in the bot definition`, { problems: r.problems });
    return { ok: true };
  });
}

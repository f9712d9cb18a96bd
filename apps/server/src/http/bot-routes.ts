// Bot definitions (admins; supervisors read them, agents read dialog names). Bots accept YAML or JSON bodies.
import { BotDialogsResponse, BotIdParams, BotInfo, BotResponse, JsonDocument } from '@baton/proto';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { BOT_SOURCE_LIMITS } from '../bot/source-worker.js';
import { botDialogs, getBot, listBots, saveBot, validateBot } from '../commands/bot-admin.js';
import { botDefinitionJsonSchema } from '../domain/bot/definition.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { defineRoute } from './route.js';

const TAG = 'Admin';
const BOT_MEDIA = ['application/yaml', 'application/json', 'text/plain'] as const;

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

export function botRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/bots/schema.json',
      access: 'public',
      name: 'getBotSchema',
      summary: 'JSON Schema of the bot definition format, for editors',
      tag: TAG,
      response: JsonDocument,
      handler: async () => botDefinitionJsonSchema(),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/bots',
      access: 'supervisor',
      name: 'listBots',
      summary: 'List bots',
      tag: TAG,
      response: z.object({ bots: z.array(BotInfo) }),
      handler: async () => ({ bots: await listBots(deps) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/bots/:id',
      access: 'supervisor',
      name: 'getBot',
      summary: 'A bot with its source',
      tag: TAG,
      params: BotIdParams,
      response: BotResponse,
      handler: async ({ params }) => ({ bot: await getBot(deps, params.id) }),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/bots/:id/dialogs',
      access: 'agent',
      name: 'listBotDialogs',
      summary: 'Dialog names of a bot, and the hand-back targets people pick from (labelled, without system dialogs)',
      tag: TAG,
      params: BotIdParams,
      response: BotDialogsResponse,
      handler: async ({ params }) => botDialogs(deps, params.id),
    }),
    defineRoute({
      method: 'PUT',
      url: '/api/v1/bots/:id',
      access: 'admin',
      name: 'putBot',
      summary: 'Create or replace a bot (YAML or JSON body); 422 BOT_INVALID lists each problem with its path',
      tag: TAG,
      params: BotIdParams,
      bodyMedia: BOT_MEDIA,
      response: z.object({ bot: BotInfo }),
      errors: ['BOT_INVALID'],
      handler: async ({ req, params }) => {
        const { source, format } = botBody(req);
        return { bot: await saveBot(deps, params.id, source, format) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/bots/validate',
      access: 'admin',
      name: 'validateBot',
      summary: 'Validate a bot definition without saving it',
      tag: TAG,
      bodyMedia: BOT_MEDIA,
      response: z.object({ ok: z.literal(true) }),
      errors: ['BOT_INVALID'],
      handler: async ({ req }) => {
        const { source, format } = botBody(req);
        await validateBot(deps, source, format);
        return { ok: true as const };
      },
    }),
  ];
}

// Genesys → Baton: the Digital Bot Connector's calls to its Bot Connector URI
// (/api/v1/providers/genesys-bot-connector/{providerId}/botconnector): the bot list Architect reads, one
// bot, and the messages of a bot session. Every call carries the integration's credential field as a
// header, compared in constant time before anything is parsed; missing or wrong → 403, as the spec
// suggests (a 4xx takes the flow's failure path and is not retried).
import { ProviderIdParams } from '@baton/proto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { InboundActions } from '../../commands/provider-inbound.js';
import type { Deps } from '../../deps.js';
import { AppError } from '../../errors.js';
import { registerSignedInbound, type SignedInbound } from '../../http/signed-inbound.js';
import { parseJson, validationFailed } from '../../input-checks.js';
import { safeEqual } from '../../tokens.js';
import { providerOfCallback } from '../provider.js';
import { BOT_CONNECTOR_TYPE, BOT_VERSION, GenesysBotConnectorConfig, HANDOVER_ENTITIES, HANDOVER_INTENT, languageCodes, VARIABLE_PREFIX, variableNames } from './config.js';
import { BotDescriptor, BotList, IncomingMessagesRequest, IncomingMessagesResponse } from './contract.js';
import { answerMessage } from './exchange.js';

const BASE = '/api/v1/providers/genesys-bot-connector/:providerId/botconnector';
/** Architect reads at most 50 bots. */
const MAX_BOTS = 50;

interface Target {
  providerId: string;
  c: GenesysBotConnectorConfig;
}

async function target(deps: Deps, req: FastifyRequest): Promise<Target> {
  const provider = await providerOfCallback(deps, req.params, BOT_CONNECTOR_TYPE, 'Genesys bot connector');
  const parsed = GenesysBotConnectorConfig.safeParse(provider.config ?? {});
  if (!parsed.success) throw new AppError('PROVIDER_NOT_FOUND', `The Genesys bot connector provider "${provider.id}" is not fully configured`);
  return { providerId: provider.id, c: parsed.data };
}

/** The credential header against the current value and, during a rotation, the previous one: both compared, so the time tells nothing. */
function verify({ c }: Target, _raw: Buffer, req: FastifyRequest): void {
  const given = req.headers[c.credentialName.toLowerCase()];
  const value = typeof given === 'string' ? given : '';
  const matches = [c.connectionSecret, c.previousConnectionSecret ?? ''].map((s) => Boolean(s) && safeEqual(s, value));
  if (!value || !matches.includes(true)) throw new AppError('CONNECTION_SECRET_INVALID', `Missing or wrong ${c.credentialName} header`);
}

/** A bot as Architect lists it: one version, the Handover intent with its slots. */
async function describe(deps: Deps, c: GenesysBotConnectorConfig, bot: { id: string; name: string }): Promise<BotDescriptor> {
  const loaded = await deps.bots.get(bot.id);
  return {
    id: bot.id,
    name: (bot.name || bot.id).trim().slice(0, 100),
    provider: 'Baton',
    description: 'A Baton bot. It answers until it hands over: then the Handover intent carries skill, language, trigger and variables to the flow.',
    versions: [
      {
        version: BOT_VERSION,
        supportedLanguages: languageCodes(c, loaded.definition.languages),
        intents: [{ name: HANDOVER_INTENT, entities: [...HANDOVER_ENTITIES.map((e) => ({ ...e })), ...variableNames(loaded.definition).map((n) => ({ name: `${VARIABLE_PREFIX}${n}`, type: 'String' as const }))] }],
      },
    ],
  };
}

const BotIdParams = ProviderIdParams.extend({ botId: z.string().min(1).max(100) });

export function registerBotConnectorRoutes(app: FastifyInstance, deps: Deps, inbound: InboundActions): void {
  const common: Pick<SignedInbound<Target>, 'target' | 'verify' | 'budgetKey'> = {
    target: (req) => target(deps, req),
    verify,
    budgetKey: ({ providerId }) => `provider:${providerId}`,
  };

  registerSignedInbound(app, deps, `${BASE}/bots`, {
    ...common,
    method: 'GET',
    doc: {
      name: 'listGenesysBotConnectorBots',
      summary: 'Genesys Digital Bot Connector: the bots Architect may call (up to 50), each with one version and the Handover intent',
      tag: 'Providers',
      signedWith: 'genesysConnectionSecret',
      params: ProviderIdParams,
      response: BotList,
    },
    async handle(_req, _reply, { c }) {
      const bots = await deps.store.db.selectFrom('bots').select(['id', 'name']).orderBy('id').limit(MAX_BOTS).execute();
      return { entities: await Promise.all(bots.map((b) => describe(deps, c, b))) };
    },
  });

  registerSignedInbound(app, deps, `${BASE}/bots/:botId`, {
    ...common,
    method: 'GET',
    doc: {
      name: 'getGenesysBotConnectorBot',
      summary: 'Genesys Digital Bot Connector: one bot of the list',
      tag: 'Providers',
      signedWith: 'genesysConnectionSecret',
      params: BotIdParams,
      response: BotDescriptor,
      errors: ['BOT_NOT_FOUND'],
    },
    async handle(req, _reply, { c }) {
      const { botId } = BotIdParams.parse(req.params);
      const bot = await deps.store.db.selectFrom('bots').select(['id', 'name']).where('id', '=', botId).executeTakeFirst();
      if (!bot) throw new AppError('BOT_NOT_FOUND', `No Baton bot "${botId}"`);
      return describe(deps, c, bot);
    },
  });

  registerSignedInbound(app, deps, `${BASE}/messages`, {
    ...common,
    doc: {
      name: 'receiveGenesysBotConnectorMessage',
      summary:
        'Genesys Digital Bot Connector: a user message of a bot session (the Baton conversation of the Genesys conversation is made on first contact; a repeated messageId is stored once and answered the same). Answered within answerWithinMs: MoreData with the bot\'s replies (quick replies, cards, carousels as structured messages), or Complete with the Handover intent and the handover as parameters; a slower bot\'s replies follow as outgoing messages',
      tag: 'Providers',
      signedWith: 'genesysConnectionSecret',
      params: ProviderIdParams,
      body: IncomingMessagesRequest,
      response: IncomingMessagesResponse,
      errors: ['BOT_NOT_FOUND', 'IDEMPOTENCY_KEY_REUSED', 'TEXT_TOO_LONG'],
    },
    async handle(_req, _reply, { providerId, c }, raw) {
      const parsed = IncomingMessagesRequest.safeParse(parseJson(raw));
      if (!parsed.success) throw validationFailed(parsed.error);
      return answerMessage(deps, inbound, providerId, c, parsed.data);
    },
  });
}
